/**
 * `triggerkit/testing`: run a handler on a recorded or generated raw event, exactly as Lambda would, and
 * see every outcome; `events` builds the raw events, `matchers` asserts on the outcomes.
 */
import { readFile } from 'node:fs/promises';
import type { Context as LambdaContext } from 'aws-lambda';
import type { CloudEvent } from '../cloud-event.js';
import type { TriggerHandler } from '../define-handler.js';
import type { HandlerDefinition } from '../definition.js';
import { virtualRuntime } from '../delivery/attempts.js';
import type { DeadLetterEnvelope } from '../delivery/dead-letter.js';
import { createMemoryIdempotencyStore, type IdempotencyStore } from '../delivery/idempotency.js';
import type { Outcome, Stage } from '../delivery/outcome.js';
import { createLocalContext } from '../runtime/aws-lambda/context.js';
import type { RuntimeHooks, TraceRecord } from '../runtime/hooks.js';
import { finalTraces, rememberDefinition } from './outcomes.js';

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
  /**
   * Play every retry and dead letter now, on a virtual clock: each failed event is retried as its
   * `retry` policy says (the waits pass in virtual time, so a one-hour backoff takes milliseconds) until
   * it is delivered or dead-lettered, and the result lists `attempts` and `deadLetters`. Default false:
   * one attempt, as one Lambda invocation without the retry queue.
   */
  retries?: boolean;
  /** With `retries`: where each event's virtual clock starts (ms since the epoch). Default `now()` or `Date.now()`. */
  startAt?: number;
}

/** One attempt of one event, at its virtual time. */
export interface Attempt {
  /** The CloudEvent's id. */
  readonly id: string;
  /** 1-based. */
  readonly attempt: number;
  /** When it ran, ms since the epoch on the virtual clock (wall time without `retries`). */
  readonly at: number;
  readonly outcome: Outcome['status'];
}

export interface FailedEvent {
  readonly event: CloudEvent;
  readonly stage: Stage;
  readonly error: unknown;
  readonly retryable: boolean;
}

/** What `invoke` saw; `TData` and `TResult` are the handler's (`delivered[i].data`, `results[i]`). */
export interface InvokeResult<TData = unknown, TResult = unknown> {
  /** What Lambda would receive back (batch response, HTTP response…); undefined when the handler threw. */
  readonly response: unknown;
  /** What the Lambda handler threw, for transports that signal failure by throwing. */
  readonly error: unknown;
  /** The events as the handler received them (after the transform and the schema). */
  readonly delivered: readonly CloudEvent<TData>[];
  /** What each delivered event's handler returned. */
  readonly results: readonly Awaited<TResult>[];
  /** Events not handed to the handler because they had completed within its idempotency `ttl`. */
  readonly duplicates: readonly CloudEvent[];
  readonly filtered: readonly CloudEvent[];
  readonly failed: readonly FailedEvent[];
  /** Every event's passage, in order: with `retries`, one per attempt. */
  readonly traces: readonly TraceRecord[];
  /** Every attempt, in the order they ran. */
  readonly attempts: readonly Attempt[];
  /**
   * With `retries`: the dead-letter CloudEvents, exactly the envelope the emulator and the Lambda
   * runtime write (the event plus `dlreason`, `dlattempts`, `dlerror`…). Empty without `retries`.
   */
  readonly deadLetters: readonly DeadLetterEnvelope[];
}

/**
 * Invokes `handler` with a raw event (an SQS batch, an HTTP API request, a CloudEvent…), recorded or
 * made by `events`. The result is typed over the handler: `delivered` holds `CloudEvent<TData>`,
 * `results` what `handle` returned.
 *
 * @example
 * const result = await invoke(handler, await loadEvent('test/fixtures/events/sqs/orders.json'));
 * expect(result.response).toEqual({ batchItemFailures: [] });
 */
export async function invoke<TData = unknown, TResult = unknown>(
  handler: TriggerHandler<TData, TResult>,
  raw: unknown,
  options: InvokeOptions = {},
): Promise<InvokeResult<TData, TResult>> {
  const traces: TraceRecord[] = [];
  const deadLetters: DeadLetterEnvelope[] = [];
  const clock = options.now ?? Date.now;
  const startAt = options.startAt ?? clock();
  // Each event gets its own virtual clock from `startAt`, as events are retried independently.
  let current: ReturnType<typeof virtualRuntime> | undefined;
  const retries: Partial<RuntimeHooks> = options.retries
    ? {
        attempts: () => {
          current = virtualRuntime(startAt, deadLetters);
          return current;
        },
        now: () => current?.now() ?? startAt,
      }
    : { attempt: options.attempt ?? 1, ...(options.now && { now: options.now }) };
  const context = Object.assign(
    createLocalContext({
      functionName: handler.definition.name ?? 'handler',
      requestId: 'test-invocation',
      hooks: {
        observe: (trace) => traces.push(trace),
        idempotency: options.idempotency ?? createMemoryIdempotencyStore(),
        ...retries,
      },
    }),
    options.context,
  );
  let response: unknown;
  let error: unknown;
  try {
    // A copy: a handler that changes its event must not change the caller's recorded one.
    response = await handler(copyOf(raw), context);
  } catch (thrown) {
    error = thrown;
  }
  const delivered: CloudEvent<TData>[] = [];
  const results: Awaited<TResult>[] = [];
  const duplicates: CloudEvent[] = [];
  const filtered: CloudEvent[] = [];
  const failed: FailedEvent[] = [];
  for (const { outcome } of finalTraces(traces)) {
    if (outcome.status === 'delivered' && outcome.duplicate) duplicates.push(outcome.event);
    else if (outcome.status === 'delivered') {
      delivered.push(outcome.input as CloudEvent<TData>);
      results.push(outcome.result as Awaited<TResult>);
    } else if (outcome.status === 'filtered') filtered.push(outcome.event);
    else
      failed.push({
        event: outcome.event,
        stage: outcome.stage,
        error: outcome.error,
        retryable: outcome.retryable,
      });
  }
  const attempts = traces.map((t) => ({
    id: t.event.id,
    attempt: t.attempt,
    at: t.at,
    outcome: t.outcome.status,
  }));
  const result = {
    response,
    error,
    delivered,
    results,
    duplicates,
    filtered,
    failed,
    traces,
    attempts,
    deadLetters,
  };
  rememberDefinition(result, handler.definition as HandlerDefinition);
  return result;
}

function copyOf(raw: unknown): unknown {
  if (Buffer.isBuffer(raw)) return Buffer.from(raw);
  try {
    return structuredClone(raw);
  } catch {
    return raw; // functions or class instances: handed over as they are
  }
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

export type { DeadLetterEnvelope } from '../delivery/dead-letter.js';
export type { IdempotencyStore } from '../delivery/idempotency.js';
export { createMemoryIdempotencyStore } from '../delivery/idempotency.js';
export type { TraceRecord } from '../runtime/hooks.js';
export { type ChainEvents, events, type S3ObjectOptions } from './events.js';
export type {
  AlibabaEventBridgeEvent,
  AmazonMqEvent,
  DebeziumEvent,
  MnsEvent,
  OssEvent,
  RocketMqEvent,
  SlsEvent,
} from './events-other.js';
export type { HttpRequestOptions, Shared as EventOptions } from './events-shared.js';
export type { WebhookOptions } from './events-webhooks.js';
export { exampleFromSchema } from './generate/from-schema.js';
export { generateEvent } from './generate/index.js';
export { type MatcherContext, type MatcherResult, matchers, type TriggerMatchers } from './matchers.js';
