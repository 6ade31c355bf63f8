import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { sourceOf, toCloudEvents } from '../index.js';
import type { Batch } from '../types.js';
import { unwrapEnvelope } from './unwrap.js';

type RawBatch = { Records: Array<Record<string, unknown>> };
const sns = sourceOf('aws:sns');
const sqs = sourceOf('aws:sqs');

const valid = (batch: Batch) => {
  for (const item of batch.items) expect(cloudEventProblems(item.event)).toEqual([]);
  return batch;
};

describe('SQS body → SNS notification', () => {
  const { items } = valid(sqs.normalize(fixture('sqs/sns-notification.json'), {}));

  it('the SNS mapping wins: id = MessageId, source = TopicArn, subject, time = Timestamp, Message as data', () => {
    expect(items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'b2c3d4e5-0001-5f6a-9b0c-1d2e3f4a5b6c',
      source: 'arn:aws:sns:eu-west-1:210987654321:shop-alerts',
      type: 'com.amazonaws.sns.Notification',
      subject: 'Low stock',
      time: '2025-11-23T12:50:01.120Z',
      datacontenttype: 'application/json',
      data: { sku: 'lamp', left: 2 },
      snsattrseverity: 'warning',
      sqsmessageid: '5c1d2e3f-0001-4a5b-8c6d-7e8f9a0b1c2d',
      deliverycount: 1,
      awsvia: 'sqs',
    });
  });

  it('ref stays the outer SQS messageId; a text Message stays text/plain', () => {
    expect(items.map((item) => item.ref)).toEqual([
      '5c1d2e3f-0001-4a5b-8c6d-7e8f9a0b1c2d',
      '5c1d2e3f-0002-4a5b-8c6d-7e8f9a0b1c2d',
    ]);
    expect(items[1]?.event).toMatchObject({
      datacontenttype: 'text/plain',
      data: 'berlin warehouse back online',
    });
  });
});

describe('SQS body → SNS notification → S3 notification', () => {
  const batch = valid(sqs.normalize(fixture('sqs/s3-via-sns.json'), {}));

  it('the S3 mapping wins, awsvia records the path, both carriers keep their message ids', () => {
    expect(batch.items).toHaveLength(1);
    const [item] = batch.items;
    expect(item?.ref).toBe('5c1d2e3f-0003-4a5b-8c6d-7e8f9a0b1c2d');
    expect(item?.event).toMatchObject({
      id: 'P9ZK3M1QX7TW2R5B.vZ3b8t9kQm1Yc5uN0pLh2r7aXw4fE6gJ/iO1sD3kU5yT7bV9nM2qZ4xC6wR8eA0=.0055AED6DCD90281F0',
      source: 'aws:s3.eu-west-1.shop-invoices',
      type: 'com.amazonaws.s3.ObjectCreated:Put',
      subject: 'invoices/2025/inv 1001.pdf',
      time: '2025-11-23T12:50:00.512Z',
      awsvia: 'sqs,sns',
      sqsmessageid: '5c1d2e3f-0003-4a5b-8c6d-7e8f9a0b1c2d',
      snsmessageid: 'b2c3d4e5-0003-5f6a-9b0c-1d2e3f4a5b6c',
      deliverycount: 2,
    });
  });

  it('an S3 test event inside SNS inside SQS is acknowledged: no item, no rejection', () => {
    expect(batch.rejected).toBeUndefined();
    expect(batch.items.map((item) => item.ref)).not.toContain('5c1d2e3f-0004-4a5b-8c6d-7e8f9a0b1c2d');
  });
});

describe('SQS body → S3 notification, S3 test event, EventBridge event', () => {
  it('the test event yields no item; the S3 record is decoded like a direct notification', () => {
    const { items, rejected } = valid(sqs.normalize(fixture('sqs/s3-notification.json'), {}));
    expect(rejected).toBeUndefined();
    expect(items.map((item) => [item.ref, item.event.subject, item.event.awsvia])).toEqual([
      ['5c1d2e3f-0006-4a5b-8c6d-7e8f9a0b1c2d', 'invoices/2025/red flower (1).pdf', 'sqs'],
    ]);
  });

  it('a batch made only of control messages is an empty batch: success without a handler run', () => {
    const raw = fixture<RawBatch>('sqs/s3-notification.json');
    const { items, rejected } = sqs.normalize({ Records: raw.Records.slice(0, 1) }, {});
    expect([items, rejected]).toEqual([[], undefined]);
  });

  it('EventBridge events keep their mapping (S3 ones the S3 mapping) and gain awsvia', () => {
    const { items } = valid(sqs.normalize(fixture('sqs/eventbridge-body.json'), {}));
    expect(items.map((item) => [item.event.id, item.event.type, item.event.awsvia])).toEqual([
      ['3f1c2a4b-5d6e-7f80-91a2-b3c4d5e6f709', 'Order Placed', 'sqs'],
      ['17793124-05d4-b198-2fde-7ededc63b103', 'com.amazonaws.s3.ObjectCreated:Put', 'sqs,eventbridge'],
    ]);
  });
});

describe('SNS (Lambda) → S3 notification', () => {
  it('unwraps the S3 event; ref is the SNS MessageId; the subscription is kept', () => {
    const { items } = valid(sns.normalize(fixture('sns/s3-notification.json'), {}));
    expect(items).toHaveLength(1);
    expect(items[0]?.ref).toBe('a1b2c3d4-0001-5e6f-8a9b-0c1d2e3f4a5b');
    expect(items[0]?.event).toMatchObject({
      type: 'com.amazonaws.s3.ObjectCreated:Put',
      awsvia: 'sns',
      snsmessageid: 'a1b2c3d4-0001-5e6f-8a9b-0c1d2e3f4a5b',
      snssubscriptionarn:
        'arn:aws:sns:eu-west-1:210987654321:invoice-uploads:6c0e2f7a-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
    });
  });
});

describe('unwrapEnvelope', () => {
  it('plain data is not an envelope', () => {
    for (const value of [{ orderId: 1 }, 'text', [1, 2], null, { Type: 'Notification' }]) {
      expect(unwrapEnvelope(value, 'body')).toBeUndefined();
    }
  });

  it('SNS confirmations are control messages', () => {
    const confirmation = {
      Type: 'SubscriptionConfirmation',
      MessageId: 'm-1',
      TopicArn: 'arn:aws:sns:eu-west-1:1:t',
      Message: 'confirm',
    };
    expect(unwrapEnvelope(confirmation, 'body')).toEqual({ control: 'sns:SubscriptionConfirmation' });
  });

  it('nesting deeper than the limit is delivered as data, not recursed into forever', () => {
    let body: unknown = { orderId: 'ord-1' };
    for (let i = 0; i < 8; i++) {
      body = {
        Type: 'Notification',
        MessageId: `m-${i}`,
        TopicArn: 'arn:aws:sns:eu-west-1:1:t',
        Message: JSON.stringify(body),
      };
    }
    const record = {
      ...fixture<RawBatch>('sqs/sns-notification.json').Records[0],
      body: JSON.stringify(body),
    };
    const { items } = valid(toCloudEvents({ Records: [record] }));
    expect(items[0]?.event.type).toBe('com.amazonaws.sns.Notification');
  });
});
