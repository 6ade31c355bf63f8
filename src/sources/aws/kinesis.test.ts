import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { sourceOf, toCloudEvents } from '../index.js';
import type { Batch } from '../types.js';
import { KINESIS_RECORD_TYPE, MAX_GUNZIPPED_BYTES } from './kinesis.js';

const kinesis = sourceOf('aws:kinesis');

interface KinesisFixture {
  Records: Array<Record<string, unknown> & { kinesis: Record<string, unknown> }>;
}

const normalize = (raw: unknown): Batch => {
  const batch = kinesis.normalize(raw, {});
  for (const item of batch.items) expect(cloudEventProblems(item.event)).toEqual([]);
  return batch;
};

/** The fixture's first record with other data bytes. */
function withData(bytes: Uint8Array): KinesisFixture {
  const raw = fixture<KinesisFixture>('kinesis/mixed-data.json');
  const [first] = raw.Records;
  if (first === undefined) throw new Error('fixture has no record');
  return {
    Records: [{ ...first, kinesis: { ...first.kinesis, data: Buffer.from(bytes).toString('base64') } }],
  };
}

describe('Kinesis: JSON, text and binary data', () => {
  const raw = fixture<KinesisFixture>('kinesis/mixed-data.json');
  const batch = normalize(raw);

  it('is an ordered stream-checkpoint batch; ref = sequenceNumber', () => {
    expect(toCloudEvents(raw).source).toBe('aws:kinesis');
    expect(batch).toMatchObject({ reply: 'stream-checkpoint', ordered: true });
    expect(batch.items.map((item) => item.ref)).toEqual(raw.Records.map((r) => r.kinesis.sequenceNumber));
  });

  it('maps id = eventID, source = stream ARN, subject = partitionKey, time from seconds, extensions', () => {
    expect(batch.items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'shardId-000000000003:49657828409187701520019995242508390119953358325192589314',
      source: 'arn:aws:kinesis:eu-west-1:210987654321:stream/shop-clickstream',
      type: KINESIS_RECORD_TYPE,
      subject: 'customer-77',
      time: '2025-11-23T12:55:00.125Z',
      datacontenttype: 'application/json',
      data: { page: '/cart', customerId: 'customer-77' },
      awsregion: 'eu-west-1',
      partitionkey: 'customer-77',
      sequence: '49657828409187701520019995242508390119953358325192589314'.padStart(129, '0'),
      shardid: 'shardId-000000000003',
    });
  });

  it('text stays text/plain; non-UTF-8 bytes go to data_base64', () => {
    expect(batch.items[1]?.event).toMatchObject({
      datacontenttype: 'text/plain',
      data: 'GET /checkout 200 83ms',
    });
    expect(batch.items[2]?.event).toMatchObject({
      datacontenttype: 'application/octet-stream',
      data_base64: 'AAH//olQTkc=',
    });
    expect(batch.items[2]?.event).not.toHaveProperty('data');
  });

  it('sequence orders lexicographically like the numbers', () => {
    const short = normalize({
      Records: [{ ...raw.Records[0], kinesis: { ...raw.Records[0]?.kinesis, sequenceNumber: '9' } }],
    });
    const sequences = [String(batch.items[0]?.event.sequence), String(short.items[0]?.event.sequence)];
    expect([...sequences].sort()).toEqual([sequences[1], sequences[0]]);
  });
});

describe('Kinesis: gzip, CloudWatch Logs and DynamoDB payloads', () => {
  it('a CloudWatch Logs payload becomes its log lines (CloudWatch Logs mapping), all with the record as ref', () => {
    const { items, rejected } = normalize(fixture('kinesis/cloudwatch-logs-gzip.json'));
    expect(rejected).toBeUndefined();
    const ref = '49657828409187701520019995242508390119953358325192589401';
    expect(items.map((item) => [item.ref, item.event.id, item.event.type, item.event.data])).toEqual([
      [
        ref,
        '38234972932472931384761928374623849172398472938472934',
        'com.amazonaws.logs.log',
        'ERROR order ord-1001 failed: timeout',
      ],
      [
        ref,
        '38234972932472931384761928374623849172398472938472935',
        'com.amazonaws.logs.log',
        'ERROR order ord-1002 failed: card declined',
      ],
    ]);
    expect(items[0]?.event).toMatchObject({
      source: '/aws/lambda/orders-api',
      awsvia: 'kinesis',
      partitionkey: 'b21b84d653bb07b05b1e6b33684dc11c',
      shardid: 'shardId-000000000000',
    });
  });

  it('the CloudWatch Logs control message (first record) is acknowledged without an item', () => {
    const raw = fixture<KinesisFixture>('kinesis/cloudwatch-logs-gzip.json');
    expect(normalize({ Records: raw.Records.slice(0, 1) })).toMatchObject({ items: [] });
  });

  it('logEvents: per-batch gives one event per payload', () => {
    const batch = kinesis.normalize(fixture('kinesis/cloudwatch-logs-gzip.json'), { logEvents: 'per-batch' });
    expect(batch.items.map((item) => item.event.type)).toEqual(['com.amazonaws.logs.batch']);
  });

  it('a DynamoDB change record gets the DynamoDB Streams mapping; ref stays the Kinesis sequence number', () => {
    const change = {
      awsRegion: 'eu-west-1',
      eventID: 'd9428029-0f63-4056-86da-ce10d545b1b9',
      eventName: 'INSERT',
      userIdentity: null,
      recordFormat: 'application/json',
      tableName: 'orders',
      dynamodb: {
        ApproximateCreationDateTime: 1763902555370,
        Keys: { pk: { S: 'ord-1001' } },
        NewImage: { pk: { S: 'ord-1001' }, total: { N: '129.9' } },
        SizeBytes: 60,
      },
      eventSource: 'aws:dynamodb',
    };
    const { items } = normalize(withData(Buffer.from(JSON.stringify(change))));
    expect(items[0]?.ref).toBe('49657828409187701520019995242508390119953358325192589314');
    expect(items[0]?.event).toMatchObject({
      id: 'd9428029-0f63-4056-86da-ce10d545b1b9',
      source: 'arn:aws:dynamodb:eu-west-1:210987654321:table/orders',
      type: 'com.amazonaws.dynamodb.insert',
      data: { op: 'c', after: { pk: 'ord-1001', total: 129.9 } },
      awsvia: 'kinesis',
    });
  });

  it('gunzipped text stays text', () => {
    const [item] = normalize(withData(gzipSync('plain log line'))).items;
    expect(item?.event).toMatchObject({ datacontenttype: 'text/plain', data: 'plain log line' });
  });

  it('corrupt gzip, and gzip that expands past the cap, reject the record', () => {
    const corrupt = normalize(withData(Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3])));
    expect(corrupt.rejected?.[0]?.error.message).toContain('is gzip data that cannot be decompressed');
    const bomb = normalize(withData(gzipSync(Buffer.alloc(MAX_GUNZIPPED_BYTES + 1))));
    expect(bomb.items).toEqual([]);
    expect(bomb.rejected?.[0]).toMatchObject({
      ref: '49657828409187701520019995242508390119953358325192589314',
      index: 0,
    });
  });
});

