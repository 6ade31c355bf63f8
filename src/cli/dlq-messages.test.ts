/** Reading a dead-letter queue's messages, and the retry-queue message that redrives an envelope. */
import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { toRecord } from '../../test/support/sqs-harness.js';
import { createCloudEvent, toStructuredJson } from '../cloud-event.js';
import { deadLetterEnvelope } from '../delivery/dead-letter.js';
import { queueRetry, readRetryMessage } from '../runtime/aws-lambda/retry-plan.js';
import { formatDlqMessage, readDlqMessage, redriveRetry, shownDlqMessage } from './dlq-messages.js';

const T0 = Date.UTC(2026, 0, 1);
const event = createCloudEvent({
  id: 'ord-1',
  source: '/shop',
  type: 'com.shop.order.created',
  data: { total: 12 },
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
});
const envelope = deadLetterEnvelope({
  event,
  reason: 'retries-exhausted',
  attempts: 3,
  error: new Error('db down\nat the primary'),
  handler: 'orders',
  firstAttemptAt: T0,
  lastAttemptAt: T0 + 30_000,
});
/** A message as ReceiveMessage returns it, with `MessageAttributeNames: ['All']` and the system attributes. */
const received = (Body: string, MessageAttributes?: Message['MessageAttributes']): Message => ({
  MessageId: 'm-1',
  ReceiptHandle: 'r-1',
  Body,
  MessageAttributes,
  Attributes: { SentTimestamp: String(T0 + 31_000), ApproximateReceiveCount: '2' },
});

describe('readDlqMessage', () => {
  it('reads the envelope the runtime writes (toStructuredJson) with the columns of the local list', () => {
    const message = readDlqMessage(received(toStructuredJson(envelope)));
    expect(message).toMatchObject({
      kind: 'envelope',
      messageId: 'm-1',
      eventId: 'ord-1',
      handler: 'orders',
      reason: 'retries-exhausted',
      attempts: 3,
      // The envelope keeps an error's words on one line: a CloudEvents String holds no control character.
      error: 'db down at the primary',
      time: '2026-01-01T00:00:30.000Z',
      receiveCount: 2,
    });
    expect(message.envelope).toEqual(JSON.parse(toStructuredJson(envelope)));
    expect(shownDlqMessage(message)).toBe(message.envelope);
    expect(formatDlqMessage(message)).toBe(
      'm-1\t2026-01-01T00:00:30.000Z\torders\tretries-exhausted\tord-1\t3\tdb down at the primary',
    );
  });

  it('marks a retry-queue message the RedrivePolicy moved as raw, with its attempt and handler', () => {
    const retry = queueRetry(
      { event, handler: 'orders', attempt: 2, receivedAt: T0, firstAttemptAt: T0, dueAt: T0 + 60_000 },
      T0,
    );
    const message = readDlqMessage(received(retry.body, retry.attributes));
    expect(message).toMatchObject({
      kind: 'raw',
      eventId: 'ord-1',
      handler: 'orders',
      reason: 'raw',
      attempts: 2,
      time: '2026-01-01T00:00:31.000Z',
      envelope: undefined,
    });
    expect(message.error).toMatch(/^not an envelope \(the body has no `dlreason`\): a retry-queue message/);
    expect(shownDlqMessage(message)).toMatchObject({ kind: 'raw', body: event, receiveCount: 2 });
  });

  it('lists anything else as raw, saying why it is no envelope', () => {
    expect(readDlqMessage(received('not json'))).toMatchObject({
      kind: 'raw',
      eventId: undefined,
      error: 'not an envelope (the body is not a JSON object): not written by triggerkit',
    });
    const broken = readDlqMessage(received(JSON.stringify({ dlreason: 'invalid', id: 'x' })));
    expect(broken).toMatchObject({ kind: 'raw', eventId: 'x' });
    expect(broken.error).toContain('is not a valid CloudEvent 1.0');
  });
});

describe('redriveRetry', () => {
  it("is the runtime's retry-queue message at attempt 1, due now, with the event and no dl* extensions", () => {
    const now = T0 + 86_400_000;
    const retry = redriveRetry(readDlqMessage(received(toStructuredJson(envelope))).envelope as never, now);
    expect(retry).toEqual(
      queueRetry(
        {
          event: { ...event, datacontenttype: 'application/json' } as never,
          handler: 'orders',
          attempt: 1,
          receivedAt: T0,
          firstAttemptAt: now,
          dueAt: now,
        },
        now,
      ),
    );
    expect(retry.delaySeconds).toBe(0);
    expect(Object.keys(JSON.parse(retry.body)).filter((k) => k.startsWith('dl'))).toEqual([]);
    // What the function makes of it when the retry queue delivers it.
    const sent = toRecord({ MessageId: 'm-2', Body: retry.body, MessageAttributes: retry.attributes });
    expect(readRetryMessage(sent)).toMatchObject({ attempt: 1, handler: 'orders', event: { id: 'ord-1' } });
  });
});
