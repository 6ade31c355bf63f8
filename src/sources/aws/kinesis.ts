/**
 * Kinesis Data Streams batches. `data` is base64: gzip is gunzipped, KPL aggregated records are split
 * into one event per sub-record, and the bytes become JSON, text or `data_base64`. A CloudWatch Logs
 * subscription payload (gzip) and a DynamoDB change record keep the mappings of their direct sources,
 * carried by Kinesis (`awsvia: "kinesis"`). Failures are reported as a stream checkpoint (`ref` =
 * sequence number; the batch is ordered). Every event made from one Kinesis record (KPL sub-records, log
 * lines) shares its sequence number as `ref`; sub-records carry their position as `subsequence`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
import { gunzipSync } from 'node:zlib';
import { type CloudEvent, trustedCloudEvent } from '../../cloud-event.js';
import { dynamoDbChangeToEvent, isDynamoDbChange } from '../cdc/dynamodb.js';
import { decodeBase64 } from '../kit/base64.js';
import { describeValue } from '../kit/describe.js';
import { bytesPayload, type Payload } from '../kit/payload.js';
import { collectRecords, type EventInit, finishEvent, invalid } from '../kit/records.js';
import { setEpochMsTime } from '../kit/time.js';
import { cloudWatchLogsFromGzip } from '../logs/cloudwatch-logs.js';
import { isGzip } from '../logs/cloudwatch-logs-payload.js';
import { type Batch, isObject, type JsonObject, type NormalizeOptions, type RecordBatch } from '../types.js';
import { deaggregate, isKplAggregate } from './kpl.js';
import { carried } from './unwrap.js';

export const KINESIS_RECORD_TYPE = 'com.amazonaws.kinesis.record';
/** Decompressed data is capped (a gzip bomb must not exhaust the function's memory). */
export const MAX_GUNZIPPED_BYTES = 10 * 1024 * 1024;
/** Kinesis sequence numbers have up to 129 digits (API pattern `0|([1-9]\d{0,128})`): pad to order them. */
const SEQUENCE_DIGITS = 129;

/** A Kinesis stream batch (detected by catalog.ts: `Records[0].eventSource`). */
export function normalize(raw: RecordBatch, options: NormalizeOptions): Batch {
  const records = raw.Records;
  return collectRecords(
    { source: 'aws:kinesis', reply: 'stream-checkpoint', ordered: true },
    records.length,
    (i) => readRecord(records[i], i, options),
    (i) => {
      const data = isObject(records[i]) ? (records[i] as JsonObject).kinesis : undefined;
      return isObject(data) && typeof data.sequenceNumber === 'string' && data.sequenceNumber !== ''
        ? data.sequenceNumber
        : `Records[${i}]`;
    },
  );
}

