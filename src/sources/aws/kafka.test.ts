import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { DEBEZIUM_TOMBSTONE_TYPE, debeziumToEvent } from '../cdc/debezium.js';
import { sourceOf, toCloudEvents } from '../index.js';
import type { Batch } from '../types.js';
import { KAFKA_RECORD_TYPE } from './kafka.js';

const kafka = sourceOf('aws:kafka');

interface KafkaFixture {
  eventSource: string;
  records: Record<string, Array<Record<string, unknown>>>;
  [key: string]: unknown;
}

const normalize = (raw: unknown): Batch => {
  const batch = kafka.normalize(raw, {});
  for (const item of batch.items) expect(cloudEventProblems(item.event)).toEqual([]);
  return batch;
};

/** Java's signed bytes, as the Lambda event carries header values. */
const javaBytes = (text: string) => [...Buffer.from(text)].map((b) => (b > 127 ? b - 256 : b));

describe('Kafka (MSK): plain records', () => {
  const raw = fixture<KafkaFixture>('kafka/msk-batch.json');
  const batch = normalize(raw);

  it('flattens records of every topic-partition; ordered; ref = <topic>-<partition>@<offset>', () => {
    expect(toCloudEvents(raw).source).toBe('aws:kafka');
    expect(batch).toMatchObject({ reply: 'kafka-item-failures', ordered: true });
    expect(batch.items.map((item) => item.ref)).toEqual(['orders-0@1041', 'orders-0@1042', 'orders-1@977']);
  });

  it('maps id, source = cluster ARN/topic, subject = key, time, data, and the Kafka extensions', () => {
    expect(batch.items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'orders-0-1041',
      source:
        'arn:aws:kafka:eu-west-1:210987654321:cluster/shop-cluster/5f2c1a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b-2/orders',
      type: KAFKA_RECORD_TYPE,
      subject: 'ord-1001',
      time: '2025-11-23T13:00:00.000Z',
      datacontenttype: 'application/json',
      data: { orderId: 'ord-1001', total: 129.9 },
      partitionkey: 'ord-1001',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      sequence: '0000000000000001041',
      kafkatopic: 'orders',
      kafkapartition: 0,
      kafkaheaders: JSON.stringify([
        ['origin', 'web'],
        ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
        ['customer', 'Zoë Brontë'],
      ]),
    });
  });

  it('header values are signed bytes decoded as UTF-8 (negative bytes included); repeated names are kept', () => {
    expect(javaBytes('Zoë')).toContain(-61);
    expect(JSON.parse(String(batch.items[0]?.event.kafkaheaders))[2]).toEqual(['customer', 'Zoë Brontë']);
    expect(JSON.parse(String(batch.items[2]?.event.kafkaheaders))).toEqual([
      ['origin', 'batch'],
      ['origin', 'retry'],
    ]);
  });

  it('a null value is a tombstone: no data, kafkatombstone, and no crash', () => {
    const event = batch.items[1]?.event;
    expect(event).toMatchObject({ id: 'orders-0-1042', partitionkey: 'ord-1002', kafkatombstone: true });
    expect(event).not.toHaveProperty('data');
    expect(event).not.toHaveProperty('datacontenttype');
  });

  it('a record without a key has no subject or partitionkey; a binary key goes to kafkakey', () => {
    expect(batch.items[2]?.event).not.toHaveProperty('subject');
    expect(batch.items[2]?.event).not.toHaveProperty('partitionkey');
    const record = {
      ...raw.records['orders-1']?.[0],
      key: Buffer.from([0, 159, 146, 150]).toString('base64'),
    };
    const [item] = normalize({ ...raw, records: { 'orders-1': [record] } }).items;
    expect(item?.event).toMatchObject({ kafkakey: 'AJ+Slg==' });
    expect(item?.event).not.toHaveProperty('partitionkey');
  });
});

describe('Kafka: record timestamps', () => {
  it('timestamp -1 (NO_TIMESTAMP_TYPE, a record from an old producer) gives no time, not 1969', () => {
    const raw = fixture<KafkaFixture>('kafka/msk-batch.json');
    const record = { ...raw.records['orders-1']?.[0], timestamp: -1, timestampType: 'NO_TIMESTAMP_TYPE' };
    const [item] = normalize({ ...raw, records: { 'orders-1': [record] } }).items;
    expect(item?.event).not.toHaveProperty('time');
    expect(item?.event).toMatchObject({ id: 'orders-1-977', data: 'ping from legacy producer' });
  });

  it('LOG_APPEND_TIME is read like CREATE_TIME', () => {
    const raw = fixture<KafkaFixture>('kafka/msk-batch.json');
    const record = { ...raw.records['orders-1']?.[0], timestampType: 'LOG_APPEND_TIME' };
    const [item] = normalize({ ...raw, records: { 'orders-1': [record] } }).items;
    expect(item?.event.time).toBe('2025-11-23T13:00:00.000Z');
  });
});

