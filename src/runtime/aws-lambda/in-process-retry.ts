/**
 * Retrying inside one Lambda invocation, with p-retry driving the loop and `planFailure` choosing each
 * wait (so the attempt times are the ones `decide` gives the emulator). The loop ends on success, or on
 * the first plan that is not an in-process retry: the caller then queues or dead-letters the event.
 */
import pRetry, { AbortError } from 'p-retry';
import type { Stage } from '../../pipeline.js';
import type { FailurePlan } from './retry-plan.js';

/** How an attempt failed, as the pipeline reports it. */
export interface AttemptFailure {
  readonly stage: Stage;
  readonly error: unknown;
  readonly retryable: boolean;
}

export type HandOff = Exclude<FailurePlan, { kind: 'retry-in-process' }>;

export type InProcessResult =
  | { readonly status: 'succeeded'; readonly attempts: number }
  /** The last attempt failed and `plan` says where the event goes now. */
  | {
      readonly status: 'handed-off';
      readonly attempts: number;
      readonly failure: AttemptFailure;
      readonly plan: HandOff;
    };

export interface InProcessOptions {
  /** The attempt number to make first (more than 1 when resuming from the retry queue). */
  readonly attempt: number;
  /** Makes one attempt; resolves `undefined` on success, or how it failed. */
  run(attempt: number): Promise<AttemptFailure | undefined>;
  /** Plans what follows a failed attempt: `planFailure(decide(…), …)` with the invocation's time left. */
  plan(attempt: number, failure: AttemptFailure, attemptMs: number): FailurePlan;
  /** Waits `ms` (a virtual clock in tests); default a timer. */
  sleep?(ms: number): Promise<void>;
  /** Milliseconds now; default `Date.now`. */
  now?(): number;
}

class AttemptFailed extends Error {
  constructor(readonly delayMs: number) {
    super('attempt failed; retrying in-process');
  }
}

class HandedOff extends Error {
  constructor(
    readonly failure: AttemptFailure,
    readonly plan: HandOff,
  ) {
    super(`attempt failed; ${plan.kind}`);
  }
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs attempts until one succeeds or the plan hands the event to the retry queue or dead-letter queue.
 *
 * @example
 * const result = await retryInProcess({
 *   attempt: 1,
 *   run: async (attempt) => failureOf(await runPipeline(definition, event, { ...ctx, attempt })),
 *   plan: (attempt, failure, attemptMs) => planFailure(decide(policy, { attempt, ...failure, receivedAt, now: Date.now() }),
 *     { event, handler, attempt, error: failure.error, receivedAt, firstAttemptAt, now: Date.now(),
 *       remainingMs: context.getRemainingTimeInMillis(), attemptMs }),
 * });
 */
export async function retryInProcess(options: InProcessOptions): Promise<InProcessResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? timer;
  let attempt = options.attempt;
  let attempts = 0;
  try {
    await pRetry(
      async () => {
        const started = now();
        attempts++;
        const failure = await options.run(attempt);
        if (failure === undefined) return;
        const plan = options.plan(attempt, failure, now() - started);
        // AbortError ends p-retry at once and rethrows the error it wraps.
        if (plan.kind !== 'retry-in-process') throw new AbortError(new HandedOff(failure, plan));
        attempt = plan.attempt;
        throw new AttemptFailed(plan.delayMs);
      },
      {
        retries: Number.POSITIVE_INFINITY,
        // The wait is the plan's, taken in onFailedAttempt; p-retry's own backoff is switched off.
        minTimeout: 0,
        factor: 1,
        async onFailedAttempt({ error }) {
          if (error instanceof AttemptFailed) await sleep(error.delayMs);
        },
        // Anything else thrown (the runtime's own failure, not the handler's) is not retried here.
        shouldRetry: ({ error }) => error instanceof AttemptFailed,
      },
    );
    return { status: 'succeeded', attempts };
  } catch (error) {
    if (!(error instanceof HandedOff)) throw error;
    return { status: 'handed-off', attempts, failure: error.failure, plan: error.plan };
  }
}
