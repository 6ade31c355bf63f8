import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { NonRetryableError, RetryAfterError } from '../errors.js';
import { backoffDelay } from './backoff.js';
import { deadLetterEnvelope, MAX_ERROR_MESSAGE } from './dead-letter.js';
import { decide, type FailedAttempt } from './decide.js';
import { resolveRetryPolicy } from './policy.js';

const T0 = Date.UTC(2026, 0, 1);
const policy = resolveRetryPolicy({
  maxAttempts: 4,
  backoff: { type: 'exponential', initialDelay: '1s', maxDelay: '5s' },
  maxEventAge: '1h',
});
const failure = (over: Partial<FailedAttempt> = {}): FailedAttempt => ({
  attempt: 1,
  stage: 'handler',
  error: new Error('db down'),
  retryable: true,
  receivedAt: T0,
  now: T0,
  ...over,
});

describe('backoffDelay', () => {
  const base = { initialDelay: 1000, maxDelay: 5000, jitter: false };
  it.each([
    ['exponential', [1000, 2000, 4000, 5000, 5000]],
    ['linear', [1000, 2000, 3000, 4000, 5000]],
    ['fixed', [1000, 1000, 1000, 1000, 1000]],
  ] as const)('%s grows as documented and stops at maxDelay', (type, delays) => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay({ ...base, type }, n))).toEqual(delays);
  });

  it('jitter stays within the upper half of the delay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const full = backoffDelay({ ...base, type: 'exponential' }, n);
          const jittered = backoffDelay({ ...base, type: 'exponential', jitter: true }, n, () => r);
          return jittered >= full / 2 && jittered <= full;
        },
      ),
    );
  });
});

describe('decide', () => {
  it('retries a retryable failure after the backoff delay', () => {
    expect(decide(policy, failure({ now: T0 + 10 }))).toEqual({
      action: 'retry',
      at: T0 + 1010,
      delay: 1000,
    });
    expect(decide(policy, failure({ attempt: 3, now: T0 + 10 }))).toEqual({
      action: 'retry',
      at: T0 + 4010,
      delay: 4000,
    });
  });

  it('dead-letters when the attempts are used up', () => {
    expect(decide(policy, failure({ attempt: 4 }))).toEqual({
      action: 'dead-letter',
      reason: 'retries-exhausted',
    });
  });

  it('dead-letters invalid events and non-retryable errors at once', () => {
    expect(decide(policy, failure({ stage: 'schema', retryable: false }))).toEqual({
      action: 'dead-letter',
      reason: 'invalid',
    });
    expect(decide(policy, failure({ error: new NonRetryableError('poison'), retryable: false }))).toEqual({
      action: 'dead-letter',
      reason: 'non-retryable',
    });
    expect(decide(policy, failure({ stage: 'transform', retryable: false }))).toEqual({
      action: 'dead-letter',
      reason: 'non-retryable',
    });
  });

  it('dead-letters an event past its max age, or whose next retry would be', () => {
    expect(decide(policy, failure({ now: T0 + 3_600_000 }))).toEqual({
      action: 'dead-letter',
      reason: 'event-too-old',
    });
    expect(decide(policy, failure({ now: T0 + 3_599_500 }))).toEqual({
      action: 'dead-letter',
      reason: 'event-too-old',
    });
  });

  it('honours RetryAfterError, as a delay or a date', () => {
    expect(decide(policy, failure({ error: new RetryAfterError('rate limited', 30_000) }))).toEqual({
      action: 'retry',
      at: T0 + 30_000,
      delay: 30_000,
    });
    expect(
      decide(policy, failure({ error: new RetryAfterError('later', new Date(T0 + 90_000)), now: T0 + 1000 })),
    ).toEqual({
      action: 'retry',
      at: T0 + 90_000,
      delay: 89_000,
    });
  });

  it('never retries beyond maxAttempts or past the age limit, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 4_000_000 }),
        (attempt, elapsed) => {
          const d = decide(policy, failure({ attempt, now: T0 + elapsed }));
          if (d.action === 'dead-letter') return true;
          return attempt < 4 && d.at - T0 <= 3_600_000 && d.at > T0 + elapsed - 1;
        },
      ),
    );
  });
});

describe('resolveRetryPolicy presets', () => {
  it('knows the platform presets by name', () => {
    expect(resolveRetryPolicy('lambda-async')).toEqual({
      maxAttempts: 3,
      backoff: { type: 'exponential', initialDelay: 60_000, maxDelay: 120_000, jitter: false },
      maxEventAge: 21_600_000,
    });
    const alibaba = resolveRetryPolicy('alibaba-exponential-decay');
    expect([1, 2, 9, 10, 176].map((n) => backoffDelay(alibaba.backoff, n))).toEqual([
      1000, 2000, 256_000, 512_000, 512_000,
    ]);
  });

  it('rejects an unknown preset, listing the known ones', () => {
    expect(() => resolveRetryPolicy('forever' as never)).toThrow(
      /Unknown retry preset "forever" at `retry`; use one of lambda-async/,
    );
  });
});

describe('deadLetterEnvelope', () => {
  const event = createCloudEvent({ id: 'e-1', source: '/shop', type: 'order', data: { total: 1 } });
  it('is the original event plus dl* extensions, a valid CloudEvent', () => {
    const envelope = deadLetterEnvelope({
      event,
      reason: 'retries-exhausted',
      attempts: 3,
      error: new Error('db down'),
      handler: 'orders',
      firstAttemptAt: T0,
      lastAttemptAt: T0 + 3000,
    });
    expect(envelope).toEqual({
      ...event,
      dlreason: 'retries-exhausted',
      dlattempts: 3,
      dlerrortype: 'Error',
      dlerror: 'db down',
      dlhandler: 'orders',
      dlfirstattempt: '2026-01-01T00:00:00.000Z',
      dllastattempt: '2026-01-01T00:00:03.000Z',
    });
    expect(() => createCloudEvent(envelope)).not.toThrow();
  });

  it('truncates long error messages', () => {
    const envelope = deadLetterEnvelope({
      event,
      reason: 'non-retryable',
      attempts: 1,
      error: new Error('x'.repeat(5000)),
      handler: 'h',
      firstAttemptAt: T0,
      lastAttemptAt: T0,
    });
    expect(envelope.dlerror).toHaveLength(MAX_ERROR_MESSAGE);
  });
});