describe('Kafka (self-managed): the CloudEvents Kafka binding', () => {
  const raw = fixture<KafkaFixture>('kafka/self-managed-cloudevents.json');
  const batch = normalize(raw);

  it('binary mode: ce_ headers are the attributes, content-type the datacontenttype, the value the data', () => {
    expect(batch.items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'pay-501-captured',
      source: '/payments/psp',
      type: 'com.shop.payment.captured',
      time: '2025-11-23T12:59:59Z',
      datacontenttype: 'application/json',
      data: { paymentId: 'pay-501', amount: 129.9 },
      partitionkey: 'pay-501',
      sequence: '0000000000000000088',
      kafkatopic: 'payments',
      kafkapartition: 0,
    });
  });

  it('structured mode: the value is the event; the key still maps to partitionkey', () => {
    expect(batch.items[1]?.event).toMatchObject({
      id: 'pay-502-refunded',
      type: 'com.shop.payment.refunded',
      data: { paymentId: 'pay-502', amount: 15 },
      partitionkey: 'pay-502',
    });
  });

  it('a binary-mode tombstone is an event without data', () => {
    expect(batch.items[2]?.event).toMatchObject({ id: 'pay-503-deleted', type: 'com.shop.payment.deleted' });
    expect(batch.items[2]?.event).not.toHaveProperty('data');
  });

  it('refs keep the Kafka identity whatever the event id', () => {
    expect(batch.items.map((item) => item.ref)).toEqual(['payments-0@88', 'payments-0@89', 'payments-0@90']);
  });

  it('without an MSK ARN the source is kafka://<first bootstrap server>/<topic>', () => {
    const record = { ...raw.records['payments-0']?.[0], headers: [] };
    const [item] = normalize({ ...raw, records: { 'payments-0': [record] } }).items;
    expect(item?.event.source).toBe('kafka://kafka-1.shop.internal:9092/payments');
  });

  it.each(['ce_data', 'ce_data_base64', 'CE_DATA'])(
    'a binary-mode record with a %s header is rejected, as HTTP refuses ce-data (the value carries the data)',
    (header) => {
      const records = raw.records['payments-0'] ?? [];
      const tombstone = records[2] as { headers: unknown[] };
      const smuggled = { ...tombstone, headers: [...tombstone.headers, { [header]: javaBytes('hdr') }] };
      const result = normalize({ ...raw, records: { 'payments-0': [records[0], smuggled] } });
      expect(result.items.map((item) => item.ref)).toEqual(['payments-0@88']);
      expect(result.rejected).toHaveLength(1);
      const error = result.rejected?.[0]?.error;
      expect([result.rejected?.[0]?.ref, error?.code, error?.path]).toEqual([
        'payments-0@90',
        'E_SOURCE_INVALID',
        'records["payments-0"][1]',
      ]);
      expect(error?.message).toBe(
        `records["payments-0"][1] header ${header} must not be sent in binary mode; the record value ` +
          'carries the data — send the data as the value and drop the header.',
      );
    },
  );

  it('a binary-mode event missing ce_type is rejected, the rest still runs', () => {
    const records = raw.records['payments-0'] ?? [];
    const broken = {
      ...records[0],
      offset: 87,
      headers: [
        { ce_specversion: javaBytes('1.0') },
        { ce_id: javaBytes('x') },
        { ce_source: javaBytes('/s') },
      ],
    };
    const result = normalize({ ...raw, records: { 'payments-0': [broken, ...records] } });
    expect(result.items).toHaveLength(3);
    expect(result.rejected?.map((r) => [r.index, r.ref, r.error.path])).toEqual([
      [0, 'payments-0@87', 'records["payments-0"][0]'],
    ]);
    expect(result.rejected?.[0]?.error.message).toContain('`type` is required');
  });
});

