/** The live Kinesis trigger, driven as a user drives it: the real SDK v3 client against the emulator. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KinesisClient, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler, type TriggerHandler } from '../../define-handler.js';
import type { SourceDeclaration } from '../../definition.js';
import { createEmulator, type Emulator } from '../emulator.js';
import { hashKeyOf, shardOf, shardRanges } from '../kinesis/hash-keys.js';
import { openStore } from '../store/store.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let emulator: Emulator | undefined;
let kinesis: KinesisClient | undefined;
const dirs: string[] = [];

afterEach(async () => {
  kinesis?.destroy();
  await emulator?.close();
  emulator = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'triggerkit-kinesis-'));
  dirs.push(dir);
  return dir;
};

async function start(handler: TriggerHandler | undefined, stateDir?: string) {
  kinesis?.destroy();
  await emulator?.close();
  const functions = handler === undefined ? [] : [{ name: 'clicks', handler }];
  emulator = createEmulator({ functions, log: () => {}, onTrace: () => {}, ...(stateDir && { stateDir }) });
  const url = await emulator.listen(0);
  kinesis = new KinesisClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  return { kinesis, emulator };
}

const until = async (test: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const bytes = (text: string) => new TextEncoder().encode(text);
/** Puts records with these bodies on shard 0 (hash key 0), in one request. */
const putOnShard0 = (stream: string, bodies: string[]) =>
  kinesis?.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: bodies.map((body) => ({ PartitionKey: body, ExplicitHashKey: '0', Data: bytes(body) })),
    }),
  );

type Stream = Extract<SourceDeclaration, { type: 'aws:kinesis' }>;
function recorder(source: Omit<Stream, 'type'>, options: { onError?: 'block' | 'dead-letter' } = {}) {
  const seen: CloudEvent[] = [];
  let failOn: (body: string) => boolean = () => false;
  const handler = defineHandler({
    name: 'clicks',
    sources: [{ type: 'aws:kinesis', ...source }],
    retry: { maxAttempts: 1 },
    ...options,
    handle: async (event) => {
      const body = String(event.data);
      if (failOn(body)) throw new Error(`poison ${body}`);
      seen.push(event);
    },
  });
  return {
    handler,
    seen,
    bodies: () => seen.map((e) => String(e.data)),
    failWhen(test: (body: string) => boolean) {
      failOn = test;
    },
  };
}

