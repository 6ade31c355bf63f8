import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { sourceOf } from '../index.js';
import type { Batch } from '../types.js';
import { SQS_MESSAGE_TYPE } from './sqs.js';
import { traceparentFromXray } from './xray.js';

const sqs = sourceOf('aws:sqs');

interface Fixture {
  Records: Array<Record<string, unknown> & { attributes: Record<string, string>; body: string }>;
}

const FIXTURES = [
  'orders-batch.json',
  'fifo-batch.json',
  'text-bodies.json',
  'cloudevent-body.json',
  'sns-notification.json',
  's3-via-sns.json',
  's3-notification.json',
  'eventbridge-body.json',
  'trace-and-attributes.json',
  'malformed-records.json',
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const normalize = (raw: unknown): Batch => sqs.normalize(raw, {});

describe('SQS: standard queue', () => {
  const raw = fixture<Fixture>('sqs/orders-batch.json');
  const { source, items } = normalize(raw);

  it('detects the batch and keeps one item per record, ref = messageId', () => {
    expect(sqs.detect(raw)).toBe(true);
    expect(source).toBe('aws:sqs');
    expect(items.map((item) => item.ref)).toEqual(raw.Records.map((record) => record.messageId));
  });

  it('maps a record: id = messageId, source = queue ARN, type, time from SentTimestamp, JSON data', () => {
    expect(items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: '7d3f2c1a-5b6e-4f8d-9a0b-1c2d3e4f5a6b',
      source: 'arn:aws:sqs:eu-west-1:210987654321:shop-orders',
      type: SQS_MESSAGE_TYPE,
      time: '2025-11-23T12:13:20.123Z',
      datacontenttype: 'application/json',
      awsregion: 'eu-west-1',
      deliverycount: 1,
      sqsattrorigin: 'web',
      data: { orderId: 'ord-1001', total: 129.9, currency: 'EUR', items: [{ sku: 'mug-blue', quantity: 2 }] },
    });
    expect(items[2]?.event.deliverycount).toBe(3);
  });

  it('time is SentTimestamp (epoch ms) as RFC 3339, for every record', () => {
    for (const [i, record] of raw.Records.entries()) {
      expect(Date.parse(String(items[i]?.event.time))).toBe(Number(record.attributes.SentTimestamp));
    }
  });
});

describe('SQS: bodies that are not JSON', () => {
  const { items } = normalize(fixture('sqs/text-bodies.json'));

  it('keeps text (and broken or scalar JSON) as text/plain strings', () => {
    expect(items.map((item) => [item.event.datacontenttype, item.event.data])).toEqual([
      ['text/plain', 'order ord-1001 shipped via DHL'],
      ['text/plain', 'sku,qty\nlamp,1\nmug-blue,2\n'],
      ['text/plain', '{"orderId": "ord-1003", "total": '],
      ['text/plain', '42'],
    ]);
  });
});

describe('SQS: FIFO queue', () => {
  const { items } = normalize(fixture('sqs/fifo-batch.json'));

  it('is an ordered batch (stop at the first failure); a standard queue is not', () => {
    expect(normalize(fixture('sqs/fifo-batch.json')).ordered).toBe(true);
    expect(normalize(fixture('sqs/orders-batch.json')).ordered).toBeUndefined();
  });

  it('MessageGroupId → partitionkey, SequenceNumber zero-padded to 39 digits → sequence', () => {
    expect(items[0]?.event).toMatchObject({
      partitionkey: 'customer-77',
      sequence: '000000000000000000018878027350649327616',
    });
    expect(items.map((item) => String(item.event.sequence).length)).toEqual([39, 39]);
  });

  it('sequence orders lexicographically the way the numbers do', () => {
    const short = normalize({
      Records: [
        { ...fixture<Fixture>('sqs/fifo-batch.json').Records[0], attributes: { SequenceNumber: '9' } },
      ],
    });
    const sequences = [items[0]?.event.sequence, short.items[0]?.event.sequence].map(String);
    expect([...sequences].sort()).toEqual([sequences[1], sequences[0]]);
  });
});

describe('SQS: a body that is a structured CloudEvent', () => {
  const raw = fixture<Fixture>('sqs/cloudevent-body.json');
  const [item] = normalize(raw).items;

  it('passes through: the inner event wins, the SQS messageId is kept as sqsmessageid and as ref', () => {
    expect(item?.event).toStrictEqual({
      ...JSON.parse(raw.Records[0]?.body ?? ''),
      sqsmessageid: '9c8b7a6d-0001-4e5f-9a0b-1c2d3e4f5a6b',
      awsvia: 'sqs',
      deliverycount: 1,
    });
    expect(item?.event.id).toBe('b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4');
    expect(item?.ref).toBe('9c8b7a6d-0001-4e5f-9a0b-1c2d3e4f5a6b');
  });

  it('an inner event that is not a valid CloudEvent rejects that record, naming it', () => {
    const broken = structuredClone(raw);
    const record = broken.Records[0];
    if (record === undefined) throw new Error('fixture has no record');
    record.body = JSON.stringify({ specversion: '1.0', id: 'x', type: 't' });
    const batch = normalize(broken);
    expect(batch.items).toEqual([]);
    expect(batch.rejected?.map((r) => [r.ref, r.index, r.error.code])).toEqual([
      ['9c8b7a6d-0001-4e5f-9a0b-1c2d3e4f5a6b', 0, 'E_SOURCE_INVALID'],
    ]);
    expect(batch.rejected?.[0]?.error.message).toMatch(/Records\[0\]\.body .*`source` is required/);
  });

  it.each([
    ['a `specversion` field of its own', { specversion: 'v2', order: 1 }],
    [
      '`version`, `detail-type` and `detail` without an id or source',
      { version: '0', 'detail-type': 'mine', detail: {} },
    ],
  ])('a body with %s is data, not a broken envelope', (_, body) => {
    const plain = structuredClone(raw);
    const record = plain.Records[0];
    if (record === undefined) throw new Error('fixture has no record');
    record.body = JSON.stringify(body);
    const batch = normalize(plain);
    expect(batch.rejected).toBeUndefined();
    expect(batch.items[0]?.event).toMatchObject({ type: 'com.amazonaws.sqs.message', data: body });
  });
});