describe('Kafka: Debezium change events (JsonConverter, schemas enabled)', () => {
  const raw = fixture<KafkaFixture>('kafka/msk-debezium.json');
  const records = raw.records['dbserver1.inventory.customers-0'] ?? [];
  const batch = normalize(raw);
  const decoded = (base64: unknown) => JSON.parse(Buffer.from(String(base64), 'base64').toString('utf8'));
  const sally = { id: 1001, first_name: 'Sally', last_name: 'Thomas', email: 'sally.thomas@acme.com' };

  it('a change event is what the debezium source makes of it, with the Kafka id and extensions', () => {
    const event = batch.items[0]?.event;
    expect(event).toStrictEqual({
      specversion: '1.0',
      id: 'dbserver1.inventory.customers-0-15',
      source: '/debezium/postgresql/dbserver1',
      type: 'io.debezium.postgresql.datachangeevent',
      subject: 'postgres.inventory.customers',
      time: '2025-11-23T13:00:00.000Z',
      datacontenttype: 'application/json',
      partitionkey: 'id=1001',
      iodebeziumop: 'c',
      iodebeziumversion: '2.7.3.Final',
      iodebeziumconnector: 'postgresql',
      iodebeziumname: 'dbserver1',
      iodebeziumtsms: '1763902800000',
      iodebeziumsnapshot: 'false',
      iodebeziumdb: 'postgres',
      iodebeziumschema: 'inventory',
      iodebeziumtable: 'customers',
      iodebeziumsequence: '["24023300","24023328"]',
      iodebeziumtxid: '560',
      iodebeziumlsn: '24023328',
      data: decoded(records[0]?.value).payload,
      sequence: '0000000000000000015',
      kafkatopic: 'dbserver1.inventory.customers',
      kafkapartition: 0,
    });
    expect(event?.data).toMatchObject({ op: 'c', before: null, after: sally });
    const direct = debeziumToEvent(decoded(records[0]?.value), {
      where: 'value',
      key: decoded(records[0]?.key),
      id: 'dbserver1.inventory.customers-0-15',
    });
    expect(event).toStrictEqual({
      ...direct,
      sequence: '0000000000000000015',
      kafkatopic: 'dbserver1.inventory.customers',
      kafkapartition: 0,
    });
  });

  it('refs stay <topic>-<partition>@<offset>; ids are the Kafka coordinates, the same on redelivery', () => {
    expect(batch.items.map((item) => item.ref)).toEqual([
      'dbserver1.inventory.customers-0@15',
      'dbserver1.inventory.customers-0@16',
      'dbserver1.inventory.customers-0@17',
    ]);
    const ids = batch.items.map((item) => item.event.id);
    expect(ids).toEqual([
      'dbserver1.inventory.customers-0-15',
      'dbserver1.inventory.customers-0-16',
      'dbserver1.inventory.customers-0-17',
    ]);
    // A retry starts at the failed offset: the same record alone gives the same event.
    const retry = normalize({ ...raw, records: { 'dbserver1.inventory.customers-0': records.slice(1) } });
    expect(retry.items.map((item) => item.event)).toStrictEqual(
      batch.items.slice(1).map((item) => item.event),
    );
  });

  it('a delete keeps before in data; the tombstone after it, with a Debezium key, is io.debezium.tombstone', () => {
    expect(batch.items[1]?.event).toMatchObject({
      type: 'io.debezium.postgresql.datachangeevent',
      iodebeziumop: 'd',
      data: { op: 'd', before: sally, after: null },
    });
    expect(batch.items[2]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'dbserver1.inventory.customers-0-17',
      source: '/debezium/topic/dbserver1.inventory.customers',
      type: DEBEZIUM_TOMBSTONE_TYPE,
      subject: 'dbserver1.inventory.customers',
      time: '2025-11-23T13:01:00.130Z',
      partitionkey: 'id=1001',
      kafkatombstone: true,
      sequence: '0000000000000000017',
      kafkatopic: 'dbserver1.inventory.customers',
      kafkapartition: 0,
    });
  });

  it('schemas disabled: the same change events; a tombstone, whose plain JSON key cannot tell, stays a Kafka tombstone', () => {
    const schemaless = records.map((record) => ({
      ...record,
      key: Buffer.from(JSON.stringify(decoded(record.key).payload)).toString('base64'),
      value:
        record.value === null
          ? null
          : Buffer.from(JSON.stringify(decoded(record.value).payload)).toString('base64'),
    }));
    const { items } = normalize({ ...raw, records: { 'dbserver1.inventory.customers-0': schemaless } });
    expect(items.slice(0, 2).map((item) => item.event)).toStrictEqual(
      batch.items.slice(0, 2).map((item) => item.event),
    );
    expect(items[2]?.event).toMatchObject({
      id: 'dbserver1.inventory.customers-0-17',
      type: KAFKA_RECORD_TYPE,
      partitionkey: '{"id":1001}',
      kafkatombstone: true,
    });
  });

  it('a row flattened by ExtractNewRecordState is no envelope: it stays a Kafka record', () => {
    const flat = {
      ...records[0],
      value: Buffer.from(JSON.stringify({ ...sally, __op: 'c' })).toString('base64'),
    };
    const [item] = normalize({ ...raw, records: { 'dbserver1.inventory.customers-0': [flat] } }).items;
    expect(item?.event).toMatchObject({ type: KAFKA_RECORD_TYPE, data: { ...sally, __op: 'c' } });
  });
});

describe('Kafka: malformed records', () => {
  it.each([
    ['no offset', { offset: undefined }, 'records["orders-0"][0]', 'is not a Kafka record'],
    ['a value that is not base64', { value: '%%%' }, 'orders-0@1041', 'value must be a base64 string'],
    ['a header that is not bytes', { headers: [{ h: ['x'] }] }, 'orders-0@1041', 'must be an array of bytes'],
  ])('%s → rejected with ref %s', (_, change, ref, message) => {
    const raw = fixture<KafkaFixture>('kafka/msk-batch.json');
    const record = { ...raw.records['orders-0']?.[0], ...change };
    const { rejected } = normalize({ ...raw, records: { 'orders-0': [record] } });
    expect(rejected?.[0]?.ref).toBe(ref);
    expect(rejected?.[0]?.error.message).toContain(message);
  });
});
