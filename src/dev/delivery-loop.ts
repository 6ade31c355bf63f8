/**
 * Runs due deliveries from the store through the shared attempt loop (`delivery/attempts.ts`): one
 * attempt through the handler (its whole middy chain), then `decide` turns a failure into a pending row
 * due later or a dead letter. The same loop runs in Lambda, so attempt times and dead-letter envelopes
 * match. Deliveries run independently, at most `concurrency` at a time: a slow or hanging handler holds
 * its own slot until its function's timeout, never the others.
 */
import { compiledOf } from '../define-handler.js';
import { runAttempts } from '../delivery/attempts.js';
import { deadLetterEnvelope } from '../delivery/dead-letter.js';
import type { TraceRecord } from '../runtime/hooks.js';
import type { Clock } from './clock.js';
import { recordDeadLetter } from './dead-letters.js';
import { handlerNameOf } from './function-names.js';
import { type EmulatorFunction, runBusDelivery } from './run-delivery.js';
import type { SqliteIdempotency } from './store/idempotency.js';
import type { DeliveryRow, Store } from './store/store.js';
import { outcomeDetail } from './trace-detail.js';
import { pendingAttempts, type TraceLines } from './trace-lines.js';

export interface DeliveryLoopOptions {
  store: Store;
  clock: Clock;
  functions: () => readonly EmulatorFunction[];
  onTrace: (trace: TraceRecord) => void;
  random?: () => number;
  /** Idempotency records, in the same database as the deliveries. */
  idempotency?: SqliteIdempotency;
  /** Deliveries running at once. Default 64. */
  concurrency?: number;
  /** A dead letter went to this local queue as well (the handler's `deadLetter.queue`): its readers look. */
  onQueueMessage?: (queue: string) => void;
  /** Where the emulator's own failures are reported. Default stderr. */
  log?: (line: string) => void;
  /** The terminal's lines: each attempt, a failed one with its retry or dead letter. */
  lines?: TraceLines;
}

/** Deliveries started per turn of the event loop: as many as the POSTs a turn usually commits together. */
const PER_TURN = 16;

