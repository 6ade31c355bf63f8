/**
 * Inputs built to break readers: values nested deeper than any recursive reader's stack, and fields
 * whose type makes `Number`/`String` throw. Each must end as an `E_SOURCE_INVALID` (thrown, or a rejected
 * record while the rest of the batch is read), never as a RangeError or TypeError.
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { isTriggerError } from '../errors.js';
import { toCloudEvents } from './index.js';
import type { Batch } from './types.js';

/** `{ a: { a: … } }`, `levels` deep, built without recursion. */
function deep(levels: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** The batch, or the TriggerError thrown; anything else fails the test. */
function outcome(raw: unknown): Batch | { code: string; message: string } {
  try {
    return toCloudEvents(raw);
  } catch (error) {
    if (!isTriggerError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

const LEVELS = 20_000;

describe('hostile input: nesting deeper than the stack', () => {
  it('an Alibaba EventBridge extension object is refused as nested too deeply', () => {
    const raw = { ...fixture('alibaba-eventbridge/custom-string-data.json'), aliyunx: deep(LEVELS) };
    expect(outcome(raw)).toMatchObject({
      code: 'E_SOURCE_INVALID',
      message: expect.stringContaining('nested too deeply'),
    });
  });

  it('MNS stream attributes are refused, naming the source', () => {
    const result = outcome({ body: 'x', attrs: deep(LEVELS) });
    expect(result).toMatchObject({ code: 'E_SOURCE_INVALID' });
    expect((result as { message: string }).message).toMatch(/^the Alibaba MNS .* is nested too deeply/);
  });

  it('a RabbitMQ message with deep properties is one rejected record; its neighbours are read', () => {
    const raw = structuredClone(fixture('mq/rabbitmq.json')) as {
      rmqMessagesByQueue: Record<string, Array<{ basicProperties: Record<string, unknown> }>>;
    };
    const messages = Object.values(raw.rmqMessagesByQueue)[0] ?? [];
    const first = messages[0];
    if (first === undefined) throw new Error('fixture has no message');
    first.basicProperties = { ...first.basicProperties, messageId: null, headers: deep(LEVELS) };
    const batch = outcome(raw) as Batch;
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected?.[0]?.error.message).toContain('nested too deeply');
    expect(batch.items.length).toBe(messages.length - 1);
  });

  it('a Debezium change with no key and a deep row is refused', () => {
    const raw = structuredClone(fixture('debezium/mysql-insert.json')) as Record<string, unknown>;
    const payload = (raw.payload ?? raw) as Record<string, unknown>;
    payload.after = deep(LEVELS);
    expect(outcome(raw)).toMatchObject({ code: 'E_SOURCE_INVALID' });
  });

  it('DynamoDB lists nested past 64 levels are refused like maps, with the path', () => {
    const raw = structuredClone(fixture('dynamodb/orders-stream.json')) as {
      Records: Array<{ dynamodb: { NewImage?: Record<string, unknown> } }>;
    };
    let list: unknown = { S: 'leaf' };
    for (let i = 0; i < 5_000; i++) list = { L: [list] };
    const record = raw.Records[0];
    if (record === undefined) throw new Error('fixture has no record');
    record.dynamodb.NewImage = { ...record.dynamodb.NewImage, d: list };
    const batch = outcome(raw) as Batch;
    expect(batch.rejected?.[0]?.error.message).toMatch(
      /Records\[0\]\.dynamodb\.NewImage\.d(\.L\[0\])+\.L .*deeper than 64/,
    );
    expect(batch.items.length).toBeGreaterThan(0);
  });

  it('a DynamoDB list 64 levels deep is still read', () => {
    const raw = structuredClone(fixture('dynamodb/orders-stream.json')) as {
      Records: Array<{ dynamodb: { NewImage?: Record<string, unknown> } }>;
    };
    let list: unknown = { S: 'leaf' };
    for (let i = 0; i < 64; i++) list = { L: [list] };
    const record = raw.Records[0];
    if (record === undefined) throw new Error('fixture has no record');
    record.dynamodb.NewImage = { ...record.dynamodb.NewImage, d: list };
    expect((outcome(raw) as Batch).rejected).toBeUndefined();
  });
});

describe('hostile input: fields that make Number or String throw', () => {
  const unprintable = { toString: 0 };

  it('an SQS ApproximateReceiveCount object is ignored, not a crash', () => {
    const raw = structuredClone(fixture('sqs/fifo-batch.json')) as {
      Records: Array<{ attributes: Record<string, unknown> }>;
    };
    for (const record of raw.Records) record.attributes.ApproximateReceiveCount = unprintable;
    const batch = outcome(raw) as Batch;
    expect(batch.rejected).toBeUndefined();
    expect(batch.items.every(({ event }) => event.deliverycount === undefined)).toBe(true);
  });

  it('an SNS Type object is a rejected record naming what SNS needs, direct and inside SQS', () => {
    const raw = structuredClone(fixture('sns/low-stock-notification.json')) as {
      Records: Array<{ Sns: Record<string, unknown> }>;
    };
    const record = raw.Records[0];
    if (record === undefined) throw new Error('fixture has no record');
    record.Sns.Type = unprintable;
    const batch = outcome(raw) as Batch;
    expect(batch.rejected?.[0]?.error.message).toContain('is not an SNS record');
    const sqs = structuredClone(fixture('sqs/sns-notification.json')) as { Records: Array<{ body: string }> };
    const first = sqs.Records[0];
    if (first === undefined) throw new Error('fixture has no record');
    first.body = first.body.replace(/"Type"\s*:\s*"Notification"/, '"Type":{"toString":0}');
    expect(first.body).toContain('"Type":{"toString":0}');
    const viaSqs = outcome(sqs) as Batch;
    expect(viaSqs.rejected?.length ?? 0).toBeLessThanOrEqual(1);
    expect(viaSqs.items.length + (viaSqs.rejected?.length ?? 0)).toBe(sqs.Records.length);
  });
});
