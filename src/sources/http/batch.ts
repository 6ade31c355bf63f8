/** The two batches an HTTP request becomes: events to run, or an answer the transport gives itself. */
import type { CloudEvent } from '../../cloud-event.js';
import type { Batch, ControlResponse, HttpRequest, SourceKind } from '../types.js';

/** A request answered without running the handler (a refusal, a handshake, a confirmation). */
export function controlBatch(source: SourceKind, req: HttpRequest, control: ControlResponse): Batch {
  return Object.freeze({
    source,
    reply: 'http',
    http: req,
    items: Object.freeze([]),
    control: Object.freeze(control),
  });
}

/** A request's events, each item's ref its event id. */
export function eventBatch(source: SourceKind, req: HttpRequest, events: readonly CloudEvent[]): Batch {
  const items = events.map((event) => Object.freeze({ event, ref: event.id }));
  return Object.freeze({ source, reply: 'http', http: req, items: Object.freeze(items) });
}
