/**
 * `triggerkit/otel`: an OpenTelemetry span per attempt of each event, for `defineHandler`'s `tracing`
 * option. Only `@opentelemetry/api` is imported (an optional peer dependency): the user's SDK or
 * Lambda layer (ADOT) registers the tracer provider and exporter, and a handler that does not import
 * this module bundles no tracing code at all.
 *
 * Each span continues the event's trace — its `traceparent`, which the sources derive (from SQS's
 * `AWSTraceHeader`, a Kafka header, an HTTP request's header…) — else the invocation's X-Ray trace, and
 * links the span that was active (an instrumented Lambda invocation's). It is named and attributed by
 * the CloudEvents and messaging semantic conventions, and is the active span while the handler runs,
 * so the spans the handler makes are its children.
 * @see https://opentelemetry.io/docs/specs/semconv/cloudevents/cloudevents-spans/
 * @see https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
 */
import {
  type Attributes,
  context,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Outcome } from '../delivery/outcome.js';
import { describeError } from '../errors.js';
import type { AttemptInfo, EventTracing } from '../runtime/observe/tracing.js';
import type { Transport } from '../sources/types.js';

export type { AttemptInfo, EventTracing } from '../runtime/observe/tracing.js';

export interface OpenTelemetryOptions {
  /** The tracer to use; default: `trace.getTracer('triggerkit')` on the globally registered provider. */
  readonly tracer?: Tracer;
}

/** `messaging.system` for the transports the messaging conventions name; the others leave it out. */
const MESSAGING_SYSTEM: Partial<Record<Transport, string>> = {
  'aws:sqs': 'aws_sqs',
  'aws:kafka': 'kafka',
  rocketmq: 'rocketmq',
};

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Traces each attempt of each event as an OpenTelemetry span (kind `CONSUMER`).
 *
 * @example
 * import { openTelemetry } from 'triggerkit/otel';
 *
 * export const handler = defineHandler({
 *   sources: [{ type: 'aws:sqs', queue: 'orders' }],
 *   tracing: openTelemetry(),
 *   async handle(event) { … },
 * });
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): EventTracing {
  const tracer = options.tracer ?? trace.getTracer('triggerkit');
  return {
    attempt(info, run) {
      const active = context.active();
      const remote = spanContextOf(info.traceparent);
      const current = trace.getSpanContext(active);
      const links: Link[] = remote && current ? [{ context: current }] : [];
      const parent = remote ? trace.setSpanContext(active, remote) : active;
      const name = `CloudEvents Process ${info.event.type}`;
      const span = tracer.startSpan(
        name,
        { kind: SpanKind.CONSUMER, attributes: attributesOf(info), links },
        parent,
      );
      return context.with(trace.setSpan(parent, span), async () => {
        try {
          const outcome = await run();
          endWith(span, outcome);
          return outcome;
        } catch (error) {
          // `run` reports failures as outcomes; a throw here is the runtime's own, and still ends the span.
          endWith(span, undefined, error);
          throw error;
        }
      });
    },
  };
}

function attributesOf(info: AttemptInfo): Attributes {
  const { event } = info;
  const system = MESSAGING_SYSTEM[info.transport];
  return {
    'cloudevents.event_id': event.id,
    'cloudevents.event_source': event.source,
    'cloudevents.event_spec_version': event.specversion,
    'cloudevents.event_type': event.type,
    ...(event.subject !== undefined && { 'cloudevents.event_subject': event.subject }),
    ...(system !== undefined && { 'messaging.system': system }),
    'messaging.operation.type': 'process',
    'messaging.message.id': info.ref,
    'faas.invocation_id': info.requestId,
    'triggerkit.handler': info.handler,
    'triggerkit.transport': info.transport,
    'triggerkit.attempt': info.attempt,
  };
}

function endWith(span: Span, outcome: Outcome | undefined, thrown?: unknown): void {
  span.setAttribute('triggerkit.outcome', outcome?.status ?? 'failed');
  if (outcome?.status === 'delivered' && outcome.duplicate) span.setAttribute('triggerkit.duplicate', true);
  const error = outcome === undefined ? thrown : outcome.status === 'failed' ? outcome.error : undefined;
  if (outcome === undefined || outcome.status === 'failed') {
    const { type, message } = describeError(error);
    if (outcome?.status === 'failed') span.setAttribute('triggerkit.stage', outcome.stage);
    span.setAttribute('error.type', type);
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}

/** A remote span context from a W3C `traceparent`; `undefined` when it is absent or not one. */
function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  if (match === null || match[1] === 'ff') return undefined;
  const [, , traceId, spanId, flags] = match as unknown as [string, string, string, string, string];
  const remote = { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 1, isRemote: true };
  return trace.isSpanContextValid(remote) ? remote : undefined;
}
