/**
 * Debezium change events (the JSON converter's envelope, with or without `schema`/`payload` wrapping).
 * Attributes follow Debezium's own CloudEvents converter — `source` `/debezium/<connector>/<name>`, `type`
 * `io.debezium.<connector>.datachangeevent`, `iodebezium*` extensions — so raw envelopes and Debezium-made
 * CloudEvents filter alike. The id is ours: Debezium's (`name:…;lsn:…`) repeats across the rows of one
 * snapshot or one multi-row binlog event, so the table, the operation and the row key are added to it.
 * Debezium mostly arrives inside Kafka records: the Kafka source calls `isDebeziumEnvelope`,
 * `isDebeziumKey` (for tombstones) and `debeziumToEvent`, with the record's coordinates as the id; a direct
 * invoke with one envelope is read by the `debezium` source below.
 * @see https://debezium.io/documentation/reference/stable/integrations/cloudevents.html
 */
import { createHash } from 'node:crypto';
import { type CloudEvent, createCloudEvent } from '../../cloud-event.js';
import { describeValue } from '../kit/describe.js';
import { text } from '../kit/payload.js';
import { invalidRecord } from '../kit/records.js';
import { epochToIso } from '../kit/time.js';
import { type Batch, isObject, type JsonObject } from '../types.js';
import { type ChangeOp, keySubject } from './change.js';
import { isDebeziumEnvelope, unwrapDebezium as unwrap } from './debezium-detect.js';

/** `source` block fields → extension names, as Debezium's CloudEvents converter names them (≤ 20 chars). */
const SOURCE_EXTENSIONS: Readonly<Record<string, string>> = {
  version: 'iodebeziumversion',
  connector: 'iodebeziumconnector',
  name: 'iodebeziumname',
  ts_ms: 'iodebeziumtsms',
  snapshot: 'iodebeziumsnapshot',
  db: 'iodebeziumdb',
  schema: 'iodebeziumschema',
  table: 'iodebeziumtable',
  collection: 'iodebeziumcollection',
  sequence: 'iodebeziumsequence',
  txId: 'iodebeziumtxid',
  lsn: 'iodebeziumlsn',
  xmin: 'iodebeziumxmin',
  file: 'iodebeziumfile',
  pos: 'iodebeziumpos',
  row: 'iodebeziumrow',
  gtid: 'iodebeziumgtid',
  server_id: 'iodebeziumserverid',
  change_lsn: 'iodebeziumchangelsn',
  commit_lsn: 'iodebeziumcommitlsn',
  scn: 'iodebeziumscn',
  commit_scn: 'iodebeziumcommitscn',
};

/** Log-position fields of the `source` block, in the order they make up the id (Postgres, MySQL, SQL Server, Oracle, MongoDB). */
const POSITION = [
  'lsn',
  'txId',
  'file',
  'pos',
  'row',
  'change_lsn',
  'commit_lsn',
  'event_serial_no',
  'scn',
  'ord',
];

export const DEBEZIUM_TOMBSTONE_TYPE = 'io.debezium.tombstone';

export interface DebeziumContext {
  /** Where the value is, for error messages, e.g. `records["inventory-0"][3].value`. */
  readonly where: string;
  /** The Kafka record key, decoded JSON (schema-wrapped or not): the row key. */
  readonly key?: unknown;
  /** The Kafka topic: the subject of a tombstone. */
  readonly topic?: string;
  /** An id to use instead of the derived one (e.g. the Kafka record's `topic-partition-offset`). */
  readonly id?: string;
  /** A `source` to use instead of `/debezium/<connector>/<name>` (tombstones have no connector to name). */
  readonly source?: string;
}

/**
 * True for a Debezium record key as the JSON converter writes it with `schemas.enable=true`: `{ schema,
 * payload }` with a struct schema named `<topic.prefix>.<schema>.<table>.Key`. What marks a Kafka
 * tombstone as Debezium's; a schemaless key (`{"id":1001}`) is plain JSON and cannot tell.
 *
 * @example
 * isDebeziumKey({ schema: { type: 'struct', name: 'dbserver1.inventory.customers.Key' }, payload: { id: 1 } }) // true
 */
export function isDebeziumKey(key: unknown): boolean {
  if (!isObject(key) || !isObject(key.schema) || !isObject(key.payload)) return false;
  const { type, name } = key.schema;
  return type === 'struct' && typeof name === 'string' && name.endsWith('.Key');
}

/**
 * One Debezium value as a CloudEvent; `null` (the tombstone that follows a delete) becomes an
 * `io.debezium.tombstone` event for `ctx.key`. Throws `E_SOURCE_INVALID` naming `ctx.where` otherwise.
 *
 * @example
 * const value = JSON.parse(Buffer.from(record.value, 'base64').toString('utf8'));
 * if (isDebeziumEnvelope(value)) debeziumToEvent(value, { where: 'records["inventory-0"][0].value', key });
 */
