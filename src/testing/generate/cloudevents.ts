/**
 * Structured CloudEvents (JSON), as a CloudEvents producer or the emulator's bus delivers them: one
 * event per item, several items a JSON array (the batch format).
 * @see https://github.com/cloudevents/spec/blob/main/cloudevents/formats/json-format.md
 */
import { type CommonOptions, type Ids, iso } from './kit.js';

export interface CloudEventOptions extends CommonOptions {
  /** Default `/triggerkit/local`. */
  readonly source?: string;
  /** Default `dev.triggerkit.local`. */
  readonly type?: string;
  readonly subject?: string;
  /** The first event's id; the next ones get `<id>-2`, `<id>-3`… Default a UUID each. */
  readonly id?: string;
}

export function cloudEvent(items: readonly unknown[], o: CloudEventOptions, ids: Ids) {
  const events = items.map((data, i) => ({
    specversion: '1.0',
    id: o.id === undefined ? ids.uuid('event', i) : i === 0 ? o.id : `${o.id}-${i + 1}`,
    source: o.source ?? '/triggerkit/local',
    type: o.type ?? 'dev.triggerkit.local',
    ...(o.subject !== undefined && { subject: o.subject }),
    time: iso(ids.time),
    datacontenttype: typeof data === 'string' ? 'text/plain' : 'application/json',
    data,
  }));
  return events.length === 1 ? events[0] : events;
}
