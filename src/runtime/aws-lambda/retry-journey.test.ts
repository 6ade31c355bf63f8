/**
 * A whole Lambda-side retry journey — in-process retries, the retry queue on the emulator's SQS
 * endpoint, a re-delay past 15 minutes, the dead-letter queue — on a virtual clock, compared with the
 * emulator's own delivery of the same event: the same attempt times and the same dead-letter bytes.
 */
import { DeleteMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  event,
  openSqsHarness,
  receiveOne,
  type SqsHarness,
  T0,
  toRecord,
} from '../../../test/support/sqs-harness.js';
import { toStructuredJson } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { runAttempts } from '../../delivery/attempts.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../delivery/policy.js';
import { manualClock } from '../../dev/clock.js';
import { createEmulator } from '../../dev/emulator.js';
import { listDeadLetters } from '../../dev/store/queries.js';
import { lambdaRuntime } from './managed-delivery.js';
import { planArrival, type RetryState, readRetryMessage } from './retry-plan.js';

let h: SqsHarness;
beforeEach(async () => {
  h = await openSqsHarness();
});
afterEach(() => h.close());

describe('a retry journey in AWS and in the emulator', () => {
  // 2 s, 4 s, 8 s … 1024 s: in-process, then the h.queue, then a wait past 15 minutes.
  const policy: RetryPolicy = {
    maxAttempts: 11,
    backoff: { type: 'exponential', initialDelay: '2s', maxDelay: '20m' },
    maxEventAge: '1d',
  };

  /**
   * The function on Lambda: 6 s invocations, attempts that always fail, the retry queue in between. Each
   * invocation runs the attempt loop on the adapter's own runtime (in-process waits, then the queue).
   */
  async function lambdaJourney() {
    const resolved = resolveRetryPolicy(policy);
    const attempts: number[] = [];
    const steps: string[] = [];
    let retry: RetryState = {
      event,
      handler: 'orders',
      attempt: 1,
      receivedAt: T0,
      firstAttemptAt: T0,
      dueAt: T0,
    };
    for (;;) {
      const deadline = h.clock.now() + 6_000;
      const sent: string[] = [];
      const runtime = lambdaRuntime({
        queue: {
          sendRetry: async (message) => {
            sent.push('retry');
            return h.queue.sendRetry(message);
          },
          sendDeadLetter: async (envelope) => {
            sent.push('dead-letter');
            return h.queue.sendDeadLetter(envelope);
          },
        },
        hasRetryQueue: true,
        hasDeadLetterQueue: true,
        handler: 'orders',
        lambda: { getRemainingTimeInMillis: () => deadline - h.clock.now() } as Context,
        now: () => h.clock.now(),
        sleep: async (ms) => {
          steps.push('in-process');
          h.clock.advance(ms);
        },
      });
      const result = await runAttempts({
        event: retry.event,
        handler: 'orders',
        policy: resolved,
        start: retry,
        runtime,
        run: async () => {
          attempts.push(h.clock.now() - T0);
          return { status: 'failed', event, stage: 'handler', error: new Error('db down'), retryable: true };
        },
      });
      if (result.end === 'dead-lettered') return { attempts, steps };
      expect(result.end).toBe('handed-off');
      expect(sent).toEqual(['retry']);
      steps.push('h.queue');
      // The event source mapping: the next time a message is visible, it invokes the function with it.
      for (;;) {
        h.clock.set(h.endpoint.store.nextVisibleAt('orders-retry', h.clock.now()) ?? h.clock.now());
        const message = (await receiveOne(h.sqs, h.urls.retry)) as Message;
        await h.sqs.send(
          new DeleteMessageCommand({ QueueUrl: h.urls.retry, ReceiptHandle: message.ReceiptHandle }),
        );
        const arrived = readRetryMessage(toRecord(message)) as RetryState;
        const arrival = planArrival(arrived, h.clock.now());
        if (arrival.kind === 'run') {
          retry = arrived;
          break;
        }
        steps.push('re-delay');
        await h.queue.sendRetry(arrival);
      }
    }
  }

  it('makes the same attempts at the same times and dead-letters the same bytes', async () => {
    const aws = await lambdaJourney();
    const dlq = await receiveOne(h.sqs, h.urls.dlq);

    const emulatorClock = manualClock(T0);
    const emulated: number[] = [];
    const handler = defineHandler({
      name: 'orders',
      retry: policy,
      handle: () => {
        emulated.push(emulatorClock.now() - T0);
        throw new Error('db down');
      },
    });
    const emulator = createEmulator({
      functions: [{ name: 'orders', handler }],
      clock: emulatorClock,
      log: () => {},
    });
    try {
      emulator.publish(event);
      await emulator.runUntilIdle((at) => emulatorClock.set(at));
      const [letter] = listDeadLetters(emulator.store);
      expect(aws.attempts).toEqual(emulated);
      expect(aws.attempts.at(-1)).toBe(2_046_000);
      expect(dlq?.Body).toBe(toStructuredJson(letter?.envelope as never));
    } finally {
      await emulator.close();
    }
    expect(aws.steps).toEqual(['in-process', ...Array(9).fill('h.queue'), 're-delay']);
  });
});
