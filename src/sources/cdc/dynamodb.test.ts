import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { sourceOf } from '../index.js';
import { dynamoDbChangeToEvent, isDynamoDbChange } from './dynamodb.js';
import { dynamoDbNumber, unmarshalImage } from './dynamodb-attributes.js';

const dynamoDbStreams = sourceOf('aws:dynamodb');

type Json = Record<string, unknown>;
interface Fixture {
  Records: Array<Json & { dynamodb: Json }>;
}

const normalize = (raw: unknown) => dynamoDbStreams.normalize(raw, {});

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('DynamoDB Streams: a batch of INSERT, MODIFY and a TTL REMOVE', () => {
  const raw = fixture<Fixture>('dynamodb/orders-stream.json');
  const batch = normalize(raw);

  it('is an ordered stream batch answered by checkpoint; ref = dynamodb.SequenceNumber', () => {
    expect(dynamoDbStreams.detect(raw)).toBe(true);
    expect(batch).toMatchObject({ source: 'aws:dynamodb', reply: 'stream-checkpoint', ordered: true });
    expect(batch.items.map((item) => item.ref)).toEqual(raw.Records.map((r) => r.dynamodb.SequenceNumber));
    expect(batch.rejected).toBeUndefined();
  });

  it('maps the envelope: id = eventID, source = table ARN, op type, key subject, time, sequence', () => {
    const event = batch.items[0]?.event;
    expect(event).toMatchObject({
      specversion: '1.0',
      id: 'c4ca4238a0b923820dcc509a6f75849b',
      source: 'arn:aws:dynamodb:eu-west-1:210987654321:table/orders',
      type: 'com.amazonaws.dynamodb.insert',
      subject: 'pk=CUSTOMER#77,sk=ORDER#ord-1001',
      time: '2025-11-23T12:13:20.000Z',
      datacontenttype: 'application/json',
      awsregion: 'eu-west-1',
      sequence: '0000000000004421584500000000017450439091',
    });
    expect(batch.items.map((item) => item.event.type)).toEqual([
      'com.amazonaws.dynamodb.insert',
      'com.amazonaws.dynamodb.modify',
      'com.amazonaws.dynamodb.remove',
    ]);
  });

  it('unmarshals every attribute type to JSON-safe values without rounding numbers', () => {
    expect(batch.items[0]?.event.data).toStrictEqual({
      op: 'c',
      keys: { pk: 'CUSTOMER#77', sk: 'ORDER#ord-1001' },
      before: null,
      after: {
        pk: 'CUSTOMER#77',
        sk: 'ORDER#ord-1001',
        total: 129.9,
        quantity: 3,
        ledgerId: '9007199254740993',
        exactAmount: '12345678901234567890.123456789',
        scale: 100,
        paid: true,
        note: null,
        receipt: 'UERGLTEuNwo=',
        tags: ['gift', 'express'],
        lineNumbers: [1, 2, '18446744073709551617'],
        thumbnails: ['iVBORw0KGgo=', 'R0lGODlh'],
        shipping: { city: 'Lisbon', zip: '1100-148', coordinates: [38.7223, -9.1393] },
        items: [
          { sku: 'mug-blue', qty: 2 },
          { sku: 'lamp', qty: 1 },
        ],
      },
      streamViewType: 'NEW_AND_OLD_IMAGES',
    });
    // JSON round trip is lossless: nothing is a BigInt, a Set or bytes.
    const data = batch.items[0]?.event.data;
    expect(JSON.parse(JSON.stringify(data))).toStrictEqual(data);
  });

  it('MODIFY has before and after; REMOVE has before only', () => {
    expect(batch.items[1]?.event.data).toMatchObject({
      op: 'u',
      before: { status: 'placed' },
      after: { status: 'shipped' },
    });
    expect(batch.items[2]?.event.data).toMatchObject({
      op: 'd',
      after: null,
      before: { expiresAt: 1763903590 },
    });
  });

  it('a delete made by Time to Live carries ttlexpired; others do not', () => {
    expect(batch.items.map((item) => item.event.ttlexpired)).toEqual([undefined, undefined, true]);
  });
});

describe('DynamoDB Streams: KEYS_ONLY view', () => {
  const { items } = normalize(fixture('dynamodb/keys-only.json'));

  it('has keys but no images, and a fractional ApproximateCreationDateTime becomes milliseconds', () => {
    expect(items[0]?.event).toMatchObject({
      subject: 'accountId=42',
      time: '2025-11-23T15:00:00.500Z',
      sequence: '0000000000000000000800000000000000000001',
      data: { op: 'u', keys: { accountId: 42 }, before: null, after: null, streamViewType: 'KEYS_ONLY' },
    });
  });
});

