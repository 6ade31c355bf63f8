/**
 * Amazon MQ batches: ActiveMQ (`messages[]` with `messageID` and `messageType`; the `eventSource` is
 * `aws:mq` in AWS's own fixtures and `aws:amq` in others, so the shape decides) and RabbitMQ
 * (`rmqMessagesByQueue`, keyed `"<queue>::<vhost>"`). Data is base64. Amazon MQ has no partial-batch
 * response: a failure is thrown and the whole batch is redelivered (`redelivered: true`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-mq.html
 */
import { createHash } from 'node:crypto';
import { decodeBase64 } from '../kit/base64.js';
import { describeValue } from '../kit/describe.js';
import { bytesPayload, typedPayload } from '../kit/payload.js';
import {
  collectRecords,
  type EventInit,
  extensionName,
  finishEvent,
  invalid,
  setIfAbsent,
} from '../kit/records.js';
import { epochMsToIso } from '../kit/time.js';
import { type Batch, isObject, type JsonObject } from '../types.js';
import { isActiveMq } from './mq-detect.js';

export const ACTIVEMQ_MESSAGE_TYPE = 'com.amazonaws.mq.activemq.message';
export const RABBITMQ_MESSAGE_TYPE = 'com.amazonaws.mq.rabbitmq.message';

interface Entry {
  readonly queue: string | undefined;
  readonly message: unknown;
  readonly path: string;
}

/** An ActiveMQ or RabbitMQ batch (detected by catalog.ts, see mq-detect.ts). */
export function normalize(batch: JsonObject): Batch {
  const arn = typeof batch.eventSourceArn === 'string' ? batch.eventSourceArn : '';
  if (arn === '')
    throw invalid(
      `The Amazon MQ batch has no \`eventSourceArn\` (got ${describeValue(batch.eventSourceArn)}): Lambda sends the ` +
        "broker's ARN there, and it is every event's `source`; record the event as Lambda delivers it.",
      'eventSourceArn',
    );
  const entries: Entry[] = [];
  if (isActiveMq(batch)) {
    for (const [i, message] of (batch.messages as unknown[]).entries()) {
      entries.push({ queue: undefined, message, path: `messages[${i}]` });
    }
  } else {
    for (const [queue, list] of Object.entries(batch.rmqMessagesByQueue as JsonObject)) {
      const messages: unknown[] = Array.isArray(list) ? list : [list];
      for (const [i, message] of messages.entries()) {
        entries.push({ queue, message, path: `rmqMessagesByQueue[${JSON.stringify(queue)}][${i}]` });
      }
    }
  }
  const read = (entry: Entry) =>
    entry.queue === undefined ? activeMqEvent(arn, entry) : rabbitMqEvent(arn, entry.queue, entry);
  return collectRecords(
    { source: 'aws:mq', reply: 'throw' },
    entries.length,
    (i) => {
      const event = read(entries[i] as Entry);
      return { ref: event.id, events: [event] };
    },
    (i) => {
      const message = (entries[i] as Entry).message;
      return isObject(message) && typeof message.messageID === 'string' && message.messageID !== ''
        ? message.messageID
        : (entries[i] as Entry).path;
    },
    (i) => (entries[i] as Entry).path,
  );
}

function activeMqEvent(arn: string, { message, path }: Entry) {
  if (!isObject(message) || typeof message.messageID !== 'string' || message.messageID === '') {
    throw invalid(
      `${path} is not an ActiveMQ message (got ${describeValue(message)}): it needs a non-empty string \`messageID\` ` +
        'and base64 `data`.',
      path,
    );
  }
  const destination = isObject(message.destination) ? message.destination.physicalName : undefined;
  const init: EventInit = {
    id: message.messageID,
    source: typeof destination === 'string' && destination !== '' ? `${arn}/${destination}` : arn,
    type: ACTIVEMQ_MESSAGE_TYPE,
    time: epochMsToIso(message.timestamp),
    ...(message.data == null ? {} : bytesPayload(decodeBase64(message.data, `${path}.data`))),
    correlationid: typeof message.correlationId === 'string' ? message.correlationId : undefined,
    redelivered: typeof message.redelivered === 'boolean' ? message.redelivered : undefined,
  };
  if (isObject(message.properties)) {
    for (const [name, value] of Object.entries(message.properties)) {
      const ext = extensionName('mqprop', name);
      if (ext !== undefined && (typeof value === 'string' || typeof value === 'boolean'))
        setIfAbsent(init, ext, value);
    }
  }
  return finishEvent(init, path);
}

function rabbitMqEvent(arn: string, queueKey: string, { message, path }: Entry) {
  const properties = isObject(message) ? message.basicProperties : undefined;
  if (!isObject(message) || !isObject(properties)) {
    throw invalid(
      `${path} is not a RabbitMQ message (got ${describeValue(message)}): it needs \`basicProperties\` and base64 \`data\`.`,
      path,
    );
  }
  const split = queueKey.lastIndexOf('::');
  const [queue, vhost] = split < 0 ? [queueKey, '/'] : [queueKey.slice(0, split), queueKey.slice(split + 2)];
  const data = message.data == null ? undefined : decodeBase64(message.data, `${path}.data`);
  const contentType = typeof properties.contentType === 'string' ? properties.contentType : undefined;
  const init: EventInit = {
    // Without a messageId, a digest of the message: the same delivery always gets the same id.
    id:
      typeof properties.messageId === 'string' && properties.messageId !== ''
        ? properties.messageId
        : `rmq-${digest([queueKey, properties, message.data])}`,
    source: `${arn}/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`,
    type: RABBITMQ_MESSAGE_TYPE,
    time: rabbitTimestamp(properties.timestamp),
    ...(data === undefined ? {} : typedPayload(data, contentType)),
    correlationid: typeof properties.correlationId === 'string' ? properties.correlationId : undefined,
    redelivered: typeof message.redelivered === 'boolean' ? message.redelivered : undefined,
    // AMQP's application-defined message type.
    mqtype: typeof properties.type === 'string' && properties.type !== '' ? properties.type : undefined,
  };
  if (isObject(properties.headers)) {
    for (const [name, value] of Object.entries(properties.headers)) {
      const ext = extensionName('mqhdr', name);
      const text = headerText(value);
      if (ext !== undefined && text !== undefined) setIfAbsent(init, ext, text);
    }
  }
  return finishEvent(init, path);
}

/** Header values are `{ bytes: [...] }` (long strings), numbers or strings. */
function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isObject(value) && Array.isArray(value.bytes) && value.bytes.every((b) => Number.isInteger(b))) {
    return Buffer.from(Uint8Array.from(value.bytes as number[], (b) => b & 0xff)).toString('utf8');
  }
  return undefined;
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RABBIT_TIME = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})[\s\u202f]([AP]M)$/;

/**
 * `basicProperties.timestamp` arrives formatted like `"Jan 1, 1970, 12:33:41 AM"` (no zone: read as UTC);
 * anything else leaves `time` unset.
 */
function rabbitTimestamp(value: unknown): string | undefined {
  const match = typeof value === 'string' ? RABBIT_TIME.exec(value) : null;
  if (match === null) return undefined;
  const [, month = '', day, year, hour, minute, second, half] = match;
  const monthIndex = MONTHS.indexOf(month);
  const hours = (Number(hour) % 12) + (half === 'PM' ? 12 : 0);
  if (monthIndex < 0 || Number(hour) > 12 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const date = new Date(
    Date.UTC(Number(year), monthIndex, Number(day), hours, Number(minute), Number(second)),
  );
  return date.getUTCDate() === Number(day) ? date.toISOString() : undefined;
}
