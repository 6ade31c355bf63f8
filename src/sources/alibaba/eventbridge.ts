/**
 * Alibaba Cloud EventBridge events: already CloudEvents 1.0, with `aliyun*` extensions (`aliyuneventbusname`,
 * `aliyunregionid`, `aliyunaccountid`, `aliyunpublishtime`, `aliyunpublishaddr`, `aliyunoriginalaccountid`…),
 * one per invoke or a JSON array from Function Compute 3.0 event streams. They are kept as they are, all
 * extensions included, except where Alibaba bends the format:
 * - `data` sent as a JSON string although `datacontenttype` is JSON is parsed;
 * - a `time` that is not RFC 3339 (docs show `…149Asia/Shanghai`) moves to `aliyunoriginaltime`;
 * - `aliyun*` values that are not valid extension values become strings;
 * - DTS records get the change view (`dts.ts`); RocketMQ messages carrying a CloudEvent by the RocketMQ
 *   binding give that inner event (`rocketmq.ts`).
 * This source must be tried before the generic structured-CloudEvent one, which would otherwise take them.
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-overview
 */
import { type CloudEvent, fromStructured, isJsonContentType, isRfc3339 } from '../../cloud-event.js';
import { readJsonText, text } from '../kit/payload.js';
import { collect, toBatch } from '../kit/records.js';
import { type Batch, isObject, type JsonObject } from '../types.js';
import { dtsChangeAttributes, isDtsRecord } from './dts.js';
import { rocketMqBindingEvent } from './rocketmq.js';

const INT32 = 2 ** 31;

/**
 * One Alibaba EventBridge event as a valid CloudEvent (see the module comment for what changes).
 * Throws `E_CLOUDEVENT_INVALID` naming `where` when it cannot be made one.
 *
 * @example
 * alibabaCloudEvent({ specversion: '1.0', id: '1', source: 'acs.oss', type: 'oss:ObjectCreated:PutObject',
 *   aliyunregionid: 'cn-hangzhou', datacontenttype: 'application/json', data: '{"a":1}' }, 'event').data // { a: 1 }
 */
export function alibabaCloudEvent(value: unknown, where: string): CloudEvent {
  if (!isObject(value)) return fromStructured(value, where);
  let attributes: JsonObject = { ...value };
  for (const [name, v] of Object.entries(attributes)) {
    if (name.startsWith('aliyun') && v !== null && v !== undefined && !isExtensionValue(v))
      attributes[name] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  if (typeof attributes.time === 'string' && !isRfc3339(attributes.time)) {
    attributes.aliyunoriginaltime = attributes.time;
    delete attributes.time;
  }
  const contentType = text(attributes.datacontenttype);
  if (typeof attributes.data === 'string' && contentType !== undefined && isJsonContentType(contentType)) {
    const { value: parsed, json } = readJsonText(attributes.data);
    if (json) attributes.data = parsed;
  }
  if (isDtsRecord(attributes.data)) attributes = dtsChangeAttributes(attributes, where);
  const data = attributes.data;
  if (isObject(data) && 'userProperties' in data && 'body' in data) {
    const system = isObject(data.systemProperties) ? data.systemProperties : {};
    const msgId = text(data.msgId) ?? text(system.UNIQ_KEY) ?? text(attributes.id);
    const inner = rocketMqBindingEvent(
      { body: data.body, userProperties: data.userProperties, msgId },
      `${where}.data`,
    );
    if (inner !== undefined) return inner;
  }
  return fromStructured(attributes, where);
}

function isExtensionValue(v: unknown): boolean {
  return (
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    (Number.isInteger(v) && (v as number) >= -INT32 && (v as number) < INT32)
  );
}

/** An Alibaba EventBridge CloudEvent, or an array of them (detected by eventbridge-detect.ts). */
export function normalize(raw: JsonObject | unknown[]): Batch {
  if (!Array.isArray(raw)) {
    const event = alibabaCloudEvent(raw, 'CloudEvent');
    return toBatch('alibaba:eventbridge', 'throw', { items: [{ event, ref: event.id }], rejected: [] });
  }
  const collected = collect(
    raw,
    (entry, i) => {
      const event = alibabaCloudEvent(entry, `[${i}]`);
      return { event, ref: event.id };
    },
    (entry, i) => (isObject(entry) && text(entry.id)) || `[${i}]`,
  );
  return toBatch('alibaba:eventbridge', 'throw', collected);
}
