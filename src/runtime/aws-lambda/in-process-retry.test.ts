import { describe, expect, it } from 'vitest';
import { createCloudEvent } from '../../cloud-event.js';
import { decide } from '../../delivery/decide.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../delivery/policy.js';
import { NonRetryableError } from '../../errors.js';
import { type AttemptFailure, retryInProcess } from './in-process-retry.js';
import { planFailure } from './retry-plan.js';

const T0 = Date.UTC(2026, 0, 1);
const event = createCloudEvent({ id: 'ord-1', source: '/shop', type: 'com.shop.order.created' });

/**
 * One invocation on a virtual clock: `timeoutMs` of budget, attempts taking `attemptMs`, waits that
 * move the clock instead of the wall. `outcomes` says how attempts 1, 2, … end (past its end: success).
 */
function invocation(options: {
  policy: RetryPolicy;
  outcomes: (Error | undefined)[];
  timeoutMs?: number;
  attemptMs?: number;
  first?: number;
}) {
  let now = T0;
  const deadline = T0 + (options.timeoutMs ?? 6_000);
  const policy = resolveRetryPolicy(options.policy);
  const attempts: { attempt: number; at: number }[] = [];
  const waits: number[] = [];
  const result = retryInProcess({
    attempt: options.first ?? 1,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    async run(attempt) {
      attempts.push({ attempt, at: now - T0 });
      now += options.attemptMs ?? 100;
      const error = options.outcomes[attempt - 1];
      if (error === undefined) return undefined;
      return { stage: 'handler', error, retryable: !(error instanceof NonRetryableError) } as AttemptFailure;
    },
    plan: (attempt, failure, attemptMs) =>
      planFailure(decide(policy, { attempt, ...failure, receivedAt: T0, now }), {
        event,
        handler: 'orders',
        attempt,
        error: failure.error,
        receivedAt: T0,
        firstAttemptAt: T0,
        now,
        remainingMs: deadline - now,
        attemptMs,
      }),
  });
  return { result, attempts, waits };
}

const exponential: RetryPolicy = {
  maxAttempts: 4,
  backoff: { type: 'exponential', initialDelay: '1s', maxDelay: '1h' },
};
const down = () => new Error('db down');

describe('retryInProcess', () => {
  it('retries within the invocation on the backoff schedule until an attempt succeeds', async () => {
    const run = invocation({ policy: exponential, outcomes: [down(), down()] });
    expect(await run.result).toEqual({ status: 'succeeded', attempts: 3 });
    expect(run.waits).toEqual([1_000, 2_000]);
    expect(run.attempts).toEqual([
      { attempt: 1, at: 0 },
      { attempt: 2, at: 1_100 },
      { attempt: 3, at: 3_200 },
    ]);
  });

  it('hands the event to the retry queue when the next wait does not fit the invocation', async () => {
    const run = invocation({ policy: exponential, outcomes: [down(), down(), down()], timeoutMs: 3_000 });
    const result = await run.result;
    expect(run.waits).toEqual([1_000]);
    expect(result).toMatchObject({
      status: 'handed-off',
      attempts: 2,
      failure: { stage: 'handler', retryable: true },
      plan: { kind: 'retry-queue', attempt: 3, delaySeconds: 2, dueAt: T0 + 3_200 },
    });
  });

  it('hands over a dead letter when the attempts are used up or the error is not retryable', async () => {
    const resumed = invocation({ policy: exponential, outcomes: [down(), down(), down(), down()], first: 4 });
    expect(await resumed.result).toMatchObject({
      status: 'handed-off',
      attempts: 1,
      plan: { kind: 'dead-letter', envelope: { dlreason: 'retries-exhausted', dlattempts: 4 } },
    });
    expect(resumed.attempts).toEqual([{ attempt: 4, at: 0 }]);
    const poison = invocation({ policy: exponential, outcomes: [new NonRetryableError('no customer')] });
    expect(await poison.result).toMatchObject({
      status: 'handed-off',
      plan: { kind: 'dead-letter', envelope: { dlreason: 'non-retryable', dlerror: 'no customer' } },
    });
    expect(poison.waits).toEqual([]);
  });

  it('does not retry a failure of the runtime itself', async () => {
    let calls = 0;
    const crash = new Error('out of file descriptors');
    await expect(
      retryInProcess({
        attempt: 1,
        run: async () => {
          calls++;
          throw crash;
        },
        plan: () => {
          throw new Error('never planned');
        },
      }),
    ).rejects.toBe(crash);
    expect(calls).toBe(1);
  });
});
