/**
 * The seam between the cloud adapters and a tracer: the adapters call `attempt` around each attempt of
 * each event; `triggerkit/otel` implements it with OpenTelemetry's API. Only a type here, so a bundle
 * that does not trace holds no tracing code.
 */
import type { CloudEvent } from '../../cloud-event.js';
import type { Outcome } from '../../delivery/outcome.js';
import type { Transport } from '../../sources/types.js';

/** One attempt of one event through one handler, as a tracer sees it before it runs. */
export interface AttemptInfo {
  readonly event: CloudEvent;
  readonly handler: string;
  /** 1-based. */
  readonly attempt: number;
  readonly transport: Transport;
  /** The record's id in its batch (an SQS message id, a stream sequence number). */
  readonly ref: string;
  /** The invocation's request id (Lambda's `awsRequestId`, FC's `requestId`). */
  readonly requestId: string;
  /**
   * The W3C trace context to continue: the event's `traceparent` (which sources derive, from SQS's
   * `AWSTraceHeader` say), else the invocation's X-Ray trace (`_X_AMZN_TRACE_ID`); `undefined`: neither.
   */
  readonly traceparent: string | undefined;
}

/**
 * Traces each attempt: `run` makes it (it never throws: failures are outcomes) and its outcome is the
 * attempt's. Pass one as `defineHandler`'s `tracing` option; `openTelemetry()` from `triggerkit/otel` is one.
 *
 * @example
 * import { openTelemetry } from 'triggerkit/otel';
 * export const handler = defineHandler({ tracing: openTelemetry(), sources: [{ type: 'aws:sqs' }], handle });
 */
export interface EventTracing {
  attempt(info: AttemptInfo, run: () => Promise<Outcome>): Promise<Outcome>;
}
