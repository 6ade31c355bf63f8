/**
 * Runs due deliveries from the store: one attempt through the handler (its whole middy chain), then the
 * shared `decide` turns a failure into a scheduled retry or a dead letter. The same decision code runs
 * in Lambda, so attempt times and dead-letter envelopes match.
 */
import { randomUUID } from 'node:crypto';
import { compiledOf, type TriggerHandler } from '../define-handler.js';
import type { CloudEvent } from '../cloud-event.js';
import { runAttempts } from '../delivery/attempts.js';
import type { IdempotencyStore } from '../delivery/idempotency.js';
import type { Outcome } from '../delivery/outcome.js';
import { createLocalContext } from '../runtime/aws-lambda/context.js';
import { type TraceRecord, traceRecord } from '../runtime/hooks.js';
import { outcomeOf, prepareEvent } from '../runtime/prepared.js';
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
    const idempotency = options.idempotency?.deferred();
    const result = await runAttempts({
      event: delivery.event,
      handler: fn.handler.definition.name ?? fn.name,
      policy: compiledOf(fn.handler).retry,
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
          store.retry(delivery.id, retry.at);
          store.trace(delivery.event.id, delivery.handler, 'retry-scheduled', retry.now, {
            at: new Date(retry.at).toISOString(),
            delay: retry.delay,
          });
          return 'handed-off';
        },
        async deadLetter(envelope) {
          const at = Date.parse(envelope.dllastattempt);
          store.deadLetter(delivery, envelope, at);
          store.trace(delivery.event.id, delivery.handler, 'dead-lettered', at, {
            reason: envelope.dlreason,
          });
          return 'handed-off';
        },
      },
      run: (n) => runOnce(fn, delivery, n, idempotency?.store),
      observe(record) {
        const { outcome } = record;
        store.trace(delivery.event.id, delivery.handler, `attempt-${record.attempt}`, clock.now(), {
          outcome: outcome.status,
          ...(outcome.status === 'delivered' && outcome.duplicate && { duplicate: true }),
          ms: Math.round(record.ms * 10) / 10,
          ...(outcome.status === 'failed'
            ? { stage: outcome.stage, error: String((outcome.error as Error)?.message ?? outcome.error) }
            : {}),
        });
      },
    });
    if (result.end === 'delivered' || result.end === 'filtered') {
      const status = result.end;
      // One transaction: a crash leaves the event either pending and claimable, or delivered and completed.
      store.db.transaction(() => {
        idempotency?.commit();
        store.complete(delivery.id, status);
      })();
    }
  }

  /**
   * One attempt through the handler's whole middy chain, as Lambda runs it. The event was normalized and
   * matched when the bus accepted it: the adapter only runs the pipeline and returns the outcome.
   */
  async function runOnce(
    fn: LoopFunction,
    delivery: DeliveryRow,
    attempt: number,
    idempotency: IdempotencyStore | undefined,
  ): Promise<Outcome> {
    const { event } = delivery;
    const context = createLocalContext({
      functionName: fn.name,
      requestId: randomUUID(),
      now: () => clock.now(),
    });
    const raw = prepareEvent({
      event,
      ref: event.id,
      transport: 'cloudevents',
      attempt,
      now: () => clock.now(),
      ...(idempotency && { idempotency }),
    });
    const at = clock.now();
    const began = performance.now();
    let outcome: Outcome;
    try {
      outcome =
        outcomeOf(await fn.handler(raw, context)) ??
        failure(event, new Error(`a middleware of "${fn.name}" answered instead of running the handler`));
    } catch (error) {
      // A middleware threw (the pipeline itself never does).
      outcome = failure(event, error);
    }
    const handler = fn.handler.definition.name ?? fn.name;
    const timing = { ms: performance.now() - began, attempt, at };
    options.onTrace(traceRecord(handler, 'cloudevents', event.id, outcome, timing));
    return outcome;
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

const failure = (event: CloudEvent, error: unknown): Outcome => ({
  status: 'failed',
  event,
  stage: 'handler',
  error,
  retryable: true,
});