function readRecord(record: unknown, index: number, options: NormalizeOptions) {
  const where = `Records[${index}]`;
  const data = isObject(record) ? record.kinesis : undefined;
  if (
    !isObject(record) ||
    !isObject(data) ||
    typeof data.sequenceNumber !== 'string' ||
    !/^\d+$/.test(data.sequenceNumber) ||
    typeof data.partitionKey !== 'string' ||
    typeof record.eventSourceARN !== 'string' ||
    record.eventSourceARN === ''
  ) {
    throw invalid(
      `${where} is not a Kinesis record (got ${describeValue(record)}): it needs \`kinesis\` with a decimal string ` +
        '`sequenceNumber`, a string `partitionKey` and base64 `data`, and a non-empty `eventSourceARN`.',
      where,
    );
  }
  const sequenceNumber = data.sequenceNumber;
  const streamArn = record.eventSourceARN;
  const bytes = decodeBase64(data.data, `${where}.kinesis.data`);
  const eventId =
    typeof record.eventID === 'string' && record.eventID !== '' ? record.eventID : sequenceNumber;
  const carrier: Carrier = {
    awsregion: typeof record.awsRegion === 'string' ? record.awsRegion : undefined,
    sequence: sequenceNumber.padStart(SEQUENCE_DIGITS, '0'),
    shardid: eventId.includes(':') ? eventId.slice(0, eventId.indexOf(':')) : undefined,
  };
  const events = (id: string, partitionKey: string, path: string, blob: Uint8Array, subsequence?: number) => {
    const decoded = decodeData(blob, path, streamArn, options);
    if ('events' in decoded) {
      // A CloudWatch Logs payload or a DynamoDB change: its own mapping wins, Kinesis is the carrier.
      const extensions: EventInit = {};
      addDelivery(extensions, carrier, partitionKey, subsequence);
      return decoded.events.map((event) => finishEvent(carried(event, 'kinesis', extensions), path));
    }
    // Built in its final shape and frozen as is (see trustedCloudEvent): the payload's content types are
    // constants, the extensions valid by construction, the time formatted here.
    const event: EventInit = { specversion: '1.0', id, source: streamArn, type: KINESIS_RECORD_TYPE };
    if (partitionKey !== '') event.subject = partitionKey;
    const seconds = data.approximateArrivalTimestamp;
    // `approximateArrivalTimestamp` is epoch seconds with a fraction (1545084650.987).
    const timeChecked =
      typeof seconds !== 'number' || !Number.isFinite(seconds) || setEpochMsTime(event, seconds * 1000);
    const { payload } = decoded;
    event.datacontenttype = payload.datacontenttype;
    if (payload.data_base64 === undefined) event.data = payload.data;
    else event.data_base64 = payload.data_base64;
    addDelivery(event, carrier, partitionKey, subsequence);
    return [trustedCloudEvent(event, where, timeChecked)];
  };
  const path = `${where}.kinesis.data`;
  const subRecords = isKplAggregate(bytes) ? deaggregate(bytes, path) : undefined;
  if (subRecords === undefined)
    return { ref: sequenceNumber, events: events(eventId, data.partitionKey, path, bytes) };
  return {
    ref: sequenceNumber,
    events: subRecords.flatMap((sub, i) =>
      events(`${eventId}/${i}`, sub.partitionKey, `${path} (sub-record ${i})`, sub.data, i),
    ),
  };
}

/** What every event of one Kinesis record shares. */
interface Carrier {
  readonly awsregion: string | undefined;
  readonly sequence: string;
  readonly shardid: string | undefined;
}

/** The delivery extensions, in their usual order, leaving out those without a value. */
function addDelivery(target: EventInit, carrier: Carrier, partitionKey: string, subsequence?: number): void {
  if (carrier.awsregion !== undefined) target.awsregion = carrier.awsregion;
  if (partitionKey !== '') target.partitionkey = partitionKey;
  target.sequence = carrier.sequence;
  if (carrier.shardid !== undefined) target.shardid = carrier.shardid;
  if (subsequence !== undefined) target.subsequence = subsequence;
}

type Decoded = { readonly payload: Payload } | { readonly events: readonly CloudEvent[] };

/**
 * gzip (`1f 8b`) is gunzipped first; a CloudWatch Logs subscription payload becomes its log events (none
 * for the `CONTROL_MESSAGE` health check), a DynamoDB change record its change event (the mappings of
 * the direct CloudWatch Logs and DynamoDB Streams sources); anything else is JSON, text or bytes.
 */
function decodeData(bytes: Uint8Array, path: string, streamArn: string, options: NormalizeOptions): Decoded {
  const plain = isGzip(bytes) ? gunzip(bytes, path) : bytes;
  const payload = bytesPayload(plain);
  const value = payload.data;
  if (
    plain !== bytes &&
    isObject(value) &&
    typeof value.messageType === 'string' &&
    Array.isArray(value.logEvents)
  ) {
    const logs = cloudWatchLogsFromGzip(bytes, {
      where: path,
      logEvents: options.logEvents,
      maxDecompressedBytes: MAX_GUNZIPPED_BYTES,
    });
    // One unreadable log line fails its Kinesis record: the stream is retried from there as a unit.
    const [first] = logs.rejected;
    if (first !== undefined) throw first.error;
    return { events: logs.events };
  }
  if (isDynamoDbChange(value)) return { events: [dynamoDbChangeToEvent(value, { where: path, streamArn })] };
  return { payload };
}

function gunzip(bytes: Uint8Array, path: string): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED_BYTES });
  } catch (error) {
    throw invalid(
      `${path} is gzip data that cannot be decompressed within ${MAX_GUNZIPPED_BYTES} bytes ` +
        `(${error instanceof Error ? error.message : String(error)}).`,
      path,
    );
  }
}
