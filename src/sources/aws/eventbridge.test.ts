import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { sourceOf, toCloudEvents } from '../index.js';

const eventBridge = sourceOf('aws:eventbridge');

function rejection(raw: unknown): TriggerError {
  try {
    toCloudEvents(raw);
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('EventBridge', () => {
  it('detects the envelope: version "0", detail-type and detail', () => {
    const raw = fixture('eventbridge/order-placed.json');
    expect(eventBridge.detect(raw)).toBe(true);
    const { detail: _, ...noDetail } = raw;
    expect(eventBridge.detect(noDetail)).toBe(false);
    expect(eventBridge.detect({ ...raw, version: '1' })).toBe(false);
  });

  it('maps id, source, detail-type → type, time, first resource → subject, detail → data, region and account', () => {
    const batch = eventBridge.normalize(fixture('eventbridge/order-placed.json'), {});
    expect(batch.source).toBe('aws:eventbridge');
    expect(batch.items).toStrictEqual([
      {
        ref: '3f1c2a4b-5d6e-7f80-91a2-b3c4d5e6f708',
        event: {
          specversion: '1.0',
          id: '3f1c2a4b-5d6e-7f80-91a2-b3c4d5e6f708',
          source: 'com.shop.orders',
          type: 'Order Placed',
          time: '2025-11-23T12:40:00Z',
          subject: 'arn:aws:events:eu-west-1:210987654321:event-bus/shop',
          datacontenttype: 'application/json',
          data: { orderId: 'ord-4001', total: 310, currency: 'EUR', items: [{ sku: 'desk', quantity: 1 }] },
          awsregion: 'eu-west-1',
          awsaccount: '210987654321',
        },
      },
    ]);
  });

  it('maps a scheduled rule event: empty detail stays an empty object, the rule ARN is the subject', () => {
    const [item] = eventBridge.normalize(fixture('eventbridge/scheduled-event.json'), {}).items;
    expect(item?.event).toMatchObject({
      source: 'aws.events',
      type: 'Scheduled Event',
      subject: 'arn:aws:events:eu-west-1:210987654321:rule/nightly-reindex',
      data: {},
    });
  });

  it('leaves subject unset when there are no resources', () => {
    const [item] = eventBridge.normalize(
      { ...fixture('eventbridge/order-placed.json'), resources: [] },
      {},
    ).items;
    expect(item?.event).not.toHaveProperty('subject');
    expect(cloudEventProblems(item?.event)).toEqual([]);
  });

  it('returns frozen events, the same for the same input, without touching the input', () => {
    const raw = fixture('eventbridge/order-placed.json');
    const copy = structuredClone(raw);
    const first = eventBridge.normalize(raw, {});
    expect(Object.isFrozen(first.items[0]?.event)).toBe(true);
    expect(eventBridge.normalize(raw, {})).toStrictEqual(first);
    expect(raw).toStrictEqual(copy);
  });

  it.each([
    ['id', '`id` is required'],
    ['source', '`source` is required'],
  ])('an envelope without %s → E_SOURCE_INVALID naming it', (name, problem) => {
    const { [name]: _, ...raw } = fixture('eventbridge/order-placed.json');
    const error = rejection(raw);
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.message).toContain('EventBridge event is not a valid CloudEvent 1.0');
    expect(error.message).toContain(problem);
  });

  it('an envelope with a time that is not RFC 3339 → E_SOURCE_INVALID', () => {
    const error = rejection({
      ...fixture('eventbridge/order-placed.json'),
      time: '23/Nov/2025:12:40:00 +0000',
    });
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.message).toContain('`time` must be an RFC 3339 timestamp');
  });
});

describe('EventBridge: S3 events get the S3 notification mapping', () => {
  it('Object Created + PutObject → com.amazonaws.s3.ObjectCreated:Put, bucket source, key subject', () => {
    const [item] = eventBridge.normalize(fixture('eventbridge/s3-object-created.json'), {}).items;
    expect(item?.event).toStrictEqual({
      specversion: '1.0',
      id: '17793124-05d4-b198-2fde-7ededc63b103',
      source: 'aws:s3.eu-west-1.shop-invoices',
      type: 'com.amazonaws.s3.ObjectCreated:Put',
      subject: 'reports/2025 Q4.csv',
      time: '2025-11-23T12:55:00Z',
      datacontenttype: 'application/json',
      data: fixture('eventbridge/s3-object-created.json').detail,
      dataref: 's3://shop-invoices/reports/2025%20Q4.csv?versionId=IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
      awsregion: 'eu-west-1',
      awsaccount: '210987654321',
      awsvia: 'eventbridge',
      // `subject` is the key here, so the envelope's `resources` (the bucket) is kept for patterns.
      awsresources: '["arn:aws:s3:::shop-invoices"]',
    });
    expect(item?.ref).toBe('17793124-05d4-b198-2fde-7ededc63b103');
  });

  it('Object Deleted with a delete marker → ObjectRemoved:DeleteMarkerCreated', () => {
    const [item] = eventBridge.normalize(fixture('eventbridge/s3-delete-marker.json'), {}).items;
    expect(item?.event.type).toBe('com.amazonaws.s3.ObjectRemoved:DeleteMarkerCreated');
  });

  it.each([
    [
      'Object Deleted',
      { reason: 'Lifecycle Expiration', 'deletion-type': 'Permanently Deleted' },
      'LifecycleExpiration:Delete',
    ],
    ['Object Restore Completed', {}, 'ObjectRestore:Completed'],
    ['Object Created', { reason: 'CompleteMultipartUpload' }, 'ObjectCreated:CompleteMultipartUpload'],
    ['Object Locked', { reason: 'PutObjectRetention' }, 'ObjectLocked:PutObjectRetention'],
  ])('%s %j → com.amazonaws.s3.%s', (detailType, extra, name) => {
    const raw = fixture('eventbridge/s3-object-created.json');
    const detail = { ...(raw.detail as object), reason: undefined, ...extra };
    const [item] = eventBridge.normalize({ ...raw, 'detail-type': detailType, detail }, {}).items;
    expect(item?.event.type).toBe(`com.amazonaws.s3.${name}`);
  });

  it('an aws.s3 event without bucket or key keeps the generic mapping', () => {
    const raw = {
      ...fixture('eventbridge/s3-object-created.json'),
      'detail-type': 'Bucket Created',
      detail: { bucket: {} },
    };
    const [item] = eventBridge.normalize(raw, {}).items;
    expect(item?.event).toMatchObject({ source: 'aws.s3', type: 'Bucket Created' });
    expect(cloudEventProblems(item?.event)).toEqual([]);
  });

  it('a replayed event carries its replay name', () => {
    const [item] = eventBridge.normalize(
      { ...fixture('eventbridge/order-placed.json'), 'replay-name': 'nightly' },
      {},
    ).items;
    expect(item?.event.replayname).toBe('nightly');
  });
});
