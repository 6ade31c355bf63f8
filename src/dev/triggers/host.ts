/**
 * What every live trigger shares: one invocation of a function with the raw event its platform would
 * send, through the real Lambda path (detection, normalization, the handler's middy chain, the batch
 * answer), with the emulator's attempt runtime plugged in (`RuntimeHooks.attempts`, `live-runtime.ts`):
 *
 * - a retry of a record from an unordered batch becomes a pending delivery in the store, due when
 *   `decide` says — what the retry queue is in AWS — and survives a restart;
 * - a record of an ordered batch (FIFO queue, stream) waits in-process while the wait fits the
 *   invocation, as in Lambda, else blocks the batch (`onError: 'block'`) or is dead-lettered;
 * - a dead letter lands in the store (`triggerkit dlq list`) and, when the handler's `deadLetter.queue`
 *   names a local queue, in that queue as the envelope (structured JSON), as the Lambda adapter sends it.
 *
 * The live triggers (sqs.ts, sns.ts, …) own their platform's semantics: what to poll, batch, delete,
 * checkpoint or redeliver after an invocation. `call` is the same invocation for a caller that is
 * answered — a request on a handler's path, the Invoke API — so nothing is retried here; its events are
 * stored all the same, so every event the emulator saw has a story (`GET /events/<id>`).
 */
import { randomUUID } from 'node:crypto';
import type { Context as LambdaContext } from 'aws-lambda';
import type { OnError } from '../../definition.js';
import type { DeadLetterEnvelope } from '../../delivery/dead-letter.js';
import { createLocalFcContext } from '../../runtime/alibaba-fc/context.js';
import { createLocalContext } from '../../runtime/aws-lambda/context.js';
import type { RuntimeHooks, TraceRecord } from '../../runtime/hooks.js';
import type { Transport } from '../../sources/types.js';
import type { Clock } from '../clock.js';
import { recordDeadLetter } from '../dead-letters.js';
import { DEFAULT_TIMEOUT_MS, type EmulatorFunction, FunctionTimeout, withTimeout } from '../run-delivery.js';
import type { SqliteIdempotency } from '../store/idempotency.js';
import type { DeliveryRow, Store } from '../store/store.js';
import { outcomeDetail } from '../trace-detail.js';
import { pendingAttempts, type TraceLines } from '../trace-lines.js';
import { type LiveRuntimeHost, liveRuntime, waitUntil } from './live-runtime.js';

export { waitUntil } from './live-runtime.js';

/** What one invocation ended with: the handler's answer (e.g. `batchItemFailures`) or its error. */
export interface Invocation {
  readonly response?: unknown;
  readonly error?: unknown;
  /** True when the function's timeout ended it (its records stay in flight, as in Lambda). */
  readonly timedOut?: boolean;
  /** Every attempt's trace, in order. */
  readonly traces?: readonly TraceRecord[];
}

export interface TriggerHostOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly functions: () => readonly EmulatorFunction[];
  readonly onTrace: (trace: TraceRecord) => void;
  /** The terminal's lines: each attempt, a failed one with its fate. */
  readonly lines?: TraceLines;
  readonly idempotency?: SqliteIdempotency;
  /** The delivery loop's wake: a retry was scheduled. */
  readonly wake: () => void;
  readonly log: (line: string) => void;
  /** The PostgreSQL server the `debezium` sources are fed from (`--postgres`). */
  readonly postgres?: string;
  /** The DynamoDB-compatible server the emulator's DynamoDB API forwards to (`--dynamodb`). */
  readonly dynamodb?: string;
  /** Told of every raw event as it reaches a function, before it runs (`--record`). */
  readonly onRaw?: (fn: EmulatorFunction, raw: unknown) => void;
}

export type TriggerHost = ReturnType<typeof createTriggerHost>;

