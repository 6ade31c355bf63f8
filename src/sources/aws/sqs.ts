/**
 * Amazon SQS batches. Each record keeps its `messageId` as `ref`, so failures can be reported as
 * `batchItemFailures`. A body that is itself a structured CloudEvent passes through (the inner event wins).
 */
import type { SQSRecord } from 'aws-lambda';
import { type CloudEvent, createCloudEvent } from '../../cloud-event.js';
import { TriggerError } from '../../errors.js';
import { type BatchItem, isObject, type Source } from '../types.js';

export const SQS_MESSAGE_TYPE = 'com.amazonaws.sqs.message';

export const sqs: Source = {
  kind: 'aws:sqs',
  reply: 'batch-item-failures',
  label: 'SQS batch',
  detect(raw) {
    if (!isObject(raw) || !Array.isArray(raw.Records)) return false;
    const first: unknown = raw.Records[0];
    return isObject(first) && first.eventSource === 'aws:sqs';
  },
  normalize(raw) {
    const records = (raw as { Records: unknown[] }).Records;
    const items: BatchItem[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) items[i] = normalizeRecord(records[i], i);
    return { source: 'aws:sqs', reply: 'batch-item-failures', items };
  },
};

function normalizeRecord(raw: unknown, index: number): BatchItem {
  if (!isSqsRecord(raw)) {
    throw new TriggerError(
      'E_SOURCE_INVALID',
      `Records[${index}] is not an SQS message (${seen(raw)}): it needs a non-empty string \`messageId\`, ` +
        'a string `body` and a non-empty string `eventSourceARN`.',
      { path: `Records[${index}]` },
    );
  }
  const record = raw as SQSRecord;
  const body = readBody(record.body);
  const attributes: Partial<SQSRecord['attributes']> = isObject(record.attributes) ? record.attributes : {};
  if (isObject(body) && typeof body.specversion === 'string') {
    const inner = createCloudEvent(
      { ...(body as object), sqsmessageid: record.messageId } as never,
      `Records[${index}].body`,
    );
    return Object.freeze({ event: inner, ref: record.messageId });
  }
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: record.messageId,
    source: record.eventSourceARN,
    type: SQS_MESSAGE_TYPE,
  };
  // Optional attributes are set only when the record has them: an own `undefined` key is not "unset".
  const time = epochMsToIso(attributes.SentTimestamp);
  if (time !== undefined) event.time = time;
  event.datacontenttype = typeof body === 'string' ? 'text/plain' : 'application/json';
  if (typeof record.awsRegion === 'string') event.awsregion = record.awsRegion;
  const deliveryCount = Number(attributes.ApproximateReceiveCount ?? 1);
  if (Number.isInteger(deliveryCount)) event.deliverycount = deliveryCount;
  if (typeof attributes.MessageGroupId === 'string') event.partitionkey = attributes.MessageGroupId;
  // The sequence extension must order lexicographically: zero-pad the 128-bit decimal to 39 digits.
  if (typeof attributes.SequenceNumber === 'string')
    event.sequence = attributes.SequenceNumber.padStart(39, '0');
  event.data = body;
  return Object.freeze({ event: Object.freeze(event) as CloudEvent, ref: record.messageId });
}

/** JSON when the body is JSON, the text itself otherwise: SQS bodies are often not JSON at all. */
function readBody(body: string): unknown {
  const first = body.charCodeAt(0);
  // '{' or '[': only then is a parse attempt worth it.
  if (first === 123 || first === 91) {
    try {
      return JSON.parse(body);
    } catch {
      return body;
    }
  }
  return body;
}

function isSqsRecord(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.messageId === 'string' &&
    value.messageId !== '' &&
    typeof value.body === 'string' &&
    typeof value.eventSourceARN === 'string' &&
    value.eventSourceARN !== ''
  );
}

function seen(value: unknown): string {
  return isObject(value)
    ? `got keys ${Object.keys(value).join(', ') || '(none)'}`
    : `got ${JSON.stringify(value)}`;
}

/** `SentTimestamp` is epoch milliseconds as a string; anything else (or out of Date's range) leaves `time` unset. */
function epochMsToIso(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const date = new Date(Number(value));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
