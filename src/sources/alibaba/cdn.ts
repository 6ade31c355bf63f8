/**
 * Alibaba Cloud CDN events as the Function Compute CDN events trigger delivers them (`events[]` with
 * `eventSource: "cdn"`): cache refreshes and pushes, blocked objects, log files ready, domains added,
 * removed, started and stopped. Each entry becomes one event — `source` `acs.cdn`, `type`
 * `cdn:<eventName>`, `subject` the domain, the entry as `data` — identified by its `traceId` (and its
 * position, should one notification carry several entries under one trace).
 * The trigger is an asynchronous invoke: a failure is thrown and the whole invocation retried.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers-1
 */
import { createCloudEvent } from '../../cloud-event.js';
import { describeValue } from '../kit/describe.js';
import { text } from '../kit/payload.js';
import { collect, invalidRecord, toBatch } from '../kit/records.js';
import { type Batch, isObject } from '../types.js';

export const CDN_EVENT_SOURCE = 'acs.cdn';

/** A CDN events trigger event (detected by catalog.ts: `events[0].eventSource` is `cdn`). */
export function normalize(raw: { events: unknown[] }): Batch {
  const entries = raw.events;
  const collected = collect(
    entries,
    (entry, i) => {
      const event = cdnEntryToEvent(entry, i, entries.length, `events[${i}]`);
      return { event, ref: event.id };
    },
    (entry, i) => (isObject(entry) ? (text(entry.traceId) ?? `events[${i}]`) : `events[${i}]`),
  );
  return toBatch('alibaba:cdn', 'throw', collected);
}

function cdnEntryToEvent(entry: unknown, index: number, count: number, where: string) {
  const eventName = isObject(entry) ? text(entry.eventName) : undefined;
  const traceId = isObject(entry) ? text(entry.traceId) : undefined;
  if (!isObject(entry) || eventName === undefined || traceId === undefined) {
    throw invalidRecord(
      where,
      `is not a CDN event: it needs \`eventName\` and \`traceId\` (got ${describeValue(entry)})`,
    );
  }
  const domain =
    (isObject(entry.resource) ? text(entry.resource.domain) : undefined) ??
    (isObject(entry.eventParameter) ? text(entry.eventParameter.domain) : undefined);
  const region = text(entry.region);
  const account = isObject(entry.userIdentity) ? text(entry.userIdentity.aliUid) : undefined;
  return createCloudEvent(
    {
      id: count === 1 ? traceId : `${traceId}:${index}`,
      source: CDN_EVENT_SOURCE,
      type: `cdn:${eventName}`,
      subject: domain,
      time: text(entry.eventTime),
      datacontenttype: 'application/json',
      aliyunregionid: region,
      aliyunaccountid: account,
      data: entry,
    },
    where,
  );
}
