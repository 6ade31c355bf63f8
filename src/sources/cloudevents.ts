/** Events that already are CloudEvents (direct invoke, Alibaba EventBridge targets, FC batches of CloudEvents). */
import { fromStructured } from '../cloud-event.js';
import type { Batch, JsonObject } from './types.js';

/** One structured CloudEvent, or an array of them (a batch). */
export function normalize(raw: JsonObject | readonly unknown[]): Batch {
  const list: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  const items = list.map((entry, i) => {
    const event = fromStructured(entry, Array.isArray(raw) ? `[${i}]` : 'CloudEvent');
    return { event, ref: event.id };
  });
  return { source: 'cloudevents', reply: 'throw', items };
}
