import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { sourceOf } from '../index.js';
import { DEBEZIUM_TOMBSTONE_TYPE, debeziumToEvent, isDebeziumKey } from './debezium.js';
import { isDebeziumEnvelope } from './debezium-detect.js';

const debezium = sourceOf('debezium');

type Json = Record<string, unknown>;

const FIXTURES = [
  'postgres-update-with-schema.json',
  'mysql-insert.json',
  'postgres-delete.json',
  'snapshot-read.json',
  'truncate.json',
  'message.json',
];

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('Debezium: the envelope, with and without schema/payload wrapping', () => {
  it.each(FIXTURES)('%s is detected and gives a valid CloudEvent', (name) => {
    const raw = fixture(`debezium/${name}`);
    expect(isDebeziumEnvelope(raw)).toBe(true);
    expect(debezium.detect(raw)).toBe(true);
    const { items, source, reply } = debezium.normalize(raw, {});
    expect([source, reply]).toEqual(['debezium', 'throw']);
    expect(items).toHaveLength(1);
    expect(cloudEventProblems(items[0]?.event)).toEqual([]);
    expect(items[0]?.ref).toBe(items[0]?.event.id);
  });

  it('a schema-wrapped Postgres update: attributes as Debezium names them, payload as data', () => {
    const raw = fixture('debezium/postgres-update-with-schema.json');
    const event = debeziumToEvent(raw, {
      where: 'value',
      key: { schema: { type: 'struct' }, payload: { id: 1004 } },
    });
    expect(event).toStrictEqual({
      specversion: '1.0',
      id: 'name:dbserver1;lsn:24023128;txId:556;table:postgres.inventory.customers;op:u;key:id=1004',
      source: '/debezium/postgresql/dbserver1',
      type: 'io.debezium.postgresql.datachangeevent',
      subject: 'postgres.inventory.customers',
      time: '2025-11-23T12:13:20.123Z',
      datacontenttype: 'application/json',
      partitionkey: 'id=1004',
      iodebeziumop: 'u',
      iodebeziumversion: '2.7.3.Final',
      iodebeziumconnector: 'postgresql',
      iodebeziumname: 'dbserver1',
      iodebeziumtsms: '1763900000123',
      iodebeziumsnapshot: 'false',
      iodebeziumdb: 'postgres',
      iodebeziumschema: 'inventory',
      iodebeziumtable: 'customers',
      iodebeziumsequence: '["24023119","24023128"]',
      iodebeziumtxid: '556',
      iodebeziumlsn: '24023128',
      data: (raw as { payload: unknown }).payload,
    });
  });

  it('MySQL: the binlog file, position and row make the id; no key → a digest of the row', () => {
    const event = debeziumToEvent(fixture('debezium/mysql-insert.json'), { where: 'value' });
    expect(event.id).toMatch(
      /^name:mysql-server-1;file:mysql-bin\.000003;pos:154;row:0;table:inventory\.orders;op:c;row:[0-9a-f]{16}$/,
    );
    expect(event).toMatchObject({
      source: '/debezium/mysql/mysql-server-1',
      type: 'io.debezium.mysql.datachangeevent',
      subject: 'inventory.orders',
      iodebeziumfile: 'mysql-bin.000003',
      iodebeziumpos: '154',
      iodebeziumrow: '0',
      iodebeziumserverid: '223344',
      data: { op: 'c', before: null, after: { id: 10011 } },
    });
  });

  it('rows of one snapshot share a position: their ids still differ', () => {
    const first = fixture('debezium/snapshot-read.json');
    const second = structuredClone(first);
    (second.after as Json).id = 1002;
    const ids = [first, second].map((value) => debeziumToEvent(value, { where: 'value' }).id);
    expect(new Set(ids).size).toBe(2);
    expect(debeziumToEvent(first, { where: 'value' })).toMatchObject({
      iodebeziumop: 'r',
      iodebeziumsnapshot: 'true',
    });
  });

  it('delete, truncate and message events keep before/after (or message) in data', () => {
    expect(debeziumToEvent(fixture('debezium/postgres-delete.json'), { where: 'v' }).data).toMatchObject({
      op: 'd',
      after: null,
      before: { id: 1004 },
    });
    const truncate = debeziumToEvent(fixture('debezium/truncate.json'), { where: 'v' });
    expect(truncate).toMatchObject({ iodebeziumop: 't', subject: 'postgres.inventory.customers' });
    const message = debeziumToEvent(fixture('debezium/message.json'), { where: 'v' });
    expect(message).toMatchObject({
      iodebeziumop: 'm',
      subject: 'postgres',
      data: { message: { prefix: 'audit' } },
    });
  });

  it('the caller may name the event (a Kafka offset) and its source', () => {
    const event = debeziumToEvent(fixture('debezium/mysql-insert.json'), {
      where: 'v',
      id: 'inventory.orders-0-42',
      source: 'arn:aws:kafka:eu-west-1:1:cluster/c/abc/inventory.orders',
    });
    expect([event.id, event.source]).toEqual([
      'inventory.orders-0-42',
      'arn:aws:kafka:eu-west-1:1:cluster/c/abc/inventory.orders',
    ]);
  });
});