describe('live Kinesis trigger', () => {
  it('delivers 100 records over two shards in order per shard, as Lambda shapes them', async () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.streams.createStream('clicks', shardRanges(2), 'PROVISIONED', Date.now());
    store.close();
    const r = recorder({ stream: 'clicks', batchSize: 10 });
    const raws: KinesisStreamEvent[] = [];
    r.handler.use({ before: (request) => void raws.push(request.event as KinesisStreamEvent) });
    await start(r.handler, dir);
    const keys = Array.from({ length: 100 }, (_, i) => `user-${i % 7}`);
    const shards = shardRanges(2).map((range, index) => ({ ...range, index }));
    const expected = new Map<number, string[]>();
    keys.forEach((key, i) => {
      const shard = shardOf(shards, hashKeyOf(key));
      expected.set(shard, [...(expected.get(shard) ?? []), `click-${i}`]);
    });
    expect(expected.size).toBe(2);
    for (let at = 0; at < 100; at += 25)
      await kinesis?.send(
        new PutRecordsCommand({
          StreamName: 'clicks',
          Records: keys
            .slice(at, at + 25)
            .map((key, i) => ({ PartitionKey: key, Data: bytes(`click-${at + i}`) })),
        }),
      );
    await until(() => r.seen.length === 100);
    for (const [shard, bodies] of expected) {
      const got = r.seen.filter((e) => e.shardid === `shardId-00000000000${shard}`);
      expect(got.map((e) => String(e.data))).toEqual(bodies);
    }
    expect(raws.every((raw) => raw.Records.length <= 10)).toBe(true);
    const record = raws[0]?.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventName: 'aws:kinesis:record',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks',
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: expect.stringMatching(/^user-/) },
    });
    expect(record?.eventID).toBe(`${record?.eventID.slice(0, 20)}:${record?.kinesis.sequenceNumber}`);
    expect(Buffer.from(record?.kinesis.data ?? '', 'base64').toString()).toMatch(/^click-/);
    expect(record?.kinesis.approximateArrivalTimestamp).toBeCloseTo(Date.now() / 1000, -2);
  });

  it("dead-letters a poison record with onError: 'dead-letter' and delivers the records after it", async () => {
    const r = recorder({ stream: 'orders' }, { onError: 'dead-letter' });
    r.failWhen((body) => body === 'poison');
    const { emulator } = await start(r.handler);
    await putOnShard0('orders', ['a', 'b', 'poison', 'c', 'd']);
    await until(() => r.seen.length === 4);
    expect(r.bodies()).toEqual(['a', 'b', 'c', 'd']);
    const dead = emulator.store.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.envelope).toMatchObject({
      data: 'poison',
      dlreason: 'retries-exhausted',
      dlhandler: 'clicks',
    });
    expect(dead[0]?.envelope.dlerror).toBe('poison poison');
  });

  it("holds the shard with onError: 'block' until the handler recovers", async () => {
    const r = recorder({ stream: 'orders' });
    let attempts = 0;
    r.failWhen((body) => body === 'poison' && ++attempts < 4);
    const { emulator } = await start(r.handler);
    await putOnShard0('orders', ['a', 'poison', 'c']);
    await until(() => attempts >= 2);
    expect(r.bodies()).toEqual(['a']);
    await until(() => r.seen.length === 3);
    expect(r.bodies()).toEqual(['a', 'poison', 'c']);
    expect(attempts).toBe(4);
    expect(emulator.store.deadLetters()).toEqual([]);
  });

  it('bisects a batch that fails as a whole until the poison record is alone, then skips it', async () => {
    const r = recorder({
      stream: 'orders',
      batchSize: 8,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 0,
    });
    const sizes: number[] = [];
    r.handler.use({
      before(request) {
        const records = (request.event as KinesisStreamEvent).Records;
        sizes.push(records.length);
        if (records.some((x) => Buffer.from(x.kinesis.data, 'base64').toString() === 'poison'))
          throw new Error('the batch holds poison');
      },
    });
    const { emulator } = await start(r.handler);
    await putOnShard0('orders', ['r0', 'r1', 'r2', 'r3', 'r4', 'poison', 'r6', 'r7']);
    await until(() => r.seen.length === 7);
    expect(r.bodies()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r6', 'r7']);
    expect(sizes).toEqual([8, 4, 4, 2, 1, 1, 2]);
    const dead = emulator.store.deadLetters();
    expect(dead.map((d) => [d.envelope.data, d.reason])).toEqual([['poison', 'retries-exhausted']]);
  });

  it('skips the failing batch after maximumRetryAttempts retries, as dead letters, and reads on', async () => {
    const r = recorder({ stream: 'orders', maximumRetryAttempts: 2 });
    let attempts = 0;
    r.failWhen((body) => {
      if (body === 'poison') attempts++;
      return body === 'poison';
    });
    const { emulator } = await start(r.handler);
    await putOnShard0('orders', ['a', 'b', 'poison', 'c']);
    await until(() => emulator.store.deadLetters().length === 2);
    expect(attempts).toBe(3);
    expect(r.bodies()).toEqual(['a', 'b']);
    const dead = emulator.store.deadLetters();
    expect(dead.map((d) => [d.envelope.data, d.reason, d.envelope.dlattempts])).toEqual([
      ['poison', 'retries-exhausted', 3],
      ['c', 'retries-exhausted', 3],
    ]);
    await kinesis?.send(
      new PutRecordCommand({
        StreamName: 'orders',
        PartitionKey: 'e',
        ExplicitHashKey: '0',
        Data: bytes('e'),
      }),
    );
    await until(() => r.seen.length === 3);
    expect(r.bodies()).toEqual(['a', 'b', 'e']);
  });

  it('resumes after its checkpoint on restart: nothing twice, nothing put while it was down lost', async () => {
    const dir = tempDir();
    const first = recorder({ stream: 'orders' });
    await start(first.handler, dir);
    await putOnShard0('orders', ['a', 'b']);
    await until(() => first.seen.length === 2);
    // Down: the emulator runs without the handler while records arrive.
    await start(undefined, dir);
    await putOnShard0('orders', ['c']);
    const second = recorder({ stream: 'orders' });
    await start(second.handler, dir);
    await putOnShard0('orders', ['d']);
    await until(() => second.seen.length === 2);
    expect(second.bodies()).toEqual(['c', 'd']);
    expect(emulator?.listensTo('clicks')).toContain('aws:kinesis orders');
  });
});
