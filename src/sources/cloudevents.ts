/** Events that already are CloudEvents (direct invoke, Alibaba EventBridge targets, FC batches of CloudEvents). */
import { fromStructured } from '../cloud-event.js';
import { isObject, type Source } from './types.js';

const isStructured = (value: unknown) => isObject(value) && typeof value.specversion === 'string';

export const cloudEvents: Source = {
  kind: 'cloudevents',
  reply: 'throw',
  label: 'CloudEvent (structured JSON)',
  detect(raw) {
    return isStructured(raw) || (Array.isArray(raw) && raw.length > 0 && isStructured(raw[0]));
  },
  normalize(raw) {
    const list: unknown[] = Array.isArray(raw) ? raw : [raw];
    const items = list.map((entry, i) => {
      const event = fromStructured(entry, Array.isArray(raw) ? `[${i}]` : 'CloudEvent');
      return { event, ref: event.id };
    });
    return { source: 'cloudevents', reply: 'throw', items };
  },
};
