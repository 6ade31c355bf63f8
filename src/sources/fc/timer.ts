/**
 * The Function Compute time trigger: `{ triggerTime, triggerName, payload }`, one per tick. It becomes
 * one event identified by the trigger and the tick (the same tick delivered twice is the same event),
 * with the trigger's message (`payload`, a string the user typed) parsed when it is JSON.
 * FC invokes time triggers asynchronously: a failure is thrown and FC's async-invocation retries apply.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers-1
 */
import { createCloudEvent } from '../../cloud-event.js';
import { isRfc3339 } from '../../cloud-event-time.js';
import { describeValue } from '../kit/describe.js';
import { readJsonText, text } from '../kit/payload.js';
import { invalidRecord } from '../kit/records.js';
import type { Batch, JsonObject } from '../types.js';

export const TIMER_EVENT_TYPE = 'com.aliyun.fc.timer';
export const TIMER_EVENT_SOURCE = 'acs.fc.timer';

/** A time trigger event (detected by catalog.ts: string `triggerTime` and `triggerName`, nothing else but `payload`). */
export function normalize(raw: JsonObject): Batch {
  const name = text(raw.triggerName);
  const time = text(raw.triggerTime);
  if (name === undefined || time === undefined || !isRfc3339(time)) {
    throw invalidRecord(
      'FC time trigger event',
      `needs a string \`triggerName\` and an RFC 3339 \`triggerTime\` (got ${describeValue(raw)})`,
    );
  }
  const message = text(raw.payload);
  const parsed = message === undefined ? undefined : readJsonText(message);
  const event = createCloudEvent(
    {
      id: `${name}@${time}`,
      source: TIMER_EVENT_SOURCE,
      type: TIMER_EVENT_TYPE,
      subject: name,
      time,
      // The trigger's message is the data: what the user configured is what the handler reads.
      datacontenttype: parsed === undefined ? undefined : parsed.json ? 'application/json' : 'text/plain',
      data: parsed?.value,
    },
    'FC time trigger event',
  );
  return Object.freeze({
    source: 'alibaba:timer',
    reply: 'throw' as const,
    items: Object.freeze([Object.freeze({ event, ref: event.id })]),
  });
}
