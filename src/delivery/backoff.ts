/** Backoff delays: one pure function, randomness passed in. */
import type { ResolvedRetryPolicy } from './policy.js';

/**
 * The delay before the next attempt, after `failedAttempts` attempts have failed (1 → the first retry).
 * Exponential doubles from `initialDelay`, linear adds it, fixed repeats it; all are capped at `maxDelay`.
 * With `jitter`, the delay is drawn uniformly from its upper half ("equal jitter"), which spreads retries of
 * many failed events without ever retrying at once.
 *
 * @example
 * backoffDelay({ type: 'exponential', initialDelay: 1000, maxDelay: 60000, jitter: false }, 3) // 4000
 */
export function backoffDelay(
  backoff: ResolvedRetryPolicy['backoff'],
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, failedAttempts);
  let delay: number;
  if (backoff.type === 'fixed') delay = backoff.initialDelay;
  else if (backoff.type === 'linear') delay = backoff.initialDelay * n;
  else delay = backoff.initialDelay * 2 ** Math.min(n - 1, 52);
  delay = Math.min(delay, backoff.maxDelay);
  return backoff.jitter ? Math.round(delay / 2 + random() * (delay / 2)) : delay;
}
