/**
 * The retry-queue sender and dead-letter writer against the emulator's SQS endpoint, through the real
 * `@aws-sdk/client-sqs`: what lands in each queue.
 */
import type { Message } from '@aws-sdk/client-sqs';
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
import { deadLetterEnvelope } from '../../delivery/dead-letter.js';
import { planFailure, queueRetry, type RetryState, readRetryMessage } from './retry-plan.js';
import { createRetryQueue } from './retry-queue.js';

let h: SqsHarness;
beforeEach(async () => {
  h = await openSqsHarness();
});
afterEach(() => h.close());

describe('createRetryQueue', () => {
  it('sends a retry with its delay, attributes and the event as the body', async () => {
    const retry: RetryState = {
      event,
      handler: 'orders',
      attempt: 2,
      receivedAt: T0,
      firstAttemptAt: T0,
      dueAt: T0 + 120_000,
    };
    const plan = queueRetry(retry, T0);
    expect(await h.queue.sendRetry(plan)).toEqual(expect.any(String));
    expect(await receiveOne(h.sqs, h.urls.retry)).toBeUndefined();
    h.clock.advance(119_999);
    expect(await receiveOne(h.sqs, h.urls.retry)).toBeUndefined();
    h.clock.advance(1);
    const message = (await receiveOne(h.sqs, h.urls.retry)) as Message;
    expect(message.Body).toBe(JSON.stringify(event));
    expect(message.MessageAttributes).toEqual(plan.attributes);
    expect(readRetryMessage(toRecord(message))).toEqual(retry);
  });

  it('writes the dead-letter envelope byte for byte', async () => {
    const plan = planFailure(
      { action: 'dead-letter', reason: 'non-retryable' },
      {
        event,
        handler: 'orders',
        attempt: 1,
        error: new Error('no customer'),
        receivedAt: T0,
        firstAttemptAt: T0,
        now: T0,
        remainingMs: 1,
      },
    );
    if (plan.kind !== 'dead-letter') throw new Error(`expected a dead letter, got ${plan.kind}`);
    await h.queue.sendDeadLetter(plan.envelope);
    const message = await receiveOne(h.sqs, h.urls.dlq);
    expect(message?.Body).toBe(toStructuredJson(plan.envelope));
    expect(message?.Body).toBe(plan.body);
    expect(await receiveOne(h.sqs, h.urls.retry)).toBeUndefined();
  });

  it('says which variable to set when a h.queue URL is missing', async () => {
    const unconfigured = createRetryQueue({ endpoint: h.serverUrl }, undefined, {});
    const envelope = deadLetterEnvelope({
      event,
      reason: 'invalid',
      attempts: 1,
      error: new Error('bad'),
      handler: 'orders',
      firstAttemptAt: T0,
      lastAttemptAt: T0,
    });
    await expect(unconfigured.sendDeadLetter(envelope)).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringContaining('TRIGGERKIT_DLQ_URL is not set'),
    });
  });
});
