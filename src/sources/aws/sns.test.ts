import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { sourceOf, toCloudEvents } from '../index.js';
import { SNS_NOTIFICATION_TYPE, snsHttpMessage } from './sns.js';

const sns = sourceOf('aws:sns');

type RawBatch = { Records: Array<Record<string, unknown>> };

interface HttpFixture {
  headers: Record<string, string>;
  body: string;
}

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('SNS Lambda subscription', () => {
  const raw = fixture<RawBatch>('sns/low-stock-notification.json');
  const batch = sns.normalize(raw, {});

  it('is detected by Records[].EventSource and answers by throwing (asynchronous invoke)', () => {
    expect(sns.detect(raw)).toBe(true);
    expect(toCloudEvents(raw).source).toBe('aws:sns');
    expect(batch.reply).toBe('throw');
  });

  it('maps id = MessageId, source = TopicArn, subject, time; Message as JSON data; attributes; subscription', () => {
    expect(batch.items).toStrictEqual([
      {
        ref: 'd4e5f6a7-b8c9-5d0e-9f1a-2b3c4d5e6f70',
        event: {
          specversion: '1.0',
          id: 'd4e5f6a7-b8c9-5d0e-9f1a-2b3c4d5e6f70',
          source: 'arn:aws:sns:eu-west-1:210987654321:shop-alerts',
          type: SNS_NOTIFICATION_TYPE,
          subject: 'Low stock',
          time: '2025-11-23T12:45:00.000Z',
          datacontenttype: 'application/json',
          data: { sku: 'lamp', left: 2, warehouse: 'berlin' },
          snsattrseverity: 'warning',
          snssubscriptionarn:
            'arn:aws:sns:eu-west-1:210987654321:shop-alerts:6c0e2f7a-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
        },
      },
    ]);
  });

  it('a text Message stays text; binary attributes stay base64; an S3 test event is acknowledged', () => {
    const { items, rejected } = sns.normalize(fixture('sns/text-message.json'), {});
    expect(rejected).toBeUndefined();
    expect(items).toHaveLength(1);
    expect(items[0]?.event).toMatchObject({
      datacontenttype: 'text/plain',
      data: 'Warehouse berlin: lamp stock below 5',
      snsattrseverity: 'warning',
      snsattrretries: '3',
      snsattrpayload: 'AAECAw==',
    });
    expect(cloudEventProblems(items[0]?.event)).toEqual([]);
  });

  it('a record without Sns, or with an unknown Type, is rejected by MessageId', () => {
    const good = raw.Records[0] ?? {};
    const odd = { ...good, Sns: { ...(good.Sns as object), MessageId: 'm-2', Type: 'Surprise' } };
    const batch = sns.normalize({ Records: [good, { EventSource: 'aws:sns' }, odd] }, {});
    expect(batch.items).toHaveLength(1);
    expect(batch.rejected?.map((r) => [r.index, r.ref, r.error.path])).toEqual([
      [1, 'Records[1]', 'Records[1]'],
      [2, 'm-2', 'Records[2].Sns'],
    ]);
    expect(batch.rejected?.[1]?.error.message).toContain('is not an SNS notification (Type "Surprise"');
  });
});

describe('SNS HTTP subscription: snsHttpMessage', () => {
  it('a Notification yields its events, mapped like the Lambda path, with the subscription from the header', () => {
    const { headers, body } = fixture<HttpFixture>('sns/http-notification.json');
    const result = snsHttpMessage(body, headers);
    expect(result.kind).toBe('notification');
    if (result.kind !== 'notification') return;
    expect(result.message.MessageId).toBe('a1b2c3d4-0004-5e6f-8a9b-0c1d2e3f4a5b');
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({
      id: 'a1b2c3d4-0004-5e6f-8a9b-0c1d2e3f4a5b',
      source: 'arn:aws:sns:eu-west-1:210987654321:shop-alerts',
      type: SNS_NOTIFICATION_TYPE,
      subject: 'Low stock',
      data: { sku: 'lamp', left: 2, warehouse: 'berlin' },
      snssubscriptionarn: headers['x-amz-sns-subscription-arn'],
    });
  });

  it('header names are matched in any case', () => {
    const { headers, body } = fixture<HttpFixture>('sns/http-notification.json');
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(snsHttpMessage(body, upper).kind).toBe('notification');
  });

  it('a SubscriptionConfirmation is a control message carrying the SubscribeURL; no event', () => {
    const { headers, body } = fixture<HttpFixture>('sns/http-subscription-confirmation.json');
    const result = snsHttpMessage(body, headers);
    expect(result).toMatchObject({
      kind: 'subscription-confirmation',
      topicArn: 'arn:aws:sns:eu-west-1:210987654321:shop-alerts',
    });
    expect(result.kind === 'subscription-confirmation' && result.subscribeUrl).toMatch(
      /^https:\/\/sns\.eu-west-1\.amazonaws\.com\/\?Action=ConfirmSubscription&/,
    );
    expect(result).not.toHaveProperty('events');
  });

  it('an UnsubscribeConfirmation is a control message', () => {
    const { headers, body } = fixture<HttpFixture>('sns/http-subscription-confirmation.json');
    const message = { ...JSON.parse(body), Type: 'UnsubscribeConfirmation' };
    const result = snsHttpMessage(JSON.stringify(message), {
      ...headers,
      'x-amz-sns-message-type': 'UnsubscribeConfirmation',
    });
    expect(result.kind).toBe('unsubscribe-confirmation');
  });

  it.each([
    ['not JSON', 'hello', {}, 'is not an SNS message (got "hello")'],
    ['a JSON object without SNS fields', '{"a":1}', {}, 'is not an SNS message (got keys a)'],
    [
      'a header that contradicts the body',
      null,
      { 'x-amz-sns-message-type': 'SubscriptionConfirmation' },
      'header says "SubscriptionConfirmation" but the body\'s Type is "Notification"',
    ],
    ['a bad Timestamp', 'bad-time', {}, '`time` must be an RFC 3339 timestamp'],
  ])('%s → E_SOURCE_INVALID with status 400', (_, body, headers, message) => {
    const notification = fixture<HttpFixture>('sns/http-notification.json');
    const text =
      body === null
        ? notification.body
        : body === 'bad-time'
          ? JSON.stringify({ ...JSON.parse(notification.body), Timestamp: 'noon' })
          : body;
    const error = thrown(() => snsHttpMessage(text, headers));
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.details).toEqual({ status: 400 });
    expect(error.message).toContain(message);
  });
});
