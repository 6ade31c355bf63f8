import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { events, invoke, loadEvent } from 'triggerkit/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as backup } from './backup.js';
import { handler as replay } from './replay.js';
import { searchIndex, handler as searchIndexer } from './search-index.js';

const recorded = () => loadEvent(new URL('./events/order-created.json', import.meta.url));
const topic = 'fork-events';

/** The archive bucket, as S3 would keep it; `published` what went to the topic. */
let bucket: Map<string, string>;
let published: PublishCommandInput[];
beforeEach(() => {
  bucket = new Map();
  published = [];
  searchIndex.clear();
  vi.spyOn(S3Client.prototype, 'send').mockImplementation(async (command) => {
    if (command instanceof PutObjectCommand) {
      const { Key, Body } = command.input as PutObjectCommandInput;
      bucket.set(String(Key), String(Body));
      return {};
    }
    if (command instanceof ListObjectsV2Command) {
      const keys = [...bucket.keys()].filter((key) => key.startsWith(command.input.Prefix ?? ''));
      return { Contents: keys.sort().map((Key) => ({ Key })) };
    }
    if (command instanceof GetObjectCommand) {
      const body = bucket.get(String(command.input.Key)) as string;
      return { Body: { transformToString: async () => body } };
    }
    throw new Error(`unexpected S3 call ${command.constructor.name}`);
  });
  vi.spyOn(SNSClient.prototype, 'send').mockImplementation(async (command) => {
    published.push(command.input as PublishCommandInput);
    return { MessageId: `m-${published.length}` };
  });
});
afterEach(() => vi.restoreAllMocks());

const order = (id: string, type: string, total: number) =>
  events.sns({
    topic,
    message: JSON.stringify({
      specversion: '1.0',
      id,
      source: '/shop/orders',
      type,
      time: '2026-12-07T10:00:00Z',
      data: { orderId: id, total },
    }),
  });

describe('fork-pipelines example', () => {
  it('hands the same published event to the backup and to the search index', async () => {
    const raw = await recorded();
    const [archived, indexed] = [await invoke(backup, raw), await invoke(searchIndexer, raw)];
    expect(archived.delivered).toEqual(indexed.delivered);
    expect(archived.delivered[0]).toMatchObject({
      id: 'ord-1001-created',
      type: 'com.shop.order.created',
      data: { orderId: 'ord-1001', total: 129.9, currency: 'EUR' },
    });
    expect(archived.results).toEqual([
      { archived: 's3://fork-archive/events/2026-12-07/ord-1001-created.json' },
    ]);
    expect(indexed.results).toEqual([{ type: 'com.shop.order.created', count: 1, total: 129.9 }]);
  });

  it('archives the event as it was published, without the SNS delivery’s extensions', async () => {
    await invoke(backup, await recorded());
    const body = JSON.parse(bucket.get('events/2026-12-07/ord-1001-created.json') as string);
    expect(body).toEqual({
      specversion: '1.0',
      id: 'ord-1001-created',
      source: '/shop/orders',
      type: 'com.shop.order.created',
      time: '2026-12-07T21:29:59.512Z',
      datacontenttype: 'application/json',
      data: { orderId: 'ord-1001', total: 129.9, currency: 'EUR' },
    });
  });

  it('indexes only order events, while the backup keeps every event', async () => {
    const payment = order('pay-7', 'com.shop.payment.captured', 50);
    expect((await invoke(searchIndexer, payment)).filtered.map((e) => e.id)).toEqual(['pay-7']);
    expect((await invoke(backup, payment)).delivered.map((e) => e.id)).toEqual(['pay-7']);
    await invoke(searchIndexer, order('o-1', 'com.shop.order.created', 10));
    await invoke(searchIndexer, order('o-2', 'com.shop.order.created', 32.5));
    await invoke(searchIndexer, order('o-1', 'com.shop.order.cancelled', 10));
    expect(Object.fromEntries(searchIndex)).toEqual({
      'com.shop.order.created': { count: 2, total: 42.5 },
      'com.shop.order.cancelled': { count: 1, total: 10 },
    });
    expect([...bucket.keys()]).toEqual(['events/2026-12-07/pay-7.json']);
  });

  it('replays a day of the archive to the topic; the index is rebuilt and the backup writes nothing twice', async () => {
    for (const [id, total] of [
      ['o-1', 10],
      ['o-2', 20],
    ] as const) {
      const raw = order(id, 'com.shop.order.created', total);
      await invoke(backup, raw);
      await invoke(searchIndexer, raw);
    }
    searchIndex.clear(); // the index is lost
    const request = events.cloudEvent({
      id: 'r-1',
      source: '/ops',
      type: 'com.example.fork.replay-requested',
      data: { day: '2026-12-07' },
    });
    const { results } = await invoke(replay, request);
    expect(results).toEqual([{ replayname: 'replay-r-1', replayed: ['o-1', 'o-2'] }]);
    expect(published.map((p) => p.TopicArn)).toEqual([
      'arn:aws:sns:us-east-1:000000000000:fork-events',
      'arn:aws:sns:us-east-1:000000000000:fork-events',
    ]);
    for (const { Message } of published) {
      const again = events.sns({ topic, message: String(Message) });
      expect((await invoke(backup, again)).filtered).toHaveLength(1);
      expect((await invoke(searchIndexer, again)).delivered[0]).toMatchObject({ replayname: 'replay-r-1' });
    }
    expect(Object.fromEntries(searchIndex)).toEqual({ 'com.shop.order.created': { count: 2, total: 30 } });
    expect(bucket.size).toBe(2);
  });

  it('refuses a replay request without a day, before reading the archive', async () => {
    const request = events.cloudEvent({
      source: '/ops',
      type: 'com.example.fork.replay-requested',
      data: { day: 'yesterday' },
    });
    const result = await invoke(replay, request);
    expect(result.failed.map((f) => f.stage)).toEqual(['schema']);
    expect(published).toEqual([]);
  });
});
