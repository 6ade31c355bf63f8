/**
 * EventBridge events delivered to a Lambda target (also found inside SQS and SNS bodies, see unwrap.ts).
 * The envelope maps onto CloudEvents attributes; `detail` becomes `data`. Scheduled rules
 * (`source: "aws.events"`, `detail-type: "Scheduled Event"`) are ordinary events with an empty detail.
 * S3 events (`source: "aws.s3"`) get the S3 notification's `source`/`type`/`subject` (see s3.ts).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 */

import { type EventInit, finishEvent } from '../kit/records.js';
import type { Batch, JsonObject } from '../types.js';
import { s3EventBridgeInit } from './s3.js';

/** CloudEvent attributes for an EventBridge envelope (S3 events through the S3 mapping). */
export function eventBridgeInit(event: JsonObject): EventInit {
  if (event.source === 'aws.s3') {
    const init = s3EventBridgeInit(event);
    if (init !== undefined) return init;
  }
  const resources = Array.isArray(event.resources) ? event.resources : [];
  return {
    id: event.id,
    source: event.source,
    type: event['detail-type'],
    time: event.time,
    subject: typeof resources[0] === 'string' && resources[0] !== '' ? resources[0] : undefined,
    datacontenttype: 'application/json',
    data: event.detail,
    awsregion: typeof event.region === 'string' ? event.region : undefined,
    awsaccount: typeof event.account === 'string' ? event.account : undefined,
    // Present on events re-sent from an archive: lets a handler tell a replay from the original.
    replayname: typeof event['replay-name'] === 'string' ? event['replay-name'] : undefined,
  };
}

/** One EventBridge event delivered to a Lambda target (detected by eventbridge-detect.ts). */
export function normalize(raw: JsonObject): Batch {
  const init = eventBridgeInit(raw);
  // `subject` holds one resource; when the list says more (or something else), all of it is kept, as a
  // JSON array, for patterns and transforms that read `resources` (src/rules/envelope.ts).
  const { resources } = raw;
  const listed = Array.isArray(resources) ? resources.filter((r) => typeof r === 'string') : [];
  if (listed.length > 0 && !(listed.length === 1 && listed[0] === init.subject))
    init.awsresources = JSON.stringify(listed);
  const event = finishEvent(init, 'EventBridge event');
  return Object.freeze({
    source: 'aws:eventbridge',
    reply: 'throw',
    items: Object.freeze([Object.freeze({ event, ref: event.id })]),
  });
}
