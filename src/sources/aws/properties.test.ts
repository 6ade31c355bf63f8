/**
 * Properties of every AWS queue/stream/notification source: arbitrary JSON and arbitrary mutations of the
 * fixtures (including inside JSON-encoded bodies and base64 payloads) never make `detect`/`normalize`
 * throw anything but a TriggerError, never mutate the input (it is deep-frozen), give the same events
 * twice, and every event they do produce is a valid CloudEvent.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError } from '../../errors.js';
import { sourceOf } from '../index.js';
import type { Source } from '../types.js';
import { snsHttpMessage } from './sns.js';
import { verifySnsMessage } from './sns-signature.js';

const eventBridge = sourceOf('aws:eventbridge');
const kafka = sourceOf('aws:kafka');
const kinesis = sourceOf('aws:kinesis');
const mq = sourceOf('aws:mq');
const s3 = sourceOf('aws:s3');
const sns = sourceOf('aws:sns');
const sqs = sourceOf('aws:sqs');

const SOURCES: ReadonlyArray<readonly [Source, readonly string[]]> = [
  [
    sqs,
    [
      'sqs/orders-batch.json',
      'sqs/fifo-batch.json',
      'sqs/cloudevent-body.json',
      'sqs/sns-notification.json',
      'sqs/s3-via-sns.json',
      'sqs/s3-notification.json',
      'sqs/eventbridge-body.json',
      'sqs/trace-and-attributes.json',
    ],
  ],
  [sns, ['sns/low-stock-notification.json', 'sns/s3-notification.json', 'sns/text-message.json']],
  [s3, ['s3/put-encoded-keys.json', 's3/delete-objects.json', 's3/test-event.json']],
  [
    eventBridge,
    [
      'eventbridge/order-placed.json',
      'eventbridge/s3-object-created.json',
      'eventbridge/s3-delete-marker.json',
    ],
  ],
  [kinesis, ['kinesis/mixed-data.json', 'kinesis/cloudwatch-logs-gzip.json', 'kinesis/kpl-aggregated.json']],
  [kafka, ['kafka/msk-batch.json', 'kafka/self-managed-cloudevents.json']],
  [mq, ['mq/activemq.json', 'mq/rabbitmq.json']],
];

type Segment = string | number | { readonly json: true } | { readonly base64: true };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Every path in the value, descending into strings that hold JSON objects. */
function paths(value: unknown, prefix: Segment[] = []): Segment[][] {
  const out: Segment[][] = [prefix];
  if (typeof value === 'string' && /^\s*[{[]/.test(value)) {
    try {
      out.push(...paths(JSON.parse(value), [...prefix, { json: true }]));
    } catch {}
  } else if (typeof value === 'string' && /^[A-Za-z0-9+/]{8,}={0,2}$/.test(value)) {
    out.push([...prefix, { base64: true }]);
  } else if (Array.isArray(value)) {
    for (const [i, child] of value.entries()) out.push(...paths(child, [...prefix, i]));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) out.push(...paths(child, [...prefix, key]));
  }
  return out;
}

/** A copy of `value` with the thing at `path` replaced (or deleted when `replacement` is undefined). */
function mutate(value: unknown, path: readonly Segment[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (typeof head === 'object') {
    if ('json' in head) return JSON.stringify(mutate(JSON.parse(String(value)), rest, replacement));
    return replacement instanceof Uint8Array ? Buffer.from(replacement).toString('base64') : replacement;
  }
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  const next = mutate(copy[head], rest, replacement);
  if (next === undefined && rest.length === 0) delete copy[head];
  else copy[head] = next;
  return copy;
}

const KPL_MAGIC = [0xf3, 0x89, 0x9a, 0xc2];
/** Random bytes, sometimes dressed as gzip or as a checksummed KPL aggregate. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.from([0x1f, 0x8b, ...b])),
  fc.uint8Array({ maxLength: 64 }).map((body) => {
    const md5 = createHash('md5').update(body).digest();
    return Uint8Array.from([...KPL_MAGIC, ...body, ...md5]);
  }),
);

function check(source: Source, raw: unknown): void {
  const frozen = deepFreeze(raw);
  const snapshot = JSON.stringify(frozen);
  try {
    if (!source.detect(frozen)) return;
    const first = source.normalize(frozen, {});
    expect(source.normalize(frozen, {})).toStrictEqual(first);
    for (const item of first.items) expect(cloudEventProblems(item.event)).toEqual([]);
    for (const rejected of first.rejected ?? []) expect(rejected.error.code).toBe('E_SOURCE_INVALID');
  } catch (error) {
    if (!isTriggerError(error)) throw error;
  }
  expect(JSON.stringify(frozen)).toBe(snapshot);
}

describe.each(SOURCES.map(([source, fixtures]) => [source.label, source, fixtures] as const))(
  '%s',
  (_, source, fixtures) => {
    it('arbitrary JSON never throws anything but a TriggerError', () => {
      fc.assert(fc.property(fc.jsonValue(), (raw) => check(source, raw)));
    });

    it('arbitrary JSON inside a plausible envelope never throws anything but a TriggerError', () => {
      const envelope = fc.record({
        eventSource: fc.constantFrom(
          'aws:sqs',
          'aws:s3',
          'aws:kinesis',
          'aws:kafka',
          'SelfManagedKafka',
          'aws:mq',
        ),
        EventSource: fc.constant('aws:sns'),
        Records: fc.array(fc.jsonValue(), { maxLength: 3 }),
        records: fc.dictionary(fc.string(), fc.array(fc.jsonValue(), { maxLength: 3 })),
        messages: fc.array(fc.jsonValue(), { maxLength: 3 }),
        rmqMessagesByQueue: fc.dictionary(fc.string(), fc.jsonValue()),
      });
      fc.assert(fc.property(envelope, (raw) => check(source, raw)));
    });

    it.each(fixtures)('mutations of %s never throw anything but a TriggerError', (name) => {
      const raw = fixture(name);
      const all = paths(raw);
      const mutation = fc.tuple(
        fc.nat({ max: all.length - 1 }),
        fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.string(), bytes),
      );
      fc.assert(
        fc.property(mutation, ([at, replacement]) => {
          const path = all[at] ?? [];
          const last = path[path.length - 1];
          const intoBase64 = typeof last === 'object' && 'base64' in last;
          // Bytes are written as base64 into base64 fields, and as a JSON array of numbers anywhere else.
          check(
            source,
            mutate(
              raw,
              path,
              replacement instanceof Uint8Array && !intoBase64 ? [...replacement] : replacement,
            ),
          );
        }),
      );
    });
  },
);

describe('SNS over HTTP', () => {
  it('snsHttpMessage on arbitrary bodies and headers throws only TriggerErrors', () => {
    const { body } = fixture('sns/http-notification.json') as { body: string };
    const bodies = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.constant(body),
    );
    fc.assert(
      fc.property(bodies, fc.dictionary(fc.string(), fc.string()), (text, headers) => {
        try {
          snsHttpMessage(text, headers);
        } catch (error) {
          if (!isTriggerError(error)) throw error;
        }
      }),
    );
  });

  it('verifySnsMessage never throws, whatever the message and the PEM', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (message, pem) => {
        expect(verifySnsMessage(message, pem).valid).toBe(false);
      }),
    );
  });
});
