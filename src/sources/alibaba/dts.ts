/**
 * Alibaba Cloud DTS change tracking, as EventBridge event streams and Function Compute DTS triggers deliver
 * it: CloudEvents of type `dts:ConsumeMessage` whose `data` is DTS's record (`operationType`, `schema`,
 * `beforeImage` / `afterImage` as field lists with Java ByteBuffer-serialized strings). The envelope is kept;
 * `data` becomes the change view shared with DynamoDB and Debezium: `op`, `before` and `after` as plain
 * rows, the table as `subject`, the primary key as `partitionkey`.
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/dts
 */

import { type ChangeOp, keySubject } from '../cdc/change.js';
import { describeValue } from '../kit/describe.js';
import { text } from '../kit/payload.js';
import { invalidRecord } from '../kit/records.js';
import { epochToIso } from '../kit/time.js';
import { isObject, type JsonObject } from '../types.js';

export const DTS_EVENT_TYPE = 'dts:ConsumeMessage';

/** `operationType` → the change operation; DDL has none (its statement is in `data.ddl`). */
const OPERATIONS: Readonly<Record<string, ChangeOp>> = { INSERT: 'c', UPDATE: 'u', DELETE: 'd' };

/** MySQL charset names → WHATWG encoding labels that `TextDecoder` knows; others are tried as they are. */
const CHARSETS: Readonly<Record<string, string>> = {
  utf8: 'utf-8',
  utf8mb3: 'utf-8',
  utf8mb4: 'utf-8',
  latin1: 'windows-1252',
  ascii: 'us-ascii',
};

/** True for the `data` of a DTS change record. */
export function isDtsRecord(data: unknown): boolean {
  return isObject(data) && isObject(data.topicPartition) && typeof data.operationType === 'string';
}

/** True for a CloudEvent carrying a DTS change record (FC DTS triggers send these without `aliyun*` extensions). */
export function isDtsCloudEvent(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.specversion === 'string' &&
    (value.type === DTS_EVENT_TYPE || isDtsRecord(value.data))
  );
}

/**
 * The attributes of a DTS CloudEvent with its `data` read as a change. Throws `E_SOURCE_INVALID` at `where`
 * for an image it cannot read.
 */
export function dtsChangeAttributes(event: JsonObject, where: string): JsonObject {
  const record = event.data as JsonObject;
  const schema = isObject(record.schema) ? record.schema : {};
  const database = text(schema.databaseName);
  const table = text(schema.tableName);
  const operation = String(record.operationType);
  const images = {
    before: readImage(record.beforeImage, `${where}.data.beforeImage`),
    after: readImage(record.afterImage, `${where}.data.afterImage`),
  };
  const row = images.after.row ?? images.before.row;
  const key =
    row &&
    Object.fromEntries(
      primaryKey(schema)
        .filter((f) => f in row)
        .map((f) => [f, row[f]]),
    );
  const partition = isObject(record.topicPartition) ? record.topicPartition : {};
  const ddl = images.after.ddl ?? images.before.ddl;
  return {
    ...event,
    subject: [database, table].filter(Boolean).join('.') || undefined,
    time: event.time ?? epochToIso(record.sourceTimestamp, 's'),
    partitionkey: key ? keySubject(key) : undefined,
    dtsoperation: operation,
    aliyunsubject: text(event.subject),
    data: {
      op: OPERATIONS[operation] ?? null,
      before: images.before.row,
      after: images.after.row,
      ...(ddl === undefined ? {} : { ddl }),
      source: {
        database: database ?? null,
        table: table ?? null,
        databaseType: isObject(schema.databaseInfo) ? (text(schema.databaseInfo.databaseType) ?? null) : null,
        topic: text(partition.topic) ?? null,
        partition: partition.partition ?? null,
        offset: record.offset ?? null,
        sourceTimestamp: record.sourceTimestamp ?? null,
        recordId: record.id ?? null,
        operationType: operation,
      },
    },
  };
}

function primaryKey(schema: JsonObject): string[] {
  const index = isObject(schema.primaryIndexInfo) ? schema.primaryIndexInfo.indexFields : undefined;
  return Array.isArray(index)
    ? index.flatMap((f) => (isObject(f) && typeof f.fieldName === 'string' ? [f.fieldName] : []))
    : [];
}

/** A row image (field list + values) as a plain row; a string image is a DDL statement. */
function readImage(image: unknown, where: string): { row: Record<string, unknown> | null; ddl?: string } {
  if (image === null || image === undefined) return { row: null };
  if (typeof image === 'string') return { row: null, ddl: image };
  const fields =
    isObject(image) && isObject(image.recordSchema) ? image.recordSchema.recordFields : undefined;
  const values = isObject(image) ? image.values : undefined;
  if (!Array.isArray(fields) || !Array.isArray(values))
    throw invalidRecord(
      where,
      `needs \`recordSchema.recordFields\` and \`values\` lists (got ${describeValue(image)})`,
    );
  const row = Object.fromEntries(
    values.map((value, i) => {
      const field: unknown = fields[i];
      const name = isObject(field) && typeof field.fieldName === 'string' ? field.fieldName : `$${i}`;
      return [name, readValue(value, `${where}.values[${i}]`)];
    }),
  );
  return { row };
}

/** `{ data, charset? }`: scalars as they are; a serialized ByteBuffer as text in its charset, or base64 without one. */
function readValue(value: unknown, where: string): unknown {
  if (!isObject(value)) return value ?? null;
  const data = value.data;
  if (!isObject(data) || !Array.isArray(data.hb)) return data ?? null;
  const { hb } = data;
  if (!hb.every((b) => typeof b === 'number' && Number.isInteger(b)))
    throw invalidRecord(`${where}.data.hb`, 'must be a list of bytes');
  const offset = integer(data.offset, 0);
  const start = Math.min(hb.length, offset + integer(data.position, 0));
  const end = Math.min(hb.length, offset + integer(data.limit, hb.length));
  // Java bytes are signed: -61 is 0xc3.
  const bytes = Uint8Array.from((hb as number[]).slice(start, Math.max(start, end)), (b) => b & 0xff);
  const charset = text(value.charset);
  if (charset === undefined) return Buffer.from(bytes).toString('base64');
  try {
    return new TextDecoder(CHARSETS[charset.toLowerCase()] ?? charset).decode(bytes);
  } catch {
    // An encoding TextDecoder does not know: the bytes, untouched.
    return Buffer.from(bytes).toString('base64');
  }
}

function integer(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;
}