export function createDeliveryLoop(options: DeliveryLoopOptions) {
  const { store, clock } = options;
  const concurrency = options.concurrency ?? 64;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const inFlight = new Map<number, Promise<void>>();
  const idleWaiters: (() => void)[] = [];
  let wakeQueued = false;
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  let stopped = false;

  async function attempt(delivery: DeliveryRow): Promise<void> {
    const fn = options.functions().find((f) => f.name === delivery.handler);
    const now = clock.now();
    if (fn === undefined) {
      // The function was removed or renamed: dead-letter the event (redrive brings it back once the
      // function exists again) instead of rescheduling it forever.
      const envelope = deadLetterEnvelope({
        event: delivery.event,
        reason: 'handler-missing',
        attempts: delivery.attempts - 1,
        error: new Error(
          `No function "${delivery.handler}" in the emulator any more; known: ${options
            .functions()
            .map((f) => f.name)
            .join(', ')}`,
        ),
        handler: delivery.handler,
        firstAttemptAt: delivery.firstAttemptAt ?? now,
        lastAttemptAt: now,
      });
      recordDeadLetter(store, undefined, delivery, envelope, { lines: options.lines });
      return;
    }
    const idempotency = options.idempotency?.deferred();
    const policy = compiledOf(fn.handler).retry;
    const { lines } = options;
    // A failed attempt is printed once `decide` has said what comes of it.
    const pending = pendingAttempts(lines);
    const onTrace = (trace: TraceRecord) => {
      options.onTrace(trace);
      pending.observe(trace);
    };
    // The attempt's trace is written with what comes of it (settle, retry or dead letter), in its commit.
    const traces: (() => void)[] = [];
    const writeTraces = () => {
      for (const write of traces.splice(0)) write();
    };
    const result = await runAttempts({
      event: delivery.event,
      handler: handlerNameOf(fn),
      policy,
      start: {
        attempt: delivery.attempts,
        receivedAt: delivery.receivedAt,
        firstAttemptAt: delivery.firstAttemptAt ?? now,
      },
      random: options.random,
      runtime: {
        now: () => clock.now(),
        // A pending row, picked up when due: it survives a restart of the emulator.
        async retry(retry) {
          await store.write(() => {
            writeTraces();
            store.retry(delivery.id, retry.at);
            store.trace(delivery.event, delivery.handler, 'retry-scheduled', retry.now, {
              at: new Date(retry.at).toISOString(),
              delay: retry.delay,
            });
          });
          pending.release({
            retry: { delay: retry.delay, attempt: retry.attempt, maxAttempts: policy.maxAttempts },
          });
          return 'handed-off';
        },
        async deadLetter(envelope) {
          store.transaction(writeTraces);
          const queue = recordDeadLetter(store, fn, delivery, envelope, {
            lines,
            failed: pending.take(delivery.event),
          });
          if (queue !== undefined) options.onQueueMessage?.(queue);
          return 'handed-off';
        },
      },
      run: (n) =>
        runBusDelivery(fn, delivery.event, n, {
          clock,
          onTrace,
          idempotency: idempotency?.store,
          transport: delivery.transport,
        }),
      observe(record) {
        const at = clock.now();
        const detail = outcomeDetail(record.outcome, record.ms);
        traces.push(() =>
          store.trace(delivery.event, delivery.handler, `attempt-${record.attempt}`, at, detail),
        );
      },
    }).finally(() => pending.release());
    const status = result.end === 'delivered' || result.end === 'filtered' ? result.end : undefined;
    if (status !== undefined || traces.length > 0)
      // One commit (shared with the other deliveries and accepts of this turn): a crash leaves the event
      // either pending and claimable, or delivered and completed. The slot is held until it is committed.
      await store.write(() => {
        writeTraces();
        if (status === undefined) return;
        idempotency?.commit();
        store.complete(delivery.id, status);
      });
  }

  /**
   * One attempt; a failure of the emulator itself (the store could not be written: disk full, locked by
   * another connection) puts the delivery back to pending instead of stopping the loop — once the store
   * takes writes again, checked every second. The event is never lost: until then its row stays
   * `running`, which the next start of the emulator also puts back. The attempt runs again (at least once).
   */
  async function safeAttempt(delivery: DeliveryRow): Promise<void> {
    try {
      await attempt(delivery);
    } catch (error) {
      putBack(delivery, error, true);
    }
  }

  function putBack(delivery: DeliveryRow, error: unknown, first: boolean): void {
    const now = clock.now();
    try {
      store.transaction(() => {
        store.retry(delivery.id, now + 1_000);
        store.trace(delivery.event, delivery.handler, 'emulator-error', now, { error: String(error) });
      });
      wake();
    } catch (again) {
      if (first)
        log(
          `triggerkit: could not record the end of delivery ${delivery.id} (event ${delivery.event.id}): ${String(again)}; trying again every second`,
        );
      if (stopped) return;
      const timer = setTimeout(() => putBack(delivery, error, false), 1_000);
      timer.unref?.();
    }
  }

  /**
   * Starts a few due deliveries, then yields: a handler that does no I/O runs to its end within this
   * turn of the event loop, so starting every free slot at once would hold requests back for dozens of
   * deliveries. The next few start on the next turn, after pending requests have been answered.
   */
  function pump(): void {
    if (stopped || pumping) return;
    pumping = true;
    let more = false;
    try {
      const room = Math.min(concurrency - inFlight.size, PER_TURN);
      if (room > 0) {
        const due = store.claimDue(clock.now(), room);
        more = due.length === room;
        for (const delivery of due) {
          const running = safeAttempt(delivery).finally(() => {
            inFlight.delete(delivery.id);
            wake();
          });
          inFlight.set(delivery.id, running);
        }
      }
    } catch (error) {
      log(`triggerkit: could not read due deliveries: ${String(error)}; trying again in 1 s`);
      clearTimeout(timer);
      timer = setTimeout(pump, 1_000);
      timer.unref?.();
      return;
    } finally {
      pumping = false;
    }
    if (more) wake();
    else if (inFlight.size === 0) {
      schedule();
      for (const resolve of idleWaiters.splice(0)) resolve();
    }
  }

  function schedule(): void {
    if (stopped) return;
    clearTimeout(timer);
    const next = store.nextDueAt();
    if (next === undefined) return;
    const delay = clock.toRealDelay(next - clock.now());
    if (!Number.isFinite(delay)) return;
    timer = setTimeout(pump, Math.min(delay, 2 ** 31 - 1));
    timer.unref?.();
  }

  /**
   * Starts what is due now; resolves once nothing due is left running (deliveries a retry made due
   * later do not count). Many callers share one pass: a kick while deliveries run only makes room-checks.
   */
  function kick(): Promise<void> {
    const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
    pump();
    if (stopped) for (const resolve of idleWaiters.splice(0)) resolve();
    return idle;
  }

  /** Pumps on the next turn of the event loop (after the caller's transaction, after pending I/O); many wakes, one pump. */
  function wake(): void {
    if (wakeQueued || stopped) return;
    wakeQueued = true;
    setImmediate(() => {
      wakeQueued = false;
      pump();
    });
  }

  return {
    kick,
    wake,
    /** With a manual clock: jump to each next due time and run it, until nothing is pending. */
    async runUntilIdle(advanceTo: (at: number) => void, limit = 10_000): Promise<void> {
      await kick();
      for (let i = 0; i < limit; i++) {
        const next = store.nextDueAt();
        if (next === undefined) return;
        if (next > clock.now()) advanceTo(next);
        await kick();
      }
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      for (const resolve of idleWaiters.splice(0)) resolve();
      await Promise.all(inFlight.values());
    },
  };
}

export type DeliveryLoop = ReturnType<typeof createDeliveryLoop>;
