/**
 * Alibaba Cloud OSS notifications as the native Function Compute OSS trigger delivers them
 * (`events[]` with `eventSource: "acs:oss"`). Each entry becomes the CloudEvent EventBridge would deliver
 * for it — `source` `acs.oss`, `type` `oss:<eventName>`, `subject` `acs:oss:<region>:<owner>:<bucket>/<key>`,
 * the entry as `data` — so one rule matches OSS events whichever way they arrive.
 * The trigger is an asynchronous invoke: a failure is thrown and the whole invocation retried.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers-1
 */
import { createCloudEvent } from '../../cloud-event.js';
import { describeValue } from '../kit/describe.js';
import { text } from '../kit/payload.js';
import { collect, invalidRecord, toBatch } from '../kit/records.js';
import { type Batch, isObject, type JsonObject } from '../types.js';

export const OSS_EVENT_SOURCE = 'acs.oss';

/**
 * How the notification spells object keys. Alibaba's own trigger samples pass `oss.object.key` straight to
 * the OSS SDK (which percent-encodes on its own), and no encoded key was found in any documented sample:
 * keys arrive as the raw UTF-8 name. [verify] against a live capture of a key with spaces or non-ASCII
 * characters; if it is percent-encoded there, set this to 'url'.
 */
export const OSS_KEY_ENCODING: 'raw' | 'url' = 'raw';

export function decodeOssKey(key: string): string {
  if (OSS_KEY_ENCODING === 'raw') return key;
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

/** A native OSS trigger event (detected by catalog.ts: `events[0].eventSource` is `acs:oss`). */
export function normalize(raw: { events: unknown[] }): Batch {
  const entries = (raw as { events: unknown[] }).events;
  const collected = collect(
    entries,
    (entry, i) => {
      const event = ossEntryToEvent(entry, `events[${i}]`);
      return { event, ref: event.id };
    },
    (_, i) => `events[${i}]`,
  );
  return toBatch('alibaba:oss', 'throw', collected);
}

function ossEntryToEvent(entry: unknown, where: string) {
  const oss = isObject(entry) && isObject(entry.oss) ? entry.oss : undefined;
  const bucket = oss && isObject(oss.bucket) ? oss.bucket : undefined;
  const object = oss && isObject(oss.object) ? oss.object : undefined;
  const eventName = isObject(entry) ? text(entry.eventName) : undefined;
  const bucketName = bucket ? text(bucket.name) : undefined;
  const rawKey = object ? text(object.key) : undefined;
  if (!isObject(entry) || eventName === undefined || bucketName === undefined || rawKey === undefined) {
    throw invalidRecord(
      where,
      `is not an OSS notification: it needs \`eventName\`, \`oss.bucket.name\` and \`oss.object.key\` (got ${describeValue(entry)})`,
    );
  }
  const key = decodeOssKey(rawKey);
  const region = text(entry.region) ?? '';
  const owner = text((bucket as JsonObject).ownerIdentity) ?? '';
  const requestId = isObject(entry.responseElements) ? text(entry.responseElements.requestId) : undefined;
  const time = text(entry.eventTime);
  return createCloudEvent(
    {
      // A request can touch several objects (DeleteObjects): the key makes the id unique per object.
      id: `${requestId ?? `${time ?? ''}:${text((object as JsonObject).eTag) ?? ''}`}:${key}`,
      source: OSS_EVENT_SOURCE,
      type: `oss:${eventName}`,
      subject: `acs:oss:${region}:${owner}:${bucketName}/${key}`,
      time,
      datacontenttype: 'application/json',
      aliyunregionid: region || undefined,
      aliyunaccountid: owner || undefined,
      data: entry,
    },
    where,
  );
}
