import type { SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { createCloudEvent, toStructuredJson } from '../../cloud-event.js';
import { deadLetterEnvelope } from '../../delivery/dead-letter.js';
import type { Decision } from '../../delivery/decide.js';
import {
  type FailedInvocation,
  planArrival,
  planFailure,
  type QueuedRetry,
  queueRetry,
  type RetryState,
  readRetryMessage,
} from './retry-plan.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const event = createCloudEvent({
  id: 'ord-1',
  source: '/shop',
  type: 'com.shop.order.created',
  data: { total: 12 },
});
const failed = (over: Partial<FailedInvocation> = {}): FailedInvocation => ({
  event,
  handler: 'orders',
  attempt: 1,
  error: new Error('db down'),
  receivedAt: T0,
  firstAttemptAt: T0,
  now: T0,
  remainingMs: 6_000,
  ...over,
});
const retryIn = (delay: number, now = T0): Decision => ({ action: 'retry', at: now + delay, delay });
const state = (over: Partial<RetryState> = {}): RetryState => ({
  event,
  handler: 'orders',
  attempt: 2,
  receivedAt: T0,
  firstAttemptAt: T0,
  dueAt: T0,
  ...over,
});

/** The record Lambda's SQS event source hands the function for a message the plan sent. */
const recordOf = (plan: QueuedRetry, messageId = 'm-1'): SQSRecord => ({
  messageId,
  receiptHandle: 'r',
  body: plan.body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(T0),
    SenderId: 'AROA',
    ApproximateFirstReceiveTimestamp: String(T0),
  },
  messageAttributes: Object.fromEntries(
    Object.entries(plan.attributes).map(([name, v]) => [
      name,
      { dataType: v.DataType, stringValue: v.StringValue, stringListValues: [], binaryListValues: [] },
    ]),
  ),
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders-retry',
  awsRegion: 'us-east-1',
});

describe('planFailure', () => {
  it('retries in-process when the wait, one more attempt and the hand-off fit in the invocation', () => {
    expect(planFailure(retryIn(1_000), failed({ attemptMs: 200 }))).toEqual({
      kind: 'retry-in-process',
      delayMs: 1_000,
      attempt: 2,
      dueAt: T0 + 1_000,
    });
    // 1 s wait + 1 s attempt + 1 s reserve = 3 s: exactly what is left.
    expect(planFailure(retryIn(1_000), failed({ attemptMs: 1_000, remainingMs: 3_000 })).kind).toBe(
      'retry-in-process',
    );
  });

  it('queues a wait longer than maxInProcessDelayMs, or one the invocation has no time for', () => {
    expect(planFailure(retryIn(8_000), failed({ remainingMs: 900_000 }))).toMatchObject({
      kind: 'retry-queue',
      delaySeconds: 8,
    });
    expect(planFailure(retryIn(1_000), failed({ attemptMs: 1_000, remainingMs: 2_999 }))).toMatchObject({
      kind: 'retry-queue',
      delaySeconds: 1,
    });
    expect(planFailure(retryIn(500), failed(), { maxInProcessDelayMs: 0 })).toMatchObject({
      kind: 'retry-queue',
      delaySeconds: 1,
    });
    expect(
      planFailure(retryIn(8_000), failed({ remainingMs: 900_000 }), { maxInProcessDelayMs: 10_000 }).kind,
    ).toBe('retry-in-process');
  });

  it('carries the next attempt, the event times and the handler in message attributes', () => {
    const now = T0 + 5 * MIN;
    const plan = planFailure(retryIn(2 * MIN, now), failed({ attempt: 2, now, firstAttemptAt: T0 + 10 }));
    expect(plan).toEqual({
      kind: 'retry-queue',
      delaySeconds: 120,
      attempt: 3,
      dueAt: now + 2 * MIN,
      body: JSON.stringify(event),
      attributes: {
        'triggerkit-attempt': { DataType: 'Number', StringValue: '3' },
        'triggerkit-received-at': { DataType: 'Number', StringValue: String(T0) },
        'triggerkit-first-attempt-at': { DataType: 'Number', StringValue: String(T0 + 10) },
        'triggerkit-due-at': { DataType: 'Number', StringValue: String(now + 2 * MIN) },
        'triggerkit-handler': { DataType: 'String', StringValue: 'orders' },
      },
    });
  });

  it('caps DelaySeconds at 15 minutes and rounds part seconds up', () => {
    expect(planFailure(retryIn(60 * MIN), failed())).toMatchObject({
      delaySeconds: 900,
      dueAt: T0 + 60 * MIN,
    });
    expect(planFailure(retryIn(15 * MIN + 1), failed())).toMatchObject({ delaySeconds: 900 });
    expect(planFailure(retryIn(15 * MIN), failed())).toMatchObject({ delaySeconds: 900 });
    expect(planFailure(retryIn(6_001), failed())).toMatchObject({ delaySeconds: 7 });
  });

  it('dead-letters as the one envelope, the body its structured JSON', () => {
    const decision: Decision = { action: 'dead-letter', reason: 'retries-exhausted' };
    const plan = planFailure(decision, failed({ attempt: 3, now: T0 + 7_000, firstAttemptAt: T0 + 5 }));
    const envelope = deadLetterEnvelope({
      event,
      reason: 'retries-exhausted',
      attempts: 3,
      error: new Error('db down'),
      handler: 'orders',
      firstAttemptAt: T0 + 5,
      lastAttemptAt: T0 + 7_000,
    });
    expect(plan).toEqual({ kind: 'dead-letter', envelope, body: toStructuredJson(envelope) });
  });
});

