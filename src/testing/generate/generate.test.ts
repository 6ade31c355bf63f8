/** Generated raw events read back as their source with the data given, in the shapes platforms send. */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture, hasSamples, sample } from '../../../test/support/fixtures.js';
import { toCloudEvents } from '../../sources/index.js';
import type { SourceKind } from '../../sources/types.js';
import { generateChain } from './chains.js';
import { GENERATED_KINDS, type GeneratedKind, type GenerateOptionsByKind, generateEvent } from './index.js';

const order = { orderId: 'ord-1', total: 42.5, lines: [{ sku: 'mug', qty: 2 }], gift: false };
const other = { orderId: 'ord-2', total: 7 };

/** Per kind: options, and what each event's data must be (S3 records carry the object, not a payload). */
const CASES: { [K in GeneratedKind]: { options: GenerateOptionsByKind[K]; data?: (e: unknown) => unknown } } =
  {
    'aws:sqs': { options: { items: [order, 'plain text'], queue: 'orders' } },
    'aws:sns': { options: { data: order, topic: 'alerts' } },
    'aws:s3': {
      options: { data: { key: 'photos/cat 1.jpg', size: 1024 }, bucket: 'photos' },
      data: (data) => (data as { s3: { object: unknown } }).s3.object,
    },
    'aws:kinesis': { options: { items: [order, other], stream: 'clicks' } },
    'aws:dynamodb': {
      options: { items: [order, other], table: 'orders' },
      data: (data) => (data as { after: unknown }).after,
    },
    'aws:kafka': { options: { items: [order, other, 'text'], topic: 'orders', key: 'ord-1' } },
    'aws:mq': { options: { items: [order, other], queue: 'orders' } },
    'aws:eventbridge': { options: { data: order, source: 'com.shop' } },
    'aws:cloudwatch-logs': { options: { items: [order, 'a plain line'] } },
    rocketmq: { options: { items: [order, other], topic: 'orders', tags: 'created' } },
    'alibaba:mns': { options: { data: order, topic: 'orders' } },
  };

const itemsOf = (options: { data?: unknown; items?: readonly unknown[] }) => options.items ?? [options.data];

describe('generateEvent', () => {
  it.each(GENERATED_KINDS)('%s: toCloudEvents detects the kind and gives the data back, in order', (kind) => {
    const { options, data = (d: unknown) => d } = CASES[kind] as {
      options: object;
      data?: (d: unknown) => unknown;
    };
    const batch = toCloudEvents(generateEvent(kind, options as never));
    expect(batch.source).toBe(kind);
    expect(batch.rejected ?? []).toEqual([]);
    const expected = itemsOf(options);
    expect(batch.items).toHaveLength(expected.length);
    for (const [i, item] of batch.items.entries()) {
      if (kind === 'aws:s3')
        expect(data(item.event.data)).toMatchObject({ key: 'photos/cat+1.jpg', size: 1024 });
      else expect(data(item.event.data)).toEqual(expected[i]);
    }
  });

  it.each([
    ['aws:mq', { data: order, broker: 'rabbitmq', queue: 'invoices' }],
    ['aws:kafka', { data: order, cluster: 'self-managed' }],
    ['alibaba:mns', { data: order, format: 'stream', attributes: { Extend: '{}' } }],
    ['aws:sqs', { items: [order, other], queue: 'orders.fifo' }],
  ] as const)('%s variant %j reads back the same', (kind, options) => {
    const batch = toCloudEvents(generateEvent(kind, options as never));
    expect(batch.source).toBe(kind);
    expect(batch.items.map((i) => i.event.data)).toEqual(itemsOf(options));
  });

  it('is deterministic given a seed, and random without one', () => {
    const seeded = () => generateEvent('aws:sqs', { data: order, seed: 's1' });
    expect(seeded()).toEqual(seeded());
    expect(generateEvent('aws:sqs', { data: order, seed: 's2' })).not.toEqual(seeded());
    expect(generateEvent('aws:sqs', { data: order })).not.toEqual(generateEvent('aws:sqs', { data: order }));
  });

  it('gives Kafka records growing offsets and a tombstone for null', () => {
    const raw = generateEvent('aws:kafka', {
      items: [order, null],
      topic: 't',
      partition: 3,
      offset: 40,
    }) as {
      records: Record<string, { offset: number; value: string | null }[]>;
    };
    expect(raw.records['t-3']?.map((r) => [r.offset, r.value === null])).toEqual([
      [40, false],
      [41, true],
    ]);
  });

  it('refuses data its platform cannot carry, saying why', () => {
    expect(() => generateEvent('aws:s3', { data: 'text' })).toThrow(/aws:s3 records carry an object/);
    expect(() => generateEvent('alibaba:mns', { format: 'stream' })).toThrow(/without attributes/);
    expect(() => generateEvent('nope' as never)).toThrow(
      /kinds: alibaba:eventbridge, cloudevents, .*aws:sqs/,
    );
  });
});

