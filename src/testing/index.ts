/**
 * `triggerkit/testing`: run a handler on a recorded raw event, exactly as Lambda would, and see every outcome.
 */
import { readFile } from 'node:fs/promises';
import type { Context as LambdaContext } from 'aws-lambda';
import type { CloudEvent } from '../cloud-event.js';
import type { TriggerHandler } from '../define-handler.js';
import { createMemoryIdempotencyStore, type IdempotencyStore } from '../delivery/idempotency.js';
import type { Stage } from '../pipeline.js';
import { createLocalContext } from '../runtime/aws-lambda/context.js';
import type { TraceRecord } from '../runtime/hooks.js';

export interface InvokeOptions {
  /** Overrides for the Lambda context (function name, request id, …). */
  context?: Partial<LambdaContext>;
  /** The attempt number to report to the handler. Default 1. */
  attempt?: number;
  /**
   * Where a handler that declares `idempotency` keeps its records. Default a new in-memory store per
   * call; pass one store (`createMemoryIdempotencyStore()`) to several calls to see duplicates across them.
   */
  idempotency?: IdempotencyStore;
  /** The clock idempotency windows are read on (ms since the epoch). Default `Date.now`. */
  now?: () => number;
}

export interface FailedEvent {
  readonly event: CloudEvent;
  readonly stage: Stage;
  readonly error: unknown;
  readonly retryable: boolean;
}

export interface InvokeResult {
  /** What Lambda would receive back (batch response, HTTP response…); undefined when the handler threw. */
  readonly response: unknown;
  /** What the Lambda handler threw, for transports that signal failure by throwing. */
  readonly error: unknown;
  /** The events as the handler received them (after the transform). */
  readonly delivered: readonly CloudEvent[];
  /** What each delivered event's handler returned. */
  readonly results: readonly unknown[];
  /** Events not handed to the handler because they had completed within its idempotency `ttl`. */
  readonly duplicates: readonly CloudEvent[];
  readonly filtered: readonly CloudEvent[];
  readonly failed: readonly FailedEvent[];
  /** Every event's passage, in order. */
  readonly traces: readonly TraceRecord[];
}

/**
 * Invokes `handler` with a recorded raw event (an SQS batch, an HTTP API request, a CloudEvent…).
 *
 * @example
 * const result = await invoke(handler, await loadEvent('test/fixtures/events/sqs/orders.json'));
 * expect(result.response).toEqual({ batchItemFailures: [] });
 */
export async function invoke(
  handler: TriggerHandler,
  raw: unknown,
  options: InvokeOptions = {},
): Promise<InvokeResult> {
  const traces: TraceRecord[] = [];
  const context = Object.assign(
    createLocalContext({
      functionName: handler.definition.name ?? 'handler',
      requestId: 'test-invocation',
      hooks: {
        observe: (trace) => traces.push(trace),
        attempt: options.attempt ?? 1,
        idempotency: options.idempotency ?? createMemoryIdempotencyStore(),
        ...(options.now && { now: options.now }),
      },
    }),
    options.context,
  );
  let response: unknown;
  let error: unknown;
  try {
    response = await handler(raw, context);
  } catch (thrown) {
    error = thrown;
  }
  const delivered: CloudEvent[] = [];
  const results: unknown[] = [];
  const duplicates: CloudEvent[] = [];
  const filtered: CloudEvent[] = [];
  const failed: FailedEvent[] = [];
  for (const { outcome } of traces) {
    if (outcome.status === 'delivered' && outcome.duplicate) duplicates.push(outcome.event);
    else if (outcome.status === 'delivered') {
      delivered.push(outcome.input);
      results.push(outcome.result);
    } else if (outcome.status === 'filtered') filtered.push(outcome.event);
    else
      failed.push({
        event: outcome.event,
        stage: outcome.stage,
        error: outcome.error,
        retryable: outcome.retryable,
      });
  }
  return { response, error, delivered, results, duplicates, filtered, failed, traces };
}

/**
 * Reads a recorded raw event from a JSON file.
 *
 * @example
 * const raw = await loadEvent('test/fixtures/events/apigw-http/order-webhook.json');
 */
export async function loadEvent(path: string | URL): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

export type { IdempotencyStore } from '../delivery/idempotency.js';
export { createMemoryIdempotencyStore } from '../delivery/idempotency.js';
export type { TraceRecord } from '../runtime/hooks.js';
