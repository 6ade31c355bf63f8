/**
 * The Function Compute Tablestore trigger: a Tablestore stream's row changes
 * (`{ Version: "Sync-v1", Records: [{ Type, Info: { Timestamp }, PrimaryKey, Columns }] }`), one event
 * per changed row, in the CDC view the other change sources share (`cdc/change.ts`): `op` (`PutRow`,
 * which writes a whole row, is `c`; `UpdateRow` `u`; `DeleteRow` `d`), the primary key as `keys` and
 * the `subject`, the columns written and the columns deleted. Tablestore streams carry no row images,
 * so there is no `before`/`after`. The event id is the change's timestamp and row key: a batch
 * delivered again gives the same ids.
 *
 * Tablestore sends the batch CBOR-encoded (FC hands the function the bytes): it is decoded here
 * (`kit/cbor.ts`); the same batch as JSON is read as well. Stream records keep their order: the batch
 * stops at the first failure, and FC retries the invocation.
 * @see https://www.alibabacloud.com/help/en/tablestore/user-guide/use-function-compute
 */
import { createCloudEvent } from '../../cloud-event.js';
import { type ChangeOp, keySubject } from '../cdc/change.js';
import { decodeCbor } from '../kit/cbor.js';
import { describeValue } from '../kit/describe.js';
import { text } from '../kit/payload.js';
import { collect, invalidRecord, toBatch } from '../kit/records.js';
import { epochMsToIso } from '../kit/time.js';
import { type Batch, isObject, type JsonObject } from '../types.js';

export const TABLESTORE_EVENT_SOURCE = 'acs.tablestore';

/** `Type` → the change operation and the CloudEvents `type`. */
const OPERATIONS: Readonly<Record<string, { readonly op: ChangeOp; readonly type: string }>> = {
  PutRow: { op: 'c', type: 'com.aliyun.tablestore.put' },
  UpdateRow: { op: 'u', type: 'com.aliyun.tablestore.update' },
  DeleteRow: { op: 'd', type: 'com.aliyun.tablestore.delete' },
};

/**
 * A Tablestore stream batch (detected by catalog.ts): its CBOR bytes, or their JSON form (a `Sync-`
 * `Version` and `Records[0].PrimaryKey`).
 */
export function normalize(raw: Uint8Array | (JsonObject & { Records: unknown[] })): Batch {
  const batch = raw instanceof Uint8Array ? decodeCbor(raw) : raw;
  if (!isObject(batch) || !Array.isArray(batch.Records)) {
    throw invalidRecord(
      'Tablestore trigger event',
      `needs \`Version\` and a \`Records\` list (got ${describeValue(batch)})`,
    );
  }
  const collected = collect(
    batch.Records,
    (record, i) => {
      const event = rowChangeToEvent(record, `Records[${i}]`);
      return { event, ref: event.id };
    },
    (_, i) => `Records[${i}]`,
  );
  return toBatch('alibaba:tablestore', 'throw', collected, true);
}

function rowChangeToEvent(record: unknown, where: string) {
  const operation = isObject(record) ? OPERATIONS[text(record.Type) ?? ''] : undefined;
  const timestamp = isObject(record) && isObject(record.Info) ? record.Info.Timestamp : undefined;
  if (!isObject(record) || operation === undefined || !Array.isArray(record.PrimaryKey)) {
    throw invalidRecord(
      where,
      `is not a Tablestore row change: it needs \`Type\` (PutRow, UpdateRow or DeleteRow) and a \`PrimaryKey\` list (got ${describeValue(record)})`,
    );
  }
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    throw invalidRecord(where, `needs \`Info.Timestamp\` in microseconds (got ${describeValue(timestamp)})`);
  }
  const keys = columnsOf(record.PrimaryKey, `${where}.PrimaryKey`);
  const written: JsonObject = {};
  const deleted: string[] = [];
  for (const column of Array.isArray(record.Columns) ? record.Columns : []) {
    const name = isObject(column) ? text(column.ColumnName) : undefined;
    if (name === undefined) throw invalidRecord(`${where}.Columns`, 'has a column without `ColumnName`');
    const type = text((column as JsonObject).Type) ?? 'Put';
    if (type === 'Put') setOwn(written, name, (column as JsonObject).Value);
    else deleted.push(name);
  }
  const subject = keySubject(keys);
  return createCloudEvent(
    {
      id: `${timestamp}:${subject ?? ''}`,
      source: TABLESTORE_EVENT_SOURCE,
      type: operation.type,
      subject,
      time: epochMsToIso(timestamp / 1000),
      datacontenttype: 'application/json',
      data: { op: operation.op, keys, columns: written, deletedColumns: deleted },
    },
    where,
  );
}

/** `[{ ColumnName, Value }]` as `{ name: value }` (a column named `__proto__` stays a column). */
function columnsOf(list: readonly unknown[], where: string): JsonObject {
  const columns: JsonObject = {};
  for (const column of list) {
    const name = isObject(column) ? text(column.ColumnName) : undefined;
    if (name === undefined)
      throw invalidRecord(where, `has a column without \`ColumnName\` (got ${describeValue(column)})`);
    setOwn(columns, name, (column as JsonObject).Value);
  }
  return columns;
}

function setOwn(target: JsonObject, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}