/** Keys whose children are names of the user's or the platform's choosing: compared by presence only. */
const FREE = new Set([
  'records',
  'rmqMessagesByQueue',
  'messageAttributes',
  'MessageAttributes',
  'properties',
  'headers',
  'Keys',
  'NewImage',
  'OldImage',
  'detail',
  'userProperties',
  'attrs',
  'multiValueHeaders',
  'queryStringParameters',
  'multiValueQueryStringParameters',
  'parameter',
  'objectMeta',
  'after',
  'before',
]);

/** Every key path of `value` (arrays by their first element), gzip+base64 payloads decoded. */
function shape(value: unknown, path = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) return value.length === 0 ? out : shape(value[0], `${path}[]`, out);
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}.${key}`;
    out.add(at);
    if (FREE.has(key)) continue;
    const decoded =
      key === 'data' && path === '.awslogs'
        ? JSON.parse(gunzipSync(Buffer.from(String(child), 'base64')).toString())
        : child;
    shape(decoded, at, out);
  }
  return out;
}

const RECORDED: [string, SourceKind, object][] = [
  ['sqs/orders-batch.json', 'aws:sqs', {}],
  ['sns/low-stock-notification.json', 'aws:sns', { subject: 'Low stock' }],
  ['s3/put-encoded-keys.json', 'aws:s3', { data: { key: 'a b.pdf', size: 1, versionId: 'v1' } }],
  ['kinesis/mixed-data.json', 'aws:kinesis', {}],
  ['dynamodb/orders-stream.json', 'aws:dynamodb', { data: order }],
  ['kafka/msk-batch.json', 'aws:kafka', { key: 'k' }],
  ['kafka/self-managed-cloudevents.json', 'aws:kafka', { key: 'k', cluster: 'self-managed' }],
  ['mq/activemq.json', 'aws:mq', {}],
  ['mq/rabbitmq.json', 'aws:mq', { broker: 'rabbitmq' }],
  ['eventbridge/order-placed.json', 'aws:eventbridge', { resources: ['arn:aws:events:::event-bus/default'] }],
  ['cloudwatch-logs/lambda-log-lines.json', 'aws:cloudwatch-logs', {}],
  ['rocketmq/apache-rocketmq-batch.json', 'rocketmq', { tags: 't', keys: 'k' }],
  ['mns/json-format.json', 'alibaba:mns', {}],
  ['mns/stream-with-attributes.json', 'alibaba:mns', { format: 'stream', attributes: { Extend: '{}' } }],
  ['sqs/trace-and-attributes.json', 'aws:sqs', { attributes: { tenant: 'acme', n: 1 } }],
  ['apigw-http/order-webhook.json', 'aws:apigateway:v2', {}],
  ['lambda-url/order-webhook.json', 'aws:lambda-url', { headers: { cookie: 'a=b' } }],
  ['apigw-rest/order-webhook.json', 'aws:apigateway:v1', { query: { tag: ['a', 'b'] } }],
  ['alb/order-webhook.json', 'aws:alb', { query: { source: 'shop eu' } }],
  ['oss/put-and-delete.json', 'alibaba:oss', { data: { key: 'a.pdf', size: 3 } }],
  ['sls/cursor-range.json', 'alibaba:sls', {}],
  ['debezium/snapshot-read.json', 'debezium', { op: 'r' }],
  ['alibaba-eventbridge/custom-string-data.json', 'alibaba:eventbridge', { data: 'text' }],
  ['cloudevents/order-created.json', 'cloudevents', { data: { orderId: 'ord-1', total: 1 } }],
  ['eventbridge/s3-object-created.json', 'aws:eventbridge', {}],
];

/** What a recorded event has that a generated one leaves out on purpose (set only when given). */
const OPTIONAL: Readonly<Record<string, readonly string[]>> = {
  'sqs/trace-and-attributes.json': ['.Records[].attributes.AWSTraceHeader'],
};

const PUBLIC: [string, GeneratedKind, object][] = [
  ['sqs/base.json', 'aws:sqs', {}],
  ['sns/base.json', 'aws:sns', { subject: 'TestInvoke' }],
  ['s3/base.json', 'aws:s3', { data: { key: 'a', size: 1 } }],
  ['kinesis/stream.json', 'aws:kinesis', {}],
  ['dynamodb/base.json', 'aws:dynamodb', { data: order }],
  ['kafka/base.json', 'aws:kafka', { key: 'k' }],
  ['cloudwatch/base.json', 'aws:cloudwatch-logs', {}],
];

describe('generated shapes', () => {
  it.each(RECORDED)('have the keys of the recorded %s at every level', (path, kind, options) => {
    const raw =
      path === 'eventbridge/s3-object-created.json'
        ? generateChain('aws:s3/eventbridge', { data: { key: 'a b.csv', size: 1, versionId: 'v1' } })
        : generateEvent(kind, { data: order, ...options } as never);
    const recorded = [...shape(fixture(path))].filter((key) => !OPTIONAL[path]?.includes(key));
    expect([...shape(raw)].sort()).toEqual(recorded.sort());
  });

  it.runIf(hasSamples).each(PUBLIC)(
    'have the keys of the public sample %s at every level',
    (path, kind, options) => {
      expect([...shape(generateEvent(kind, { data: order, ...options }))].sort()).toEqual(
        [...shape(sample(path))].sort(),
      );
    },
  );
});
