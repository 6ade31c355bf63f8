/**
 * The native Function Compute trigger of an Alibaba Cloud MNS (Simple Message Queue) topic, in its two
 * event formats: JSON (`TopicOwner`, `TopicName`, `MessageId`, `Message`, `PublishTime`…, plus one key per
 * message attribute) and STREAM with attributes (`{ body, attrs }`). STREAM without attributes passes the
 * bare message text, which no shape test can tell from any other string: use the JSON format.
 * The message body is kept as published (JSON parsed when it is JSON): the trigger does not re-encode it;
 * if the publisher base64-encoded it (some MNS SDKs do by default), so does the event.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers-1
 */
import { createHash } from 'node:crypto';
import { createCloudEvent } from '../../cloud-event.js';
import { describeValue } from '../kit/describe.js';
import { readJsonText, text } from '../kit/payload.js';
import { invalidRecord } from '../kit/records.js';
import { epochToIso } from '../kit/time.js';
import type { Batch, JsonObject } from '../types.js';
import { isMnsJsonFormat } from './mns-detect.js';

export const MNS_TOPIC_MESSAGE_TYPE = 'com.aliyun.mns.topic.message';

/** Keys of the JSON format; any other top-level key is a message attribute. */
const ENVELOPE = new Set([
  'TopicOwner',
  'TopicName',
  'Subscriber',
  'SubscriptionName',
  'MessageId',
  'MessageMD5',
  'MessageTag',
  'Message',
  'PublishTime',
]);

/** An MNS topic trigger event, in either format (detected by mns-detect.ts). */
export function normalize(raw: JsonObject): Batch {
  const message = raw as Record<string, unknown>;
  const event = isMnsJsonFormat(message) ? fromJsonFormat(message) : fromStreamFormat(message);
  return Object.freeze({
    source: 'alibaba:mns',
    reply: 'throw' as const,
    items: Object.freeze([Object.freeze({ event, ref: event.id })]),
  });
}

function fromJsonFormat(raw: Record<string, unknown>) {
  const id = text(raw.MessageId);
  const topic = text(raw.TopicName);
  if (id === undefined || topic === undefined || typeof raw.Message !== 'string') {
    throw invalidRecord(
      'MNS topic message',
      `needs a \`MessageId\`, a \`TopicName\` and a string \`Message\` (got ${describeValue(raw)})`,
    );
  }
  const attributes = Object.fromEntries(Object.entries(raw).filter(([name]) => !ENVELOPE.has(name)));
  return messageEvent(raw.Message, attributes, {
    id,
    source: `acs:mns::${text(raw.TopicOwner) ?? ''}:topics/${topic}`,
    subject: text(raw.SubscriptionName),
    time: epochToIso(raw.PublishTime, 'ms'),
    mnsmessagemd5: text(raw.MessageMD5),
    mnsmessagetag: text(raw.MessageTag),
  });
}

/**
 * STREAM carries no message id, topic or time: the id is a digest of the message and its attributes, so the
 * same delivery retried keeps its id — and two identical messages share one. Prefer the JSON format.
 */
function fromStreamFormat(raw: Record<string, unknown>) {
  const body = raw.body as string;
  const attributes = raw.attrs as Record<string, unknown>;
  const digest = createHash('sha256')
    .update(JSON.stringify([body, attributes]))
    .digest('hex')
    .slice(0, 32);
  return messageEvent(body, attributes, { id: `sha256:${digest}`, source: 'acs.mns' });
}

type Envelope = { readonly id: string; readonly source: string } & Readonly<Record<string, unknown>>;

function messageEvent(body: string, attributes: Record<string, unknown>, envelope: Envelope) {
  const { value, json } = readJsonText(body);
  return createCloudEvent(
    {
      ...envelope,
      type: MNS_TOPIC_MESSAGE_TYPE,
      datacontenttype: json ? 'application/json' : 'text/plain',
      // Attribute names are free-form; one JSON-text extension keeps them all, whatever they are called.
      mnsattributes: Object.keys(attributes).length > 0 ? JSON.stringify(attributes) : undefined,
      data: value,
    },
    'MNS topic message',
  );
}