describe('SQS: purity and validity', () => {
  it.each(FIXTURES)('%s: the same input twice gives identical events; the input is never mutated', (name) => {
    const raw = deepFreeze(fixture(`sqs/${name}`));
    const first = normalize(raw);
    expect(normalize(raw)).toStrictEqual(first);
    expect(raw).toStrictEqual(fixture(`sqs/${name}`));
  });

  it.each(FIXTURES)('%s: every event is a valid, frozen CloudEvent', (name) => {
    for (const item of normalize(fixture(`sqs/${name}`)).items) {
      expect(cloudEventProblems(item.event)).toEqual([]);
      expect(Object.isFrozen(item.event)).toBe(true);
      expect(Object.values(item.event)).not.toContain(undefined);
    }
  });

  it('leaves time unset when SentTimestamp is missing or out of range, instead of throwing', () => {
    const raw = fixture<Fixture>('sqs/orders-batch.json');
    const [a, b] = raw.Records;
    if (a === undefined || b === undefined) throw new Error('fixture has too few records');
    delete a.attributes.SentTimestamp;
    b.attributes.SentTimestamp = '99999999999999999999';
    const { items } = normalize({ Records: [a, b] });
    expect(items.map((item) => 'time' in item.event)).toEqual([false, false]);
  });
});

describe('SQS: malformed records are rejected, the rest of the batch still runs', () => {
  it.each([
    ['null record', null, 'got null', 'Records[1]'],
    [
      'no body',
      { messageId: 'm-1', eventSourceARN: 'arn:aws:sqs:eu-west-1:1:q' },
      'got keys messageId, eventSourceARN',
      'm-1',
    ],
    [
      'no messageId',
      { body: 'x', eventSourceARN: 'arn:aws:sqs:eu-west-1:1:q' },
      'got keys body, eventSourceARN',
      'Records[1]',
    ],
    ['no eventSourceARN', { messageId: 'm-1', body: 'x' }, 'got keys messageId, body', 'm-1'],
  ])('%s → E_SOURCE_INVALID naming Records[1]', (_, record, seen, ref) => {
    const raw = { Records: [fixture<Fixture>('sqs/orders-batch.json').Records[0], record] };
    const batch = normalize(raw);
    expect(batch.items.map((item) => item.ref)).toEqual(['7d3f2c1a-5b6e-4f8d-9a0b-1c2d3e4f5a6b']);
    const [rejected] = batch.rejected ?? [];
    expect(rejected?.ref).toBe(ref);
    expect(rejected?.index).toBe(1);
    expect(rejected?.error.code).toBe('E_SOURCE_INVALID');
    expect(rejected?.error.path).toBe('Records[1]');
    expect(rejected?.error.message).toContain(`Records[1] is not an SQS message (${seen})`);
  });

  it('a mixed batch: rejected records keep their positions among the items', () => {
    const batch = normalize(fixture('sqs/malformed-records.json'));
    expect(batch.items.map((item) => item.ref)).toEqual([
      '5c1d2e3f-0011-4a5b-8c6d-7e8f9a0b1c2d',
      '5c1d2e3f-0015-4a5b-8c6d-7e8f9a0b1c2d',
    ]);
    expect(batch.rejected?.map((r) => [r.index, r.ref, r.error.path])).toEqual([
      [1, 'Records[1]', 'Records[1]'],
      [2, '5c1d2e3f-0013-4a5b-8c6d-7e8f9a0b1c2d', 'Records[2]'],
      [3, '5c1d2e3f-0014-4a5b-8c6d-7e8f9a0b1c2d', 'Records[3]'],
    ]);
    expect(batch.rejected?.[2]?.error.message).toBe(
      'Records[3].body is not a valid CloudEvent 1.0: `type` is required.',
    );
  });
});

describe('SQS: message attributes and X-Ray trace header', () => {
  const [traced, untraced] = normalize(fixture('sqs/trace-and-attributes.json')).items;

  it('message attributes become sqsattr<name> extensions; names past 20 characters are left out', () => {
    expect(traced?.event).toMatchObject({
      sqsattrtenant: 'acme',
      sqsattrcontenttype: 'application/json',
      sqsattrchecksum: 'q83vASNFZ4k=',
    });
    expect(Object.keys(traced?.event ?? {}).filter((name) => name.startsWith('sqsattr'))).toHaveLength(3);
  });

  it('AWSTraceHeader becomes a W3C traceparent; without a Parent there is none', () => {
    expect(traced?.event.traceparent).toBe('00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01');
    expect(untraced?.event).not.toHaveProperty('traceparent');
  });

  it.each([
    ['Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0', '-00'],
    ['Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793', '-00'],
    ['Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:0', '-01'],
  ])('%s', (header, flags) => {
    expect(traceparentFromXray(header)).toBe(`00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8${flags}`);
  });

  it.each([
    'Root=1-5759e988-bd862e3fe1be46a994272793',
    'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000',
    'Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8',
    'garbage',
  ])('no traceparent from %s', (header) => {
    expect(traceparentFromXray(header)).toBeUndefined();
  });
});
