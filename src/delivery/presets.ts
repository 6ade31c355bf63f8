/**
 * Retry policies named after the platforms they copy, so a handler can retry locally the way it will
 * retry in the cloud. Where a platform does not publish its exact curve, the preset says how it approximates.
 * Plain data (`policy.ts` checks each is a `RetryPolicy`), so this module imports nothing.
 */
export const retryPresets = Object.freeze({
  /** Lambda asynchronous invocation: 2 retries, about 1 min then 2 min apart; events expire after 6 h. */
  'lambda-async': {
    maxAttempts: 3,
    backoff: { type: 'exponential', initialDelay: '1m', maxDelay: '2m' },
    maxEventAge: '6h',
  },
  /**
   * EventBridge rule target: up to 185 attempts within 24 h, exponential with jitter. AWS does not publish
   * the curve; this doubles from 1 s and caps at 8 min, which spends the 185 attempts in about the 24 h.
   */
  'eventbridge-target': {
    maxAttempts: 185,
    backoff: { type: 'exponential', initialDelay: '1s', maxDelay: '8m', jitter: true },
    maxEventAge: '24h',
  },
  /** Alibaba EventBridge BACKOFF_RETRY (the default): 3 retries, each after a random 10–20 s. */
  'alibaba-backoff': {
    maxAttempts: 4,
    backoff: { type: 'fixed', initialDelay: '20s', maxDelay: '20s', jitter: true },
    maxEventAge: '1d',
  },
  /** Alibaba EventBridge EXPONENTIAL_DECAY_RETRY: 176 retries at 1, 2, 4 … 512 s, then every 512 s, within a day. */
  'alibaba-exponential-decay': {
    maxAttempts: 177,
    backoff: { type: 'exponential', initialDelay: '1s', maxDelay: '512s' },
    maxEventAge: '1d',
  },
} as const);

export type RetryPresetName = keyof typeof retryPresets;
