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
  label: 'SQS batch',
  detect(raw) {
    if (!isObject(raw) || !Array.isArray(raw.Records)) return false;
    const first: unknown = raw.Records[0];
    return isObject(first) && first.eventSource === 'aws:sqs';
  },
  normalize(raw) {
    const records = (raw as { Records: SQSRecord[] }).Records;
    const items: BatchItem[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) items[i] = normalizeRecord(records[i] as SQSRecord, i);
    return { source: 'aws:sqs', items };
  },
};

function normalizeRecord(record: SQSRecord, index: number): BatchItem {
  if (typeof record.messageId !== 'string' || typeof record.body !== 'string') {
    throw new TriggerError(
      'E_SOURCE_INVALID',
      `Records[${index}] is not an SQS message: it needs a string \`messageId\` and \`body\`.`,
      { path: `Records[${index}]` },
    );
  }
  const body = readBody(record.body);
  const attributes = record.attributes ?? ({} as SQSRecord['attributes']);
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
    time: epochMsToIso(attributes.SentTimestamp),
    datacontenttype: typeof body === 'string' ? 'text/plain' : 'application/json',
    awsregion: record.awsRegion,
    deliverycount: Number(attributes.ApproximateReceiveCount ?? 1),
  };
  if (attributes.MessageGroupId !== undefined) event.partitionkey = attributes.MessageGroupId;
  // The sequence extension must order lexicographically: zero-pad the 128-bit decimal to 39 digits.
  if (attributes.SequenceNumber !== undefined) event.sequence = attributes.SequenceNumber.padStart(39, '0');
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

function epochMsToIso(value: string | undefined): string | undefined {
  const ms = Number(value);
  return value === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();
}