describe('DynamoDB changes through Kinesis: dynamoDbChangeToEvent', () => {
  const change = fixture('dynamodb/kinesis-change.json');

  it('reads the Kinesis shape: milliseconds, table ARN from the delivering stream ARN', () => {
    expect(isDynamoDbChange(change)).toBe(true);
    const event = dynamoDbChangeToEvent(change, {
      where: 'Records[0].kinesis.data',
      streamArn: 'arn:aws:kinesis:eu-west-1:210987654321:stream/orders-cdc',
    });
    expect(event).toMatchObject({
      id: '5f0c7a1e-6b1d-4c77-9f49-1f5b0b4f2e11',
      source: 'arn:aws:dynamodb:eu-west-1:210987654321:table/orders',
      type: 'com.amazonaws.dynamodb.insert',
      time: '2025-11-23T12:13:20.123Z',
      data: { op: 'c', after: { total: 15 } },
    });
    expect(event.sequence).toBeUndefined();
    expect(cloudEventProblems(event)).toEqual([]);
  });

  it('without the stream ARN, the table name is the source', () => {
    expect(dynamoDbChangeToEvent(change, { where: 'x' }).source).toBe('orders');
  });

  it('names the record when it cannot be read', () => {
    const error = thrown(() =>
      dynamoDbChangeToEvent({ ...change, eventName: 'UPSERT' }, { where: 'Records[3].kinesis.data' }),
    );
    expect(error).toMatchObject({ code: 'E_SOURCE_INVALID', path: 'Records[3].kinesis.data' });
    expect(error.message).toContain('INSERT, MODIFY or REMOVE');
  });
});

describe('DynamoDB numbers', () => {
  it.each([
    ['0', 0],
    ['-0', 0],
    ['101', 101],
    ['0.1', 0.1],
    ['-12.50', -12.5],
    ['1E+2', 100],
    ['1.5e-7', 1.5e-7],
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', '9007199254740993'],
    ['123456789012345678901234567890', '123456789012345678901234567890'],
    ['3.14159265358979323846', '3.14159265358979323846'],
    ['1E+400', '1E+400'],
    ['0.30000000000000004', 0.30000000000000004],
  ])('%s → %j', (decimal, expected) => {
    expect(dynamoDbNumber(decimal)).toBe(expected);
  });

  it('a value that is not a decimal is an error naming the attribute', () => {
    const error = thrown(() => unmarshalImage({ price: { N: '12,5' } }, 'NewImage'));
    expect(error).toMatchObject({ code: 'E_SOURCE_INVALID', path: 'NewImage.price.N' });
  });
});

describe('DynamoDB Streams: malformed records are rejected, the rest of the batch still runs', () => {
  it.each([
    ['a null record', null, 'Records[1] is not a DynamoDB change record (got null)'],
    [
      'an unknown attribute type',
      { NewImage: { x: { Q: '1' } } },
      'Records[1].dynamodb.NewImage.x is not a DynamoDB attribute value',
    ],
    ['two type descriptors', { NewImage: { x: { S: 'a', N: '1' } } }, 'needs exactly one of'],
    [
      'a NS entry that is not a string',
      { NewImage: { x: { NS: [1] } } },
      'Records[1].dynamodb.NewImage.x.NS must be a list of strings',
    ],
    ['no SequenceNumber', { SequenceNumber: undefined }, 'Records[1] needs `dynamodb.SequenceNumber`'],
  ])('%s', (_, change, message) => {
    const raw = fixture<Fixture>('dynamodb/orders-stream.json');
    const second = raw.Records[1] as Fixture['Records'][number];
    const broken =
      change === null ? null : { ...second, dynamodb: { ...second.dynamodb, ...(change as Json) } };
    const batch = normalize({ Records: [raw.Records[0], broken, raw.Records[2]] });
    expect(batch.items.map((item) => item.ref)).toEqual([
      '4421584500000000017450439091',
      '4421584700000000017450440001',
    ]);
    expect(batch.rejected).toHaveLength(1);
    const rejected = batch.rejected?.[0];
    expect(rejected).toMatchObject({ index: 1, error: { code: 'E_SOURCE_INVALID' } });
    expect(rejected?.error.message).toContain(message);
  });

  it('a rejected record keeps its SequenceNumber as ref, so the checkpoint lands on it', () => {
    const raw = fixture<Fixture>('dynamodb/orders-stream.json');
    const second = raw.Records[1] as Fixture['Records'][number];
    second.eventName = 'UPSERT';
    expect(normalize(raw).rejected?.[0]?.ref).toBe('4421584600000000017450439172');
  });
});
