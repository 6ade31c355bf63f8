/**
 * RocketMQ messages: the CloudEvents RocketMQ binding (`CE_`-prefixed user properties in binary mode, a
 * JSON CloudEvent body when `CE_contenttype` is `application/cloudevents…`), used both for ApsaraMQ
 * messages that Alibaba EventBridge delivers (`data.userProperties`, `data.body`) and for the array a
 * self-managed Apache RocketMQ trigger delivers (`[{ msgId, topic, systemProperties, userProperties, body }]`).
 * Invocations are asynchronous: a failure is thrown and the delivery retried.
 * @see https://github.com/cloudevents/spec/blob/main/cloudevents/bindings/rocketmq-protocol-binding.md
 */
import { type CloudEvent, createCloudEvent, fromStructured, isJsonContentType } from '../../cloud-event.js';
import { describeValue } from '../kit/describe.js';
import { readJsonText, text } from '../kit/payload.js';
import { collect, invalidRecord, toBatch } from '../kit/records.js';
import { epochToIso } from '../kit/time.js';
import { type Batch, isObject, type JsonObject } from '../types.js';

export const ROCKETMQ_MESSAGE_TYPE = 'org.apache.rocketmq.message';
const PREFIX = 'CE_';
/** The binding names the content type `CE_contenttype`; some SDKs write `CE_datacontenttype`. */
const CONTENT_TYPE = ['CE_contenttype', 'CE_datacontenttype'];

export interface RocketMqMessage {
  readonly body: unknown;
  readonly userProperties: unknown;
  /** The message id, kept on the inner event as `rocketmqmsgid` (like `sqsmessageid`). */
  readonly msgId?: string;
}

/**
 * The CloudEvent a RocketMQ message carries by the CloudEvents binding, or undefined when its user
 * properties have no `CE_` attributes. Throws `E_SOURCE_INVALID` / `E_CLOUDEVENT_INVALID` naming `where`
 * when the message claims to be a CloudEvent but is not a valid one.
 */
export function rocketMqBindingEvent(message: RocketMqMessage, where: string): CloudEvent | undefined {
  const props = isObject(message.userProperties) ? message.userProperties : {};
  const contentType = CONTENT_TYPE.map((name) => props[name]).find((v) => typeof v === 'string') as
    | string
    | undefined;
  const body = typeof message.body === 'string' ? message.body : undefined;
  if (contentType?.toLowerCase().startsWith('application/cloudevents')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body ?? '');
    } catch {
      throw invalidRecord(
        `${where}.body`,
        'is not JSON, but CE_contenttype says it is a structured CloudEvent',
      );
    }
    if (!isObject(parsed))
      throw invalidRecord(`${where}.body`, `is not a CloudEvent object (got ${describeValue(parsed)})`);
    return fromStructured({ ...parsed, rocketmqmsgid: message.msgId }, `${where}.body`);
  }
  if (props.CE_specversion === undefined && props.CE_id === undefined) return undefined;
  const attributes: JsonObject = {};
  for (const [name, value] of Object.entries(props)) {
    if (!name.startsWith(PREFIX) || CONTENT_TYPE.includes(name)) continue;
    attributes[name.slice(PREFIX.length).toLowerCase()] = value;
  }
  return createCloudEvent(
    {
      ...attributes,
      rocketmqmsgid: message.msgId,
      datacontenttype: contentType,
      data: body === undefined ? message.body : bodyData(body, contentType),
    },
    `${where}.userProperties`,
  );
}

/** A body declared JSON is parsed (any JSON value); without a content type only objects and arrays are. */
function bodyData(body: string, contentType: string | undefined): unknown {
  if (contentType === undefined) return readJsonText(body).value;
  if (!isJsonContentType(contentType)) return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** The array a self-managed Apache RocketMQ trigger delivers: one message per entry. */
export function normalize(raw: unknown[]): Batch {
  const collected = collect(
    raw as unknown[],
    (message, i) => {
      const event = rocketMqMessageToEvent(message, `[${i}]`);
      return { event, ref: event.id };
    },
    (message, i) => (isObject(message) && text(message.msgId)) || `[${i}]`,
  );
  return toBatch('rocketmq', 'throw', collected);
}

function rocketMqMessageToEvent(message: unknown, where: string): CloudEvent {
  const system = isObject(message) && isObject(message.systemProperties) ? message.systemProperties : {};
  const id = isObject(message) ? (text(message.msgId) ?? text(system.UNIQ_KEY)) : undefined;
  const topic = isObject(message) ? text(message.topic) : undefined;
  if (!isObject(message) || id === undefined || topic === undefined || typeof message.body !== 'string') {
    throw invalidRecord(
      where,
      `is not a RocketMQ message: it needs \`msgId\`, \`topic\` and a string \`body\` (got ${describeValue(message)})`,
    );
  }
  const inner = rocketMqBindingEvent(
    { body: message.body, userProperties: message.userProperties, msgId: id },
    where,
  );
  if (inner !== undefined) return inner;
  const { value, json } = readJsonText(message.body);
  return createCloudEvent(
    {
      id,
      source: `rocketmq://${text(system.CLUSTER) ?? ''}/${topic}`,
      type: ROCKETMQ_MESSAGE_TYPE,
      time: epochToIso(system.BORN_TIMESTAMP, 'ms'),
      datacontenttype: json ? 'application/json' : 'text/plain',
      rocketmqtags: text(system.TAGS),
      rocketmqkeys: text(system.KEYS),
      data: value,
    },
    where,
  );
}