export function createTriggerHost(options: TriggerHostOptions) {
  const { store, clock } = options;
  const queueListeners = new Set<(queue: string) => void>();

  /** Messages arrived in (or became visible on) a local queue: the triggers polling it look again. */
  function queueChanged(queue: string): void {
    for (const listener of queueListeners) listener(queue);
  }

  /** Records a dead letter of a delivery the store already holds (the bus's, a retry's). */
  function deadLetter(
    fn: EmulatorFunction | undefined,
    delivery: DeliveryRow,
    envelope: DeadLetterEnvelope,
    failed?: TraceRecord,
  ) {
    const queue = recordDeadLetter(store, fn, delivery, envelope, { lines: options.lines, failed });
    if (queue !== undefined) queueChanged(queue);
  }

  const runtimeHost: LiveRuntimeHost = {
    store,
    clock,
    lines: options.lines,
    wake: () => options.wake(),
    deadLetter,
  };

  /**
   * One invocation of `fn` with `raw`, as Lambda makes it for the trigger (`transport`). Never throws.
   * Each attempt's trace goes to `onTrace` at once, and into the store with the events that ended here
   * and the trigger's own bookkeeping (`settle`: the SQS mapping's deletes, say) in one transaction when
   * the invocation ends — one commit per batch, not one per record — or before a retry or dead letter
   * takes a record over.
   */
  function invoke(
    fn: EmulatorFunction,
    raw: unknown,
    transport: Transport,
    settle?: (result: Invocation) => void,
  ): Promise<Invocation> {
    return run(fn, raw, { transport, settle });
  }

  /**
   * One call whose caller is answered with the outcome — a request on a handler's path, the Invoke API —
   * so nothing is retried here: one attempt per event, as Lambda makes it for API Gateway or a direct
   * invocation (no function timeout, as before). Its events are stored as the bus's are, failed ones
   * included (`failed`: the caller heard of it); `answered` says, for the terminal, what the caller got.
   */
  function call(
    fn: EmulatorFunction,
    raw: unknown,
    answered: (result: Invocation) => string,
    platform: 'aws-lambda' | 'alibaba-fc' = 'aws-lambda',
  ) {
    return run(fn, raw, { answered, platform });
  }

  async function run(
    fn: EmulatorFunction,
    raw: unknown,
    mode:
      | { transport: Transport; settle?: (result: Invocation) => void; answered?: undefined }
      | {
          answered: (result: Invocation) => string;
          /** How the function is called: with a Lambda context, or as FC calls it (FC's context). */
          platform: 'aws-lambda' | 'alibaba-fc';
          transport?: undefined;
          settle?: undefined;
        },
  ): Promise<Invocation> {
    options.onRaw?.(fn, raw);
    const timeoutMs = fn.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { transport } = mode;
    /** Each event's attempts in this invocation, by CloudEvents identity: archived once it ended here. */
    const events = new Map<string, { first: TraceRecord; last: TraceRecord }>();
    const traces: TraceRecord[] = [];
    const pending = pendingAttempts(options.lines);
    /** Attempt traces not yet in the store. */
    let unwritten: TraceRecord[] = [];
    let ended = false;
    const flush = () => {
      const traces = unwritten;
      unwritten = [];
      if (traces.length === 0) return;
      store.transaction(() => {
        for (const trace of traces) record(fn, trace);
      });
    };
    const hooks: RuntimeHooks = {
      now: () => clock.now(),
      sleep: (ms) => waitUntil(clock, clock.now() + ms),
      ...(options.idempotency && { idempotency: options.idempotency.store }),
      ...(transport !== undefined && {
        attempts: (ordered: OnError | undefined) =>
          liveRuntime(runtimeHost, {
            fn,
            transport,
            remainingMs: () => (context as LambdaContext).getRemainingTimeInMillis(),
            ordered,
            flush,
            pending,
          }),
      }),
      observe(trace) {
        options.onTrace(trace);
        pending.observe(trace);
        traces.push(trace);
        unwritten.push(trace);
        // A function that timed out may still run on: what it does then is written as it happens.
        if (ended) flush();
        const key = `${trace.event.source}\n${trace.event.id}`;
        const seen = events.get(key);
        events.set(key, { first: seen?.first ?? trace, last: trace });
      },
    };
    const requestId = randomUUID();
    const context =
      mode.transport === undefined && mode.platform === 'alibaba-fc'
        ? createLocalFcContext({
            functionName: fn.name,
            requestId,
            timeout: Math.ceil(timeoutMs / 1000),
            hooks,
          })
        : createLocalContext({ functionName: fn.name, requestId, timeoutMs, now: () => clock.now(), hooks });
    let result: Invocation;
    try {
      // The handler tells FC's context from Lambda's by its shape (define-handler.ts); its type says Lambda's.
      const running = fn.handler(raw, context as LambdaContext);
      result = {
        response: await (transport === undefined ? running : withTimeout(running, timeoutMs, clock)),
      };
    } catch (error) {
      result = { error, ...(error instanceof FunctionTimeout && { timedOut: true }) };
    }
    ended = true;
    pending.release(mode.answered === undefined ? undefined : { answered: mode.answered(result) });
    try {
      store.transaction(() => {
        flush();
        archive(fn, transport, events.values());
        mode.settle?.(result);
      });
    } catch (error) {
      options.log(`triggerkit: could not record the invocation of ${fn.name}: ${String(error)}`);
    }
    return { ...result, traces };
  }

  /**
   * Archives the events that ended in this invocation, so that `GET /events/<id>` tells their story as
   * it tells a bus event's: delivered or filtered — and, for a call (`transport` undefined: its caller
   * was answered), failed. Those handed to a retry or a dead letter were archived when they were handed
   * over.
   */
  function archive(
    fn: EmulatorFunction,
    transport: Transport | undefined,
    ended: Iterable<{ first: TraceRecord; last: TraceRecord }>,
  ): void {
    try {
      store.transaction(() => {
        for (const { first, last } of ended) {
          const status = last.outcome.status;
          if (status === 'failed' && transport !== undefined) continue;
          store.adopt({
            event: first.event,
            handler: fn.name,
            transport: transport ?? first.transport,
            receivedAt: first.at,
            attempts: last.attempt,
            firstAttemptAt: first.at,
            lastAttemptAt: last.at,
            status,
          });
        }
      });
    } catch (error) {
      options.log(`triggerkit: could not archive the events of ${fn.name}: ${String(error)}`);
    }
  }

  /** One attempt's trace in the store: the same stages the bus writes, under the event's id and source. */
  function record(fn: EmulatorFunction, trace: TraceRecord): void {
    const { outcome } = trace;
    try {
      store.trace(trace.event, fn.name, `attempt-${trace.attempt}`, trace.at, {
        transport: trace.transport,
        ref: trace.ref,
        ...outcomeDetail(outcome, trace.ms),
      });
    } catch (error) {
      options.log(`triggerkit: could not record the trace of ${trace.event.id}: ${String(error)}`);
    }
  }

  return {
    store,
    clock,
    log: options.log,
    postgres: options.postgres,
    dynamodb: options.dynamodb,
    functions: options.functions,
    invoke,
    call,
    deadLetter,
    queueChanged,
    /** Calls `listener` whenever a local queue may have messages to take; returns the unsubscribe. */
    onQueueChange(listener: (queue: string) => void): () => void {
      queueListeners.add(listener);
      return () => queueListeners.delete(listener);
    },
  };
}