describe('Kinesis: KPL aggregated records', () => {
  const batch = normalize(fixture('kinesis/kpl-aggregated.json'));

  it('one event per sub-record, sharing the outer sequence number as ref, with subsequence', () => {
    const outer = '49657828409187701520019995242508390119953358325192589500';
    expect(batch.items.slice(0, 3).map((item) => [item.ref, item.event.id, item.event.subsequence])).toEqual([
      [outer, `shardId-000000000001:${outer}/0`, 0],
      [outer, `shardId-000000000001:${outer}/1`, 1],
      [outer, `shardId-000000000001:${outer}/2`, 2],
    ]);
  });

  it('each sub-record has its own partition key and data', () => {
    expect(batch.items.slice(0, 3).map((item) => [item.event.partitionkey, item.event.data])).toEqual([
      ['device-1', { deviceId: 'device-1', temperature: 21.5 }],
      ['device-2', { deviceId: 'device-2', temperature: 19 }],
      ['device-1', 'device-1 heartbeat'],
    ]);
  });

  it('a record with the magic bytes but a wrong MD5 is not an aggregate: delivered as bytes', () => {
    expect(batch.items[3]?.event).toMatchObject({
      id: 'shardId-000000000001:49657828409187701520019995242508390119953358325192589501',
      datacontenttype: 'application/octet-stream',
    });
    expect(batch.items[3]?.event).not.toHaveProperty('subsequence');
  });

  it('a checksummed aggregate with malformed protobuf is rejected, naming the record', () => {
    const body = Uint8Array.from([0x1a, 0x05, 0x08, 0x00]); // field 3 claims 5 bytes, has 2
    const md5 = createHash('md5').update(body).digest();
    const bytes = Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), body, md5]);
    const { rejected } = normalize(withData(bytes));
    expect(rejected?.[0]?.error.message).toMatch(
      /^Records\[0\]\.kinesis\.data is a KPL aggregated record whose protobuf is malformed: a field runs past the end/,
    );
  });

  it('a sub-record pointing past the partition key table is rejected', () => {
    const body = Uint8Array.from([0x0a, 0x01, 0x6b, 0x1a, 0x05, 0x08, 0x03, 0x1a, 0x01, 0x78]);
    const md5 = createHash('md5').update(body).digest();
    const { rejected } = normalize(
      withData(Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), body, md5])),
    );
    expect(rejected?.[0]?.error.message).toContain('points at partition key 3 of 1');
  });
});

describe('Kinesis: malformed records', () => {
  it.each<[string, (record: Record<string, unknown>, kinesis: Record<string, unknown>) => void, string]>([
    ['no kinesis', (record) => delete record.kinesis, 'is not a Kinesis record'],
    [
      'data that is not base64',
      (_, kinesis) => (kinesis.data = '!!'),
      'Records[0].kinesis.data must be a base64 string',
    ],
    [
      'a sequence number that is not decimal',
      (_, kinesis) => (kinesis.sequenceNumber = 'abc'),
      'is not a Kinesis record',
    ],
  ])('%s → rejected', (_, change, message) => {
    const record = structuredClone(
      fixture<KinesisFixture>('kinesis/mixed-data.json').Records[0] ?? { kinesis: {} },
    );
    change(record, record.kinesis);
    const { items, rejected } = normalize({ Records: [record] });
    expect(items).toEqual([]);
    expect(rejected?.[0]?.error.message).toContain(message);
  });
});
