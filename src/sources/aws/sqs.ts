/**
 * Amazon SQS batches. Each record keeps its `messageId` as `ref`, so failures can be reported as
 * `batchItemFailures`; FIFO batches are `ordered`. A body that is an SNS notification, an S3 notification,
 * an EventBridge event or a structured CloudEvent is unwrapped (the inner event wins, see unwrap.ts); an
 * S3 test event or SNS confirmation in a body is acknowledged without reaching a handler.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
import { trustedCloudEvent } from '../../cloud-event.js';
import { describeValue } from '../kit/describe.js';
import { readJsonOrText } from '../kit/payload.js';
import {
  collectRecords,
  type EventInit,
  extensionName,
  finishEvent,
  invalid,
  setIfAbsent,
} from '../kit/records.js';
import { setEpochMsTime } from '../kit/time.js';
import { type Batch, isObject, type JsonObject, type RecordBatch } from '../types.js';
import { carried, unwrapEnvelope } from './unwrap.js';
import { traceparentFromXray } from './xray.js';

export { traceparentFromXray } from './xray.js';

export const SQS_MESSAGE_TYPE = 'com.amazonaws.sqs.message';

/** An SQS batch (detected by catalog.ts: `Records[0].eventSource` is `aws:sqs`). */
export function normalize(raw: RecordBatch): Batch {
  const records = raw.Records;
  const first = records[0] as JsonObject;
  // A FIFO queue's name ends in `.fifo`; its messages must be handled in order (stop at the first failure).
  const fifo = typeof first.eventSourceARN === 'string' && first.eventSourceARN.endsWith('.fifo');
  return collectRecords(
    { source: 'aws:sqs', reply: 'batch-item-failures', ...(fifo ? { ordered: true } : {}) },
    records.length,
    (i) => readRecord(records[i], i),
    (i) => {
      const record = records[i];
      return isObject(record) && typeof record.messageId === 'string' && record.messageId !== ''
        ? record.messageId
        : `Records[${i}]`;
    },
  );
}

function readRecord(record: unknown, index: number) {
  const where = `Records[${index}]`;
  if (
    !isObject(record) ||
    typeof record.messageId !== 'string' ||
    record.messageId === '' ||
    typeof record.body !== 'string' ||
    typeof record.eventSourceARN !== 'string' ||
    record.eventSourceARN === ''
  ) {
    throw invalid(
      `${where} is not an SQS message (got ${describeValue(record)}): it needs a non-empty string \`messageId\`, ` +
        'a string `body` and a non-empty string `eventSourceARN`.',
      where,
    );
  }
  const messageId = record.messageId;
  const attributes = isObject(record.attributes) ? record.attributes : {};
  const body = readJsonOrText(record.body);
  const inner = unwrapEnvelope(body, `${where}.body`);
  if (inner !== undefined) {
    if ('control' in inner) return { ref: messageId, events: [] };
    const carrier: EventInit = { sqsmessageid: messageId };
    addDelivery(carrier, attributes);
    const events = inner.inits.map((init) => finishEvent(carried(init, 'sqs', carrier), `${where}.body`));
    return { ref: messageId, events };
  }
  // Built in its final shape (no undefined values) and frozen as is: only the attributes copied from
  // the record are checked again (see trustedCloudEvent); the extensions are valid by construction.
  const event: EventInit = {
    specversion: '1.0',
    id: messageId,
    source: record.eventSourceARN,
    type: SQS_MESSAGE_TYPE,
  };
  const timeChecked = setEpochMsTime(event, attributes.SentTimestamp);
  event.datacontenttype = typeof body === 'string' ? 'text/plain' : 'application/json';
  event.data = body;
  if (typeof record.awsRegion === 'string') event.awsregion = record.awsRegion;
  addDelivery(event, attributes);
  addMessageAttributes(event, record.messageAttributes);
  return { ref: messageId, events: [trustedCloudEvent(event, where, timeChecked)] };
}

/** Delivery facts of the SQS record, kept on unwrapped events too (unless the inner event sets them). */
function addDelivery(target: EventInit, attributes: JsonObject): void {
  const received = attributes.ApproximateReceiveCount ?? 1;
  // Only a string or a number is read: `Number` of an object runs its `toString`/`valueOf`, which may throw.
  const count = typeof received === 'string' || typeof received === 'number' ? Number(received) : Number.NaN;
  if (Number.isSafeInteger(count) && count >= 0 && count < 2 ** 31) target.deliverycount = count;
  if (typeof attributes.MessageGroupId === 'string') target.partitionkey = attributes.MessageGroupId;
  // The sequence extension must order lexicographically: zero-pad the 128-bit decimal to 39 digits.
  const sequence = attributes.SequenceNumber;
  if (typeof sequence === 'string' && /^\d{1,39}$/.test(sequence))
    target.sequence = sequence.padStart(39, '0');
  const traceparent = traceparentFromXray(attributes.AWSTraceHeader);
  if (traceparent !== undefined) target.traceparent = traceparent;
}

/**
 * Message attributes as `sqsattr<name>` extensions (name lower-cased, `a-z0-9` only); binary values stay
 * base64. Names that do not fit the 20-character limit, or clash with an earlier one, are left out: the
 * raw attributes remain on the record, see docs/sources/aws-queues.md.
 */
function addMessageAttributes(init: EventInit, attributes: unknown): void {
  if (!isObject(attributes)) return;
  for (const [name, attribute] of Object.entries(attributes)) {
    const ext = extensionName('sqsattr', name);
    if (ext === undefined || !isObject(attribute)) continue;
    const value = attribute.stringValue ?? attribute.binaryValue;
    if (typeof value === 'string') setIfAbsent(init, ext, value);
  }
}
