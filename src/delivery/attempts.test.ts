import { describe, expect, it } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { NonRetryableError } from '../errors.js';
import { type AttemptRuntime, type DueRetry, runAttempts, virtualRuntime } from './attempts.js';
import type { Outcome } from './outcome.js';
import { type RetryPolicy, resolveRetryPolicy } from './policy.js';

const T0 = Date.UTC(2026, 0, 1);
const event = createCloudEvent({ id: 'ord-1', source: '/shop', type: 'com.shop.order.created' });
const down = () => new Error('db down');
const start = { attempt: 1, receivedAt: T0, firstAttemptAt: T0 };

/** Attempt n fails with `errors[n - 1]`; past the list's end it succeeds. */
const attemptsFailingWith =
  (errors: Error[]) =>
  async (attempt: number): Promise<Outcome> => {
    const error = errors[attempt - 1];
    return error === undefined
      ? { status: 'delivered', event, input: event, result: 'ok' }
      : {
          status: 'failed',
          event,
          stage: 'handler',
          error,
          retryable: !(error instanceof NonRetryableError),
        };
  };

const loop = (policy: RetryPolicy, errors: Error[], runtime: AttemptRuntime, first = start) => {
  const seen: { attempt: number; at: number; status: string }[] = [];
  const result = runAttempts({
    event,
    handler: 'orders',
    policy: resolveRetryPolicy(policy),
    start: first,
    runtime,
    run: attemptsFailingWith(errors),
    observe: (r) => seen.push({ attempt: r.attempt, at: r.at - T0, status: r.outcome.status }),
  });
  return { result, seen };
};

const exponential: RetryPolicy = { maxAttempts: 4, backoff: { type: 'exponential', initialDelay: '1s' } };

describe('runAttempts', () => {
  it('retries on the backoff schedule until an attempt succeeds', async () => {
    const run = loop(exponential, [down(), down()], virtualRuntime(T0));
    expect(await run.result).toMatchObject({ end: 'delivered', attempt: 3 });
    expect(run.seen).toEqual([
      { attempt: 1, at: 0, status: 'failed' },
      { attempt: 2, at: 1_000, status: 'failed' },
      { attempt: 3, at: 3_000, status: 'delivered' },
    ]);
  });

  it('dead-letters the one envelope when the attempts are used up', async () => {
    const runtime = virtualRuntime(T0);
    const run = loop(exponential, [down(), down(), down(), down()], runtime);
    const result = await run.result;
    expect(result).toMatchObject({ end: 'dead-lettered', attempt: 4 });
    expect(runtime.deadLetters).toEqual([
      expect.objectContaining({
        id: 'ord-1',
        dlreason: 'retries-exhausted',
        dlattempts: 4,
        dlerror: 'db down',
        dlhandler: 'orders',
        dlfirstattempt: new Date(T0).toISOString(),
        dllastattempt: new Date(T0 + 7_000).toISOString(),
      }),
    ]);
  });

  it('dead-letters a non-retryable failure at once, without waiting', async () => {
    const runtime = virtualRuntime(T0);
    const run = loop(exponential, [new NonRetryableError('no customer')], runtime);
    expect(await run.result).toMatchObject({ end: 'dead-lettered', attempt: 1 });
    expect(runtime.now()).toBe(T0);
    expect(runtime.deadLetters[0]).toMatchObject({ dlreason: 'non-retryable', dlerror: 'no customer' });
  });

  it('resumes at the attempt it is given and stops where the runtime hands the retry off', async () => {
    const retries: DueRetry[] = [];
    const runtime: AttemptRuntime = {
      now: () => T0 + 60_000,
      async retry(retry) {
        retries.push(retry);
        return 'handed-off';
      },
      deadLetter: async () => 'handed-off',
    };
    const run = loop(exponential, [down(), down(), down()], runtime, { ...start, attempt: 3 });
    expect(await run.result).toMatchObject({ end: 'handed-off', attempt: 3 });
    expect(retries).toEqual([
      expect.objectContaining({
        attempt: 4,
        at: T0 + 64_000,
        delay: 4_000,
        receivedAt: T0,
        handler: 'orders',
      }),
    ]);
  });

  it('dead-letters as retries-exhausted when the runtime cannot retry in order', async () => {
    const runtime = { ...virtualRuntime(T0), retry: async () => 'dead-letter' as const };
    const letters: unknown[] = [];
    runtime.deadLetter = async (envelope) => {
      letters.push(envelope);
      return 'handed-off';
    };
    const run = loop(exponential, [down()], runtime);
    expect(await run.result).toMatchObject({ end: 'dead-lettered', attempt: 1 });
    expect(letters).toEqual([expect.objectContaining({ dlreason: 'retries-exhausted', dlattempts: 1 })]);
  });

  it('leaves the event to the platform when no dead-letter target takes it', async () => {
    const runtime: AttemptRuntime = {
      now: () => T0,
      retry: async () => 'redeliver',
      deadLetter: async () => 'redeliver',
    };
    expect(await loop(exponential, [down()], runtime).result).toMatchObject({ end: 'redeliver' });
    expect(await loop(exponential, [new NonRetryableError('x')], runtime).result).toMatchObject({
      end: 'redeliver',
    });
  });

  it('lets a failure of the runtime itself propagate instead of retrying it', async () => {
    const crash = new Error('out of file descriptors');
    let calls = 0;
    await expect(
      runAttempts({
        event,
        handler: 'orders',
        policy: resolveRetryPolicy(exponential),
        start,
        runtime: virtualRuntime(T0),
        run: async () => {
          calls++;
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(calls).toBe(1);
  });
});
