/**
 * What happens after an attempt fails: retry at a time, or dead-letter with a reason. One pure function,
 * used by every runtime, so the emulator and Lambda make the same decisions at the same (virtual) times.
 */
import { isTriggerError, type RetryAfterError } from '../errors.js';
import { backoffDelay } from './backoff.js';
import type { Stage } from './outcome.js';
import type { ResolvedRetryPolicy } from './policy.js';

/** Why an event was dead-lettered; `handler-missing`: the emulator has no function of that name any more. */
export type DeadLetterReason =
  | 'retries-exhausted'
  | 'event-too-old'
  | 'non-retryable'
  | 'invalid'
  | 'handler-missing';

export type Decision =
  | { readonly action: 'retry'; readonly at: number; readonly delay: number }
  | { readonly action: 'dead-letter'; readonly reason: DeadLetterReason };

export interface FailedAttempt {
  /** The attempt that just failed, 1-based. */
  readonly attempt: number;
  readonly stage: Stage;
  readonly error: unknown;
  readonly retryable: boolean;
  /** When the event was accepted (ms since the epoch): its age counts from here. */
  readonly receivedAt: number;
  /** Now, in ms since the epoch (a virtual clock in tests). */
  readonly now: number;
}

/**
 * Decides the fate of a failed attempt.
 *
 * @example
 * decide(policy, { attempt: 1, stage: 'handler', error, retryable: true, receivedAt: t0, now: t0 + 5 })
 * // { action: 'retry', at: t0 + 1005, delay: 1000 }
 */
export function decide(
  policy: ResolvedRetryPolicy,
  failed: FailedAttempt,
  random: () => number = Math.random,
): Decision {
  if (failed.stage === 'schema' || failed.stage === 'source')
    return { action: 'dead-letter', reason: 'invalid' };
  if (!failed.retryable) return { action: 'dead-letter', reason: 'non-retryable' };
  if (failed.now - failed.receivedAt >= policy.maxEventAge)
    return { action: 'dead-letter', reason: 'event-too-old' };
  if (failed.attempt >= policy.maxAttempts) return { action: 'dead-letter', reason: 'retries-exhausted' };
  const delay =
    retryAfterDelay(failed.error, failed.now) ?? backoffDelay(policy.backoff, failed.attempt, random);
  const at = failed.now + delay;
  // A retry that would start past the event's age limit could never run: dead-letter it now.
  if (at - failed.receivedAt > policy.maxEventAge) return { action: 'dead-letter', reason: 'event-too-old' };
  return { action: 'retry', at, delay };
}

function retryAfterDelay(error: unknown, now: number): number | undefined {
  if (!isTriggerError(error) || error.code !== 'E_RETRY_AFTER') return undefined;
  const after = (error as RetryAfterError).retryAfter;
  const ms = after instanceof Date ? after.getTime() - now : after;
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}
