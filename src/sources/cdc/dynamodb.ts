/**
 * DynamoDB Streams, and DynamoDB change records that arrive through Kinesis Data Streams. Images are
 * unmarshalled to plain JSON (see `dynamodb-attributes.ts` for the number rule); the change reads like
 * Debezium's: `op`, `before`, `after`. Streams are ordered and checkpointed at `dynamodb.SequenceNumber`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */
import { type CloudEvent, trustedCloudEvent } from '../../cloud-event.js';
import { describeValue } from '../kit/describe.js';
import { text } from '../kit/payload.js';
import { collect, invalidRecord, toBatch } from '../kit/records.js';
import { setEpochTime } from '../kit/time.js';
import { type Batch, isObject, type RecordBatch } from '../types.js';
import { type ChangeOp, keySubject, paddedSequence } from './change.js';
import { unmarshalImage } from './dynamodb-attributes.js';

/** `eventName` → the change operation and the CloudEvents `type`. */
const OPERATIONS: Readonly<Record<string, { readonly op: ChangeOp; readonly type: string }>> = {
  INSERT: { op: 'c', type: 'com.amazonaws.dynamodb.insert' },
  MODIFY: { op: 'u', type: 'com.amazonaws.dynamodb.modify' },
  REMOVE: { op: 'd', type: 'com.amazonaws.dynamodb.remove' },
};

/** DynamoDB sequence numbers are 21 to 40 digits long. */
const SEQUENCE_DIGITS = 40;
const TTL_PRINCIPAL = 'dynamodb.amazonaws.com';

export interface DynamoDbChangeContext {
  /** Where the record is, for error messages: `Records[2]`, or `Records[2].kinesis.data` through Kinesis. */
  readonly where: string;
  /**
   * Unit of `ApproximateCreationDateTime`: seconds from DynamoDB Streams, milliseconds through Kinesis.
   * Default: `ms` when the record says `recordFormat: "application/json"` (the Kinesis shape), else `s`.
   */
  readonly timeUnit?: 's' | 'ms';
  /** ARN of the Kinesis stream that delivered the record: names the table's ARN when it only has `tableName`. */
  readonly streamArn?: string;
}

/** True when `value` looks like one DynamoDB change record (a Streams record, or the JSON Kinesis carries). */
export function isDynamoDbChange(value: unknown): boolean {
  return (
    isObject(value) &&
    value.eventSource === 'aws:dynamodb' &&
    typeof value.eventName === 'string' &&
    isObject(value.dynamodb)
  );
}

/**
 * One DynamoDB change record as a CloudEvent. Pure; throws `E_SOURCE_INVALID` naming `ctx.where` for a
 * record it cannot read. The Kinesis source calls it for Kinesis records whose data is a DynamoDB change.
 *
 * @example
 * const change = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
 * if (isDynamoDbChange(change))
 *   dynamoDbChangeToEvent(change, { where: 'Records[0].kinesis.data', streamArn: record.eventSourceARN });
 */
export function dynamoDbChangeToEvent(record: unknown, ctx: DynamoDbChangeContext): CloudEvent {
  const { where } = ctx;
  if (!isObject(record))
    throw invalidRecord(where, `is not a DynamoDB change record (got ${describeValue(record)})`);
  const eventId = text(record.eventID);
  const name = record.eventName;
  const operation =
    typeof name === 'string' && Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  const change = record.dynamodb;
  if (eventId === undefined || operation === undefined)
    throw invalidRecord(
      where,
      `needs a string \`eventID\` and an \`eventName\` of INSERT, MODIFY or REMOVE (got ${describeValue(record)})`,
    );
  if (!isObject(change))
    throw invalidRecord(`${where}.dynamodb`, `must be an object (got ${describeValue(change)})`);
  const at = `${where}.dynamodb`;
  const keys = unmarshalImage(change.Keys, `${at}.Keys`);
  const data: Record<string, unknown> = {
    op: operation.op,
    keys,
    before: change.OldImage === undefined ? null : unmarshalImage(change.OldImage, `${at}.OldImage`),
    after: change.NewImage === undefined ? null : unmarshalImage(change.NewImage, `${at}.NewImage`),
  };
  if (typeof change.StreamViewType === 'string') data.streamViewType = change.StreamViewType;
  const unit = ctx.timeUnit ?? (record.recordFormat === 'application/json' ? 'ms' : 's');
  const identity = isObject(record.userIdentity) ? record.userIdentity : undefined;
  // Built in its final shape and frozen as is (see trustedCloudEvent): the source, subject and time are
  // checked there, the extensions are valid by construction.
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: eventId,
    source: tableSource(record, ctx),
    type: operation.type,
  };
  const subject = keySubject(keys);
  if (subject !== undefined) event.subject = subject;
  const timeChecked = setEpochTime(event, change.ApproximateCreationDateTime, unit);
  event.datacontenttype = 'application/json';
  const region = text(record.awsRegion);
  if (region !== undefined) event.awsregion = region;
  const sequence = paddedSequence(change.SequenceNumber, SEQUENCE_DIGITS);
  if (sequence !== undefined) event.sequence = sequence;
  // Deletes by Time to Live are made by the DynamoDB service itself.
  if (identity?.type === 'Service' && identity.principalId === TTL_PRINCIPAL) event.ttlexpired = true;
  event.data = data;
  return trustedCloudEvent(event, where, timeChecked);
}

/** The last stream ARN seen and its table: every record of a batch comes from the same stream. */
let lastStreamArn = '';
let lastTableArn = '';

/** The table's ARN (the stream ARN without `/stream/<label>`), or the best name the record allows. */
function tableSource(record: Record<string, unknown>, ctx: DynamoDbChangeContext): string {
  const arn = text(record.eventSourceARN);
  if (arn !== undefined) {
    if (arn !== lastStreamArn) {
      lastTableArn = arn.replace(/\/stream\/[^/]*$/, '');
      lastStreamArn = arn;
    }
    return lastTableArn;
  }
  const table = text(record.tableName);
  if (table === undefined)
    throw invalidRecord(ctx.where, 'has neither `eventSourceARN` nor `tableName` to name its table');
  const [, , , region, account] = (ctx.streamArn ?? '').split(':');
  const tableRegion = text(record.awsRegion) ?? region;
  return tableRegion && account ? `arn:aws:dynamodb:${tableRegion}:${account}:table/${table}` : table;
}

/** A DynamoDB Streams batch (detected by catalog.ts: `Records[0].eventSource`). */
export function normalize(raw: RecordBatch): Batch {
  const records = (raw as { Records: unknown[] }).Records;
  const collected = collect(
    records,
    (record, i) => {
      const where = `Records[${i}]`;
      const event = dynamoDbChangeToEvent(record, { where });
      const sequence =
        isObject(record) && isObject(record.dynamodb) ? text(record.dynamodb.SequenceNumber) : undefined;
      if (sequence === undefined)
        throw invalidRecord(where, 'needs `dynamodb.SequenceNumber`: Lambda checkpoints the stream at it');
      return { event, ref: sequence };
    },
    (record, i) => streamRef(record) ?? `Records[${i}]`,
  );
  return toBatch('aws:dynamodb', 'stream-checkpoint', collected, true);
}

function streamRef(record: unknown): string | undefined {
  if (!isObject(record)) return undefined;
  const sequence = isObject(record.dynamodb) ? text(record.dynamodb.SequenceNumber) : undefined;
  return sequence ?? text(record.eventID);
}
