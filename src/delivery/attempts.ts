/**
 * THE attempt loop: attempt → `decide` → wait → retry or dead-letter, written once. Each runtime plugs
 * in how it waits and where a dead letter goes:
 *
 * - AWS Lambda waits in-process while the wait fits the invocation, else hands the event to its retry
 *   queue (`runtime/aws-lambda/managed-delivery.ts`);
 * - the emulator writes a pending row in SQLite that its delivery loop picks up when due (`dev/`);
 * - `triggerkit/testing` advances a virtual clock, so every retry plays out at once (`testing/`).
 *
 * The decisions (`decide`) and the dead-letter envelope are the same in all three, so the same failing
 * handler makes the same attempts at the same (virtual) times and writes the same dead-letter bytes.
 */
import type { CloudEvent } from '../cloud-event.js';
import { type DeadLetterEnvelope, deadLetterEnvelope } from './dead-letter.js';
import { type DeadLetterReason, decide } from './decide.js';
import type { Outcome } from './outcome.js';
import type { ResolvedRetryPolicy } from './policy.js';

/** Where an event's attempts start: a fresh event at 1, a resumed one at the attempt it carries. */
export interface AttemptStart {
  /** The attempt to make first, 1-based. */
  readonly attempt: number;
  /** When the event was accepted (ms since the epoch): `maxEventAge` counts from here. */
  readonly receivedAt: number;
  /** When its first attempt ran, for the dead-letter envelope. */
  readonly firstAttemptAt: number;
}

/** A retry `decide` scheduled: attempt `attempt` is due at `at`. */
export interface DueRetry extends AttemptStart {
  readonly event: CloudEvent;
  readonly handler: string;
  readonly at: number;
  readonly delay: number;
  /** When the failed attempt ended. */
  readonly now: number;
  /** How long the failed attempt ran on the runtime's clock: the next one is assumed to take as long. */
  readonly attemptMs: number;
}

/**
 * What the runtime did with a due retry:
 * - `here`: it waited until the retry was due; the loop makes the attempt now;
 * - `handed-off`: something else makes it later (a retry-queue message, a pending row);
 * - `redeliver`: nothing took it; the platform must deliver the record again;
 * - `dead-letter`: the runtime cannot retry it without breaking order: dead-letter it now.
 */
export type RetryAnswer = 'here' | 'handed-off' | 'redeliver' | 'dead-letter';

/** How one runtime waits and dead-letters. */
export interface AttemptRuntime {
  /** Now on the runtime's clock (virtual in tests, scaled in the emulator). */
  now(): number;
  retry(retry: DueRetry): Promise<RetryAnswer>;
  /** Takes the envelope (`handed-off`), or cannot (`redeliver`: the platform delivers the record again). */
  deadLetter(envelope: DeadLetterEnvelope): Promise<'handed-off' | 'redeliver'>;
}

/** One attempt as it ran. */
export interface AttemptRecord {
  readonly attempt: number;
  /** When it started, on the runtime's clock. */
  readonly at: number;
  readonly outcome: Outcome;
  /** Wall time it took, in milliseconds. */
  readonly ms: number;
}

export interface AttemptLoop {
  readonly event: CloudEvent;
  /** The handler's name, for retries and dead letters. */
  readonly handler: string;
  readonly policy: ResolvedRetryPolicy;
  readonly start: AttemptStart;
  readonly runtime: AttemptRuntime;
  /** Makes attempt `attempt`; never throws (the pipeline reports failures as outcomes). */
  run(attempt: number): Promise<Outcome>;
  observe?(record: AttemptRecord): void;
  /** Randomness for backoff jitter. */
  readonly random?: () => number;
}

/** How the loop ended for this event. */
export type AttemptsResult =
  | { readonly end: 'delivered' | 'filtered'; readonly outcome: Outcome; readonly attempt: number }
  | { readonly end: 'handed-off' | 'redeliver'; readonly outcome: Outcome; readonly attempt: number }
  | {
      readonly end: 'dead-lettered';
      readonly outcome: Outcome;
      readonly attempt: number;
      readonly envelope: DeadLetterEnvelope;
    };

/**
 * Runs attempts of one event until it is delivered, filtered, handed off or dead-lettered.
 *
 * @example
 * const result = await runAttempts({
 *   event, handler: 'orders', policy: compiled.retry,
 *   start: { attempt: 1, receivedAt: now, firstAttemptAt: now },
 *   runtime: virtualRuntime, // waits by advancing a virtual clock
 *   run: (attempt) => runPipeline(compiled, event, { ...ctx, attempt }),
 * });
 * result.end // 'delivered' | 'filtered' | 'handed-off' | 'redeliver' | 'dead-lettered'
 */
export async function runAttempts(loop: AttemptLoop): Promise<AttemptsResult> {
  const { event, handler, runtime, start } = loop;
  let attempt = start.attempt;
  for (;;) {
    const at = runtime.now();
    const began = performance.now();
    const outcome = await loop.run(attempt);
    loop.observe?.({ attempt, at, outcome, ms: performance.now() - began });
    if (outcome.status !== 'failed') return { end: outcome.status, outcome, attempt };
    const now = runtime.now();
    const decision = decide(
      loop.policy,
      {
        attempt,
        stage: outcome.stage,
        error: outcome.error,
        retryable: outcome.retryable,
        receivedAt: start.receivedAt,
        now,
      },
      loop.random,
    );
    let reason: DeadLetterReason;
    if (decision.action === 'retry') {
      const answer = await runtime.retry({
        event,
        handler,
        attempt: attempt + 1,
        receivedAt: start.receivedAt,
        firstAttemptAt: start.firstAttemptAt,
        at: decision.at,
        delay: decision.delay,
        now,
        attemptMs: now - at,
      });
      if (answer === 'here') {
        attempt++;
        continue;
      }
      if (answer !== 'dead-letter') return { end: answer, outcome, attempt };
      reason = 'retries-exhausted';
    } else reason = decision.reason;
    const envelope = deadLetterEnvelope({
      event,
      reason,
      attempts: attempt,
      error: outcome.error,
      handler,
      firstAttemptAt: start.firstAttemptAt,
      lastAttemptAt: now,
    });
    const taken = await runtime.deadLetter(envelope);
    return taken === 'handed-off'
      ? { end: 'dead-lettered', outcome, attempt, envelope }
      : { end: 'redeliver', outcome, attempt };
  }
}

/**
 * A runtime on a virtual clock that starts at `start`: every retry is waited for by moving the clock,
 * every dead letter is kept (in `deadLetters`, or the list given). What `invoke(handler, raw, { retries: true })` plays each event on.
 *
 * @example
 * const runtime = virtualRuntime(Date.UTC(2026, 0, 1));
 * await runAttempts({ …, runtime });
 * runtime.deadLetters // the envelopes, exactly as the emulator and Lambda write them
 */
export function virtualRuntime(
  start: number,
  deadLetters: DeadLetterEnvelope[] = [],
): AttemptRuntime & { readonly deadLetters: DeadLetterEnvelope[] } {
  let now = start;
  return {
    deadLetters,
    now: () => now,
    async retry(retry) {
      now = Math.max(now, retry.at);
      return 'here';
    },
    async deadLetter(envelope) {
      deadLetters.push(envelope);
      return 'handed-off';
    },
  };
}
