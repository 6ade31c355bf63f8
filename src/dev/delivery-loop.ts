/**
 * Runs due deliveries from the store: one attempt through the handler (its whole middy chain), then the
 * shared `decide` turns a failure into a scheduled retry or a dead letter. The same decision code runs
 * in Lambda, so attempt times and dead-letter envelopes match.
 */
import { randomUUID } from 'node:crypto';
import { compiledOf, type TriggerHandler } from '../define-handler.js';
import { deadLetterEnvelope } from '../delivery/dead-letter.js';
import { decide } from '../delivery/decide.js';
import type { Outcome } from '../pipeline.js';
import { createLocalContext } from '../runtime/aws-lambda/context.js';
import type { TraceRecord } from '../runtime/hooks.js';
import type { Clock } from './clock.js';
import type { SqliteIdempotency } from './store/idempotency.js';
import type { DeliveryRow, Store } from './store/store.js';

export interface LoopFunction {
  readonly name: string;
  readonly handler: TriggerHandler;
}

export interface DeliveryLoopOptions {
  store: Store;
  clock: Clock;
  functions: () => readonly LoopFunction[];
  onTrace: (trace: TraceRecord) => void;
  random?: () => number;
  /** Idempotency records, in the same database as the deliveries. */
  idempotency?: SqliteIdempotency;
}

export function createDeliveryLoop(options: DeliveryLoopOptions) {
  const { store, clock } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function attempt(delivery: DeliveryRow): Promise<void> {
    const fn = options.functions().find((f) => f.name === delivery.handler);
    const now = clock.now();
    if (fn === undefined) {
      // The handler was removed from the project: keep the event pending rather than losing it.
      store.retry(delivery.id, now + 60_000);
      store.trace(delivery.event.id, delivery.handler, 'handler-missing', now);
      return;
    }
    let outcome: Outcome | undefined;
    let ms = 0;
    const idempotency = options.idempotency?.deferred();
    const context = createLocalContext({
      functionName: fn.name,
      requestId: randomUUID(),
      now: () => clock.now(),
      hooks: {
        attempt: delivery.attempts,
        now: () => clock.now(),
        ...(idempotency && { idempotency: idempotency.store }),
        observe(trace) {
          outcome = trace.outcome;
          ms = trace.ms;
          options.onTrace(trace);
        },
      },
    });
    let thrown: unknown;
    try {
      await fn.handler(delivery.event, context);
    } catch (error) {
      thrown = error;
    }
    const done = clock.now();
    const result: Outcome = outcome ?? {
      status: 'failed',
      event: delivery.event,
      stage: 'handler',
      error: thrown,
      retryable: true,
    };
    const handler = fn.handler.definition.name ?? fn.name;
    store.trace(delivery.event.id, delivery.handler, `attempt-${delivery.attempts}`, done, {
      outcome: result.status,
      ...(result.status === 'delivered' && result.duplicate && { duplicate: true }),
      ms: Math.round(ms * 10) / 10,
      ...(result.status === 'failed'
        ? { stage: result.stage, error: String((result.error as Error)?.message ?? result.error) }
        : {}),
    });
    if (result.status !== 'failed') {
      // One transaction: a crash leaves the event either pending and claimable, or delivered and completed.
      return store.db.transaction(() => {
        idempotency?.commit();
        store.complete(delivery.id, result.status);
      })();
    }
    const decision = decide(
      compiledOf(fn.handler).retry,
      {
        attempt: delivery.attempts,
        stage: result.stage,
        error: result.error,
        retryable: result.retryable,
        receivedAt: delivery.receivedAt,
        now: done,
      },
      options.random,
    );
    if (decision.action === 'retry') {
      store.retry(delivery.id, decision.at);
      store.trace(delivery.event.id, delivery.handler, 'retry-scheduled', done, {
        at: new Date(decision.at).toISOString(),
        delay: decision.delay,
      });
      return;
    }
    const envelope = deadLetterEnvelope({
      event: delivery.event,
      reason: decision.reason,
      attempts: delivery.attempts,
      error: result.error,
      handler,
      firstAttemptAt: delivery.firstAttemptAt ?? done,
      lastAttemptAt: done,
    });
    store.deadLetter(delivery, envelope, done);
    store.trace(delivery.event.id, delivery.handler, 'dead-lettered', done, { reason: decision.reason });
  }

  /** One attempt; a failure of the emulator itself reschedules the delivery instead of stopping the loop. */
  async function safeAttempt(delivery: DeliveryRow): Promise<void> {
    try {
      await attempt(delivery);
    } catch (error) {
      const now = clock.now();
      store.retry(delivery.id, now + 1_000);
      store.trace(delivery.event.id, delivery.handler, 'emulator-error', now, { error: String(error) });
    }
  }

  /** Runs everything due now (attempts of one event and handler never overlap). */
  async function runDue(): Promise<void> {
    for (;;) {
      const due = store.claimDue(clock.now());
      if (due.length === 0) return;
      await Promise.all(due.map(safeAttempt));
    }
  }

  function schedule(): void {
    if (stopped) return;
    clearTimeout(timer);
    const next = store.nextDueAt();
    if (next === undefined) return;
    const delay = clock.toRealDelay(next - clock.now());
    if (!Number.isFinite(delay)) return;
    timer = setTimeout(kick, Math.min(delay, 2 ** 31 - 1));
    timer.unref?.();
  }

  /** Starts a pass over due deliveries (or joins the one in progress), then arms the timer for the next. */
  function kick(): Promise<void> {
    if (running) return running.then(() => (stopped ? undefined : kick()));
    running = runDue()
      .finally(() => {
        running = undefined;
      })
      .then(schedule);
    return running;
  }

  return {
    kick,
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
      await running;
    },
  };
}

export type DeliveryLoop = ReturnType<typeof createDeliveryLoop>;
