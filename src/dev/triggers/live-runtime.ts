/**
 * How the emulator waits for and dead-letters the records a live trigger delivered — its attempt runtime
 * (`delivery/attempts.ts`), plugged into the Lambda adapter through `RuntimeHooks.attempts`:
 *
 * - a retry of a record from an unordered batch becomes a pending delivery in the store, due when
 *   `decide` says — what the retry queue is in AWS — and survives a restart;
 * - a record of an ordered batch (FIFO queue, stream) waits in-process while the wait fits the
 *   invocation, as in Lambda, else blocks the batch (`onError: 'block'`) or is dead-lettered.
 *
 * Each decision prints the failed attempt's line with its fate (`trace-lines.ts`).
 */
import type { CloudEvent } from '../../cloud-event.js';
import { compiledOf } from '../../define-handler.js';
import type { OnError } from '../../definition.js';
import type { AttemptRuntime, DueRetry } from '../../delivery/attempts.js';
import { type DeadLetterEnvelope, eventOfDeadLetter } from '../../delivery/dead-letter.js';
import { placeRetry } from '../../runtime/aws-lambda/retry-plan.js';
import type { TraceRecord } from '../../runtime/hooks.js';
import type { Transport } from '../../sources/types.js';
import type { Clock } from '../clock.js';
import type { EmulatorFunction } from '../run-delivery.js';
import type { DeliveryRow, Store } from '../store/store.js';
import type { Fate, PendingAttempts, TraceLines } from '../trace-lines.js';

/** What the runtime needs of the trigger host. */
export interface LiveRuntimeHost {
  readonly store: Store;
  readonly clock: Clock;
  readonly lines?: TraceLines;
  /** The delivery loop's wake: a retry was scheduled. */
  wake(): void;
  /** Records a dead letter of a delivery the store holds (and prints it, on `failed`'s line). */
  deadLetter(
    fn: EmulatorFunction,
    delivery: DeliveryRow,
    envelope: DeadLetterEnvelope,
    failed?: TraceRecord,
  ): void;
}

/** One record's invocation, as the runtime sees it. */
export interface LiveRecord {
  readonly fn: EmulatorFunction;
  readonly transport: Transport;
  /** The invocation's time left (the function's timeout). */
  readonly remainingMs: () => number;
  /** The handler's `onError` when the batch keeps order; undefined for an unordered batch. */
  readonly ordered: OnError | undefined;
  /** Writes the invocation's traces so far, before a retry or dead letter takes the record over. */
  readonly flush: () => void;
  /** The invocation's failed attempts awaiting their fate. */
  readonly pending: PendingAttempts;
}

/**
 * The attempt runtime of one record a live trigger delivered (`RuntimeHooks.attempts`).
 *
 * @example
 * hooks.attempts = (ordered) => liveRuntime(host, { fn, transport, remainingMs, ordered, flush, pending });
 */
export function liveRuntime(host: LiveRuntimeHost, record: LiveRecord): AttemptRuntime {
  const { store, clock } = host;
  const { fn, transport, remainingMs, ordered, flush, pending } = record;
  const adopt = (event: CloudEvent, start: Omit<DueRetry, 'event' | 'handler' | 'at' | 'delay'>) =>
    store.adopt({
      event,
      handler: fn.name,
      transport,
      receivedAt: start.receivedAt,
      attempts: start.attempt - 1,
      firstAttemptAt: start.firstAttemptAt,
      lastAttemptAt: start.now,
    });
  const print = (event: CloudEvent, fate: Fate) => {
    const failed = pending.take(event);
    if (failed !== undefined) host.lines?.attempt(failed, fate);
  };
  const redelivered: Fate = { redelivered: "onError: 'block'" };
  return {
    now: () => clock.now(),
    async retry(retry) {
      flush();
      const maxAttempts = compiledOf(fn.handler).retry.maxAttempts;
      const fate: Fate = { retry: { delay: retry.delay, attempt: retry.attempt, maxAttempts } };
      if (ordered !== undefined) {
        if (placeRetry(retry.at - retry.now, retry.attemptMs, remainingMs()) === 'in-process') {
          print(retry.event, fate);
          await waitUntil(clock, retry.at);
          return 'here';
        }
        if (ordered === 'block') print(retry.event, redelivered);
        return ordered === 'block' ? 'redeliver' : 'dead-letter';
      }
      store.transaction(() => {
        const row = adopt(retry.event, retry);
        store.retry(row.id, retry.at);
        store.trace(retry.event, fn.name, 'retry-scheduled', retry.now, {
          at: new Date(retry.at).toISOString(),
          delay: retry.delay,
          transport,
        });
      });
      print(retry.event, fate);
      host.wake();
      return 'handed-off';
    },
    async deadLetter(envelope) {
      flush();
      const event = eventOfDeadLetter(envelope);
      if (ordered === 'block') {
        print(event, redelivered);
        return 'redeliver';
      }
      const at = Date.parse(envelope.dllastattempt);
      const row = adopt(event, {
        attempt: envelope.dlattempts + 1,
        receivedAt: Date.parse(envelope.dlfirstattempt) || at,
        firstAttemptAt: Date.parse(envelope.dlfirstattempt) || at,
        now: at,
        attemptMs: 0,
      });
      host.deadLetter(fn, row, envelope, pending.take(event));
      return 'handed-off';
    },
  };
}

/** Resolves once the emulator's clock reaches `at` (a manual clock is looked at every 20 ms). */
export async function waitUntil(clock: Clock, at: number): Promise<void> {
  for (;;) {
    const left = at - clock.now();
    if (left <= 0) return;
    const real = clock.toRealDelay(left);
    await new Promise((resolve) => setTimeout(resolve, Number.isFinite(real) ? Math.min(real, 1_000) : 20));
  }
}