describe('Debezium: a time that is not a number', () => {
  it('an object as ts_ms gives no time (Number of it would run its toString and throw), never a TypeError', () => {
    const raw = fixture<Record<string, Record<string, unknown>>>('debezium/mysql-insert.json');
    const payload = (raw.payload ?? raw) as Record<string, unknown>;
    payload.ts_ms = { toString: '' };
    if (typeof payload.source === 'object' && payload.source !== null)
      (payload.source as Record<string, unknown>).ts_ms = { toString: '' };
    expect(debeziumToEvent(raw, { where: 'value' }).time).toBeUndefined();
  });
});

describe('Debezium: tombstones', () => {
  it('a null value with a key becomes a tombstone event, never a crash', () => {
    const event = debeziumToEvent(null, {
      where: 'value',
      key: { payload: { id: 1004 }, schema: {} },
      topic: 'dbserver1.inventory.customers',
    });
    expect(event).toStrictEqual({
      specversion: '1.0',
      id: 'tombstone;topic:dbserver1.inventory.customers;key:id=1004',
      source: '/debezium/topic/dbserver1.inventory.customers',
      type: DEBEZIUM_TOMBSTONE_TYPE,
      subject: 'dbserver1.inventory.customers',
      partitionkey: 'id=1004',
    });
    expect(isDebeziumEnvelope(null)).toBe(false);
  });

  it('isDebeziumKey: a schema-wrapped key whose struct schema is named <prefix>.<schema>.<table>.Key', () => {
    const schema = {
      type: 'struct',
      fields: [{ type: 'int32', optional: false, field: 'id' }],
      optional: false,
      name: 'dbserver1.inventory.customers.Key',
    };
    expect(isDebeziumKey({ schema, payload: { id: 1004 } })).toBe(true);
    expect(isDebeziumKey({ id: 1004 })).toBe(false);
    expect(
      isDebeziumKey({ schema: { ...schema, name: 'dbserver1.inventory.customers.Value' }, payload: {} }),
    ).toBe(false);
    expect(isDebeziumKey({ schema: { type: 'int32', name: 'x.Key' }, payload: 1004 })).toBe(false);
    expect(isDebeziumKey('1004')).toBe(false);
  });

  it('a tombstone with nothing to name it is E_SOURCE_INVALID', () => {
    expect(thrown(() => debeziumToEvent(null, { where: 'records[0].value' }))).toMatchObject({
      code: 'E_SOURCE_INVALID',
      path: 'records[0].value',
    });
  });
});

describe('Debezium: what is not an envelope', () => {
  it.each([
    ['an unknown op', { ...fixture('debezium/mysql-insert.json'), op: 'x' }],
    ['no connector', { ...fixture('debezium/mysql-insert.json'), source: { name: 's' } }],
    ['no before/after', { op: 'c', source: { connector: 'mysql' } }],
    ['a flattened row (ExtractNewRecordState)', { id: 1, __op: 'c', __deleted: 'false' }],
    ['a string', 'c'],
  ])('%s is not detected, and converting it says why', (_, value) => {
    expect(isDebeziumEnvelope(value)).toBe(false);
    const error = thrown(() => debeziumToEvent(value, { where: 'records[1].value' }));
    expect(error.message).toMatch(/^records\[1\]\.value is not a Debezium change event/);
  });

  it('a change time out of range leaves time unset', () => {
    const raw = fixture('debezium/mysql-insert.json');
    (raw.source as Json).ts_ms = 1e20;
    raw.ts_ms = 'soon';
    expect('time' in debeziumToEvent(raw, { where: 'v' })).toBe(false);
  });
});

describe('Debezium: time', () => {
  it('source.ts_ms 0 (MySQL snapshots) is no time: the envelope ts_ms is used, never 1970', () => {
    const raw = fixture('debezium/mysql-insert.json');
    Object.assign(raw.source as Json, { ts_ms: 0, snapshot: 'true' });
    raw.op = 'r';
    expect(debeziumToEvent(raw, { where: 'v' })).toMatchObject({
      time: '2025-11-23T12:15:00.210Z',
      iodebeziumtsms: '0',
    });
  });

  it.each([
    ['0 and absent', 0, undefined],
    ['0 and 0', 0, 0],
    ['negative and "0"', -1, '0'],
  ])('source.ts_ms and ts_ms %s: no time at all', (_, sourceMs, envelopeMs) => {
    const raw = fixture('debezium/mysql-insert.json');
    (raw.source as Json).ts_ms = sourceMs;
    raw.ts_ms = envelopeMs;
    expect('time' in debeziumToEvent(raw, { where: 'v' })).toBe(false);
  });
});