export function debeziumToEvent(value: unknown, ctx: DebeziumContext): CloudEvent {
  if (value === null || value === undefined) return tombstone(ctx);
  if (!isDebeziumEnvelope(value))
    throw invalidRecord(
      ctx.where,
      `is not a Debezium change event: it needs \`op\` (c, u, d, r, t or m), \`source.connector\` and \`before\`/\`after\` (got ${describeValue(value)})`,
    );
  const payload = unwrap(value) as JsonObject & { op: ChangeOp; source: JsonObject };
  const { op, source: block } = payload;
  const connector = block.connector as string;
  const name = text(block.name) ?? connector;
  const table = [block.db, block.schema, block.table ?? block.collection].filter((p) => text(p)).join('.');
  const key = keyText(ctx.key);
  const extensions: Record<string, string> = { iodebeziumop: op };
  for (const [field, extension] of Object.entries(SOURCE_EXTENSIONS)) {
    const v = block[field];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      extensions[extension] = String(v);
  }
  return createCloudEvent(
    {
      ...extensions,
      id: ctx.id ?? changeId(payload, name, table, key),
      source: ctx.source ?? `/debezium/${connector}/${name}`,
      type: `io.debezium.${connector}.datachangeevent`,
      subject: table || undefined,
      time: changeTime(block.ts_ms, payload.ts_ms),
      datacontenttype: 'application/json',
      partitionkey: key,
      data: payload,
    },
    ctx.where,
  );
}

function tombstone(ctx: DebeziumContext): CloudEvent {
  const key = keyText(ctx.key);
  const id = ctx.id ?? (key === undefined ? undefined : `tombstone;topic:${ctx.topic ?? ''};key:${key}`);
  if (id === undefined)
    throw invalidRecord(ctx.where, 'is a tombstone (null value) with neither a key nor an id to name it');
  return createCloudEvent(
    {
      id,
      source: ctx.source ?? (ctx.topic ? `/debezium/topic/${ctx.topic}` : '/debezium'),
      type: DEBEZIUM_TOMBSTONE_TYPE,
      subject: text(ctx.topic),
      partitionkey: key,
    },
    ctx.where,
  );
}

/** `name:<name>;<log position>;table:<db.schema.table>;op:<op>;key:<key>` — or a row digest when no key is known. */
function changeId(payload: JsonObject, name: string, table: string, key: string | undefined): string {
  const block = payload.source as JsonObject;
  const position = POSITION.filter((f) => isScalar(block[f])).map((f) => `${f}:${String(block[f])}`);
  if (position.length === 0) position.push(`ts_ms:${String(block.ts_ms ?? payload.ts_ms)}`);
  const row =
    key === undefined
      ? `row:${digest(payload.before ?? payload.after ?? payload.message ?? null)}`
      : `key:${key}`;
  return [`name:${name}`, ...position, `table:${table}`, `op:${String(payload.op)}`, row].join(';');
}

/**
 * The first positive epoch (ms) as RFC 3339: `source.ts_ms` is when the database made the change, but
 * snapshots (MySQL's among them) send 0 there, which is no time at all, not 1970 — the envelope's `ts_ms`
 * (when the connector processed the change) is then the best there is; neither → no `time`.
 */
function changeTime(sourceMs: unknown, envelopeMs: unknown): string | undefined {
  return positiveTime(sourceMs) ?? positiveTime(envelopeMs);
}

function positiveTime(ms: unknown): string | undefined {
  // Only a number or a string is read: `Number` of an object runs its `toString`/`valueOf`, which may throw.
  if (typeof ms !== 'number' && typeof ms !== 'string') return undefined;
  return Number(ms) > 0 ? epochToIso(ms, 'ms') : undefined;
}

function digest(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? '')
    .digest('hex')
    .slice(0, 16);
}

function keyText(key: unknown): string | undefined {
  const k = unwrap(key);
  if (isObject(k)) return keySubject(k);
  return isScalar(k) ? String(k) : undefined;
}

function isScalar(v: unknown): v is string | number | boolean {
  return (typeof v === 'string' && v !== '') || typeof v === 'number' || typeof v === 'boolean';
}

/** A Debezium envelope delivered on its own (direct invoke, a recorded value). */
export function normalize(raw: JsonObject): Batch {
  const event = debeziumToEvent(raw, { where: 'Debezium change event' });
  return Object.freeze({
    source: 'debezium',
    reply: 'throw' as const,
    // A change stream: a change that fails holds the ones after it (`onError`), as a stream's record does.
    ordered: true,
    items: Object.freeze([Object.freeze({ event, ref: event.id })]),
  });
}
