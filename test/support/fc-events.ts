/**
 * The recorded events of every Function Compute trigger, as the bytes FC hands an event handler: JSON
 * for all but the Tablestore trigger, whose batch FC delivers CBOR-encoded. Shared by the adapter's
 * tests and the built-bundle test.
 */
import { readFileSync } from 'node:fs';
import type { SourceKind } from '../../src/sources/types.js';
import { encodeCbor } from './cbor.js';
import { fixturePath } from './fixtures.js';

export interface FcRecordedEvent {
  /** Under test/fixtures/events. */
  readonly path: string;
  /** The trigger, as FC names it. */
  readonly trigger: string;
  /** The source it must be read as. */
  readonly kind: SourceKind;
  readonly encoding: 'json' | 'cbor';
}

export const FC_EVENTS: readonly FcRecordedEvent[] = [
  { path: 'fc/http-post-json.json', trigger: 'HTTP', kind: 'alibaba:fc-http', encoding: 'json' },
  { path: 'fc/timer.json', trigger: 'time', kind: 'alibaba:timer', encoding: 'json' },
  { path: 'fc/timer-text-payload.json', trigger: 'time', kind: 'alibaba:timer', encoding: 'json' },
  { path: 'fc/tablestore-stream.json', trigger: 'Tablestore', kind: 'alibaba:tablestore', encoding: 'cbor' },
  { path: 'fc/cdn-refreshed.json', trigger: 'CDN events', kind: 'alibaba:cdn', encoding: 'json' },
  { path: 'fc/cdn-log-file-created.json', trigger: 'CDN events', kind: 'alibaba:cdn', encoding: 'json' },
  { path: 'oss/put-and-delete.json', trigger: 'OSS', kind: 'alibaba:oss', encoding: 'json' },
  { path: 'sls/cursor-range.json', trigger: 'SLS', kind: 'alibaba:sls', encoding: 'json' },
  { path: 'mns/json-format.json', trigger: 'MNS topic', kind: 'alibaba:mns', encoding: 'json' },
  { path: 'mns/stream-with-attributes.json', trigger: 'MNS topic', kind: 'alibaba:mns', encoding: 'json' },
  {
    path: 'alibaba-eventbridge/mns-queue-batch.json',
    trigger: 'MNS queue (EventBridge)',
    kind: 'alibaba:eventbridge',
    encoding: 'json',
  },
  {
    path: 'rocketmq/eventbridge-message.json',
    trigger: 'RocketMQ (EventBridge)',
    kind: 'alibaba:eventbridge',
    encoding: 'json',
  },
  {
    path: 'alibaba-eventbridge/kafka-message.json',
    trigger: 'Kafka (EventBridge)',
    kind: 'alibaba:eventbridge',
    encoding: 'json',
  },
  {
    path: 'dts/fc-trigger-batch.json',
    trigger: 'DTS (EventBridge)',
    kind: 'alibaba:eventbridge',
    encoding: 'json',
  },
  {
    path: 'alibaba-eventbridge/custom-string-data.json',
    trigger: 'custom source (EventBridge)',
    kind: 'alibaba:eventbridge',
    encoding: 'json',
  },
  {
    path: 'rocketmq/apache-rocketmq-batch.json',
    trigger: 'Apache RocketMQ',
    kind: 'rocketmq',
    encoding: 'json',
  },
];

/** The bytes FC passes the handler for a recorded event. */
export function fcEventBytes(event: FcRecordedEvent): Buffer {
  const text = readFileSync(fixturePath(event.path), 'utf8');
  return event.encoding === 'cbor' ? encodeCbor(JSON.parse(text)) : Buffer.from(text, 'utf8');
}