describe('planArrival', () => {
  it('runs a message that is due, and sends one that is early at all round again (never early)', () => {
    expect(planArrival(state({ dueAt: T0 }), T0)).toEqual({ kind: 'run' });
    expect(planArrival(state({ dueAt: T0 + 999 }), T0)).toMatchObject({
      kind: 'retry-queue',
      delaySeconds: 1,
    });
    expect(planArrival(state({ dueAt: T0 }), T0 + 60_000)).toEqual({ kind: 'run' });
  });

  it('sends a message that came back early round again, unchanged but for the delay', () => {
    const retry = state({ dueAt: T0 + 60 * MIN, attempt: 4 });
    expect(planArrival(retry, T0 + 15 * MIN)).toEqual(queueRetry(retry, T0 + 15 * MIN));
    expect(planArrival(retry, T0 + 15 * MIN)).toMatchObject({ delaySeconds: 900, attempt: 4 });
    expect(planArrival(retry, T0 + 55 * MIN)).toMatchObject({ delaySeconds: 300 });
  });

  it('brings any wait back on time, one 15-minute hop at a time (virtual clock)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 48 * 60 * MIN }), (wait) => {
        const retry = state({ dueAt: T0 + wait });
        let plan: QueuedRetry | { kind: 'run' } = queueRetry(retry, T0);
        let now = T0;
        let hops = 0;
        while (plan.kind === 'retry-queue') {
          now += plan.delaySeconds * 1000;
          hops++;
          plan = planArrival(retry, now);
        }
        return (
          now >= retry.dueAt && now < retry.dueAt + 1000 && hops === Math.max(1, Math.ceil(wait / (15 * MIN)))
        );
      }),
    );
  });
});

describe('readRetryMessage', () => {
  it('leaves ordinary SQS messages alone', () => {
    for (const name of ['orders-batch', 'cloudevent-body', 'fifo-batch']) {
      const { Records } = fixture<SQSEvent>(`sqs/${name}.json`);
      expect(Records.length).toBeGreaterThan(0);
      for (const record of Records) expect(readRetryMessage(record)).toBeUndefined();
    }
  });

  it('reads back what the plan sent: the same event bytes, attempt and times', () => {
    const retry = state({ attempt: 3, firstAttemptAt: T0 + 20, dueAt: T0 + 90 * MIN });
    const read = readRetryMessage(recordOf(queueRetry(retry, T0 + 30 * MIN)));
    expect(read).toEqual(retry);
    expect(JSON.stringify(read?.event)).toBe(JSON.stringify(event));
  });

  it('rejects a retry message with a bad attribute or body', () => {
    const plan = queueRetry(state(), T0);
    const bad = (attribute: string, value: string) => {
      const record = recordOf(plan);
      return {
        ...record,
        messageAttributes: {
          ...record.messageAttributes,
          [attribute]: { dataType: 'Number', stringValue: value },
        },
      };
    };
    expect(() => readRetryMessage(bad('triggerkit-attempt', '0'))).toThrow(
      expect.objectContaining({ code: 'E_SOURCE_INVALID', path: 'messageAttributes.triggerkit-attempt' }),
    );
    expect(() => readRetryMessage(bad('triggerkit-due-at', 'soon'))).toThrow(/triggerkit-due-at/);
    expect(() => readRetryMessage({ ...recordOf(plan), body: '{not json' })).toThrow(
      expect.objectContaining({ code: 'E_SOURCE_INVALID', path: 'body' }),
    );
    expect(() => readRetryMessage({ ...recordOf(plan), body: '{"id":"x"}' })).toThrow(
      expect.objectContaining({ code: 'E_CLOUDEVENT_INVALID' }),
    );
  });
});
