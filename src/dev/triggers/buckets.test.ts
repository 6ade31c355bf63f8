/**
 * The live bucket triggers, driven as a user drives them: real files in a bucket's folder, and the real
 * SDK v3 S3 client (path-style) against the emulator.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { bucketsOf } from '../buckets/service.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let emulator: Emulator | undefined;
let s3: S3Client | undefined;
const folders: string[] = [];

afterEach(async () => {
  s3?.destroy();
  await emulator?.close();
  emulator = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const tempFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), 'buckets-test-'));
  folders.push(folder);
  return folder;
};

/** A handler of `sources` that records each event it gets. */
function recorder(sources: NonNullable<Parameters<typeof defineHandler>[0]['sources']>) {
  const seen: CloudEvent<S3EventRecord>[] = [];
  const handler = defineHandler({
    name: 'photos',
    sources,
    handle: async (event) => {
      seen.push(event as CloudEvent<S3EventRecord>);
    },
  });
  return { seen, handler };
}

async function start(options: Omit<EmulatorOptions, 'log' | 'onTrace'>) {
  emulator = createEmulator({ log: () => {}, onTrace: () => {}, ...options });
  const url = await emulator.listen(0);
  await bucketsOf(emulator.store)?.ready();
  s3 = new S3Client({
    endpoint: url,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  return { url, s3, emulator };
}

const until = async (test: () => boolean, ms = 8_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

describe('live bucket triggers: a folder is a bucket', () => {
  it('announces a file dropped as soon as listen resolves: the first look at the folder is already done', async () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'old.jpg'), 'there before');
    const { seen, handler } = recorder([{ type: 'aws:s3', bucket: 'photos' }]);
    emulator = createEmulator({
      log: () => {},
      onTrace: () => {},
      functions: [{ name: 'photos', handler }],
      buckets: { photos: folder },
    });
    await emulator.listen(0);
    writeFileSync(join(folder, 'new.jpg'), 'dropped right away');
    await until(() => seen.length === 1);
    expect(seen.map((e) => e.subject)).toEqual(['new.jpg']);
  });

  it('a dropped .jpg reaches an aws:s3 handler with suffix .jpg as ObjectCreated:Put; a .png does not', async () => {
    const folder = tempFolder();
    const { seen, handler } = recorder([{ type: 'aws:s3', bucket: 'photos', suffix: '.jpg' }]);
    await start({ functions: [{ name: 'photos', handler }], buckets: { photos: folder } });
    writeFileSync(join(folder, 'cat photo.jpg'), 'meow');
    writeFileSync(join(folder, 'dog.png'), 'woof');
    await until(() => seen.length === 1);
    await pause(600); // the .png would have been announced by now
    expect(seen).toHaveLength(1);
    const event = seen[0] as CloudEvent<S3EventRecord> & { data: S3EventRecord };
    expect(event.type).toBe('com.amazonaws.s3.ObjectCreated:Put');
    expect(event.subject).toBe('cat photo.jpg');
    expect(event.data.eventName).toBe('ObjectCreated:Put');
    expect(event.data.s3.object.key).toBe('cat+photo.jpg');
    expect(event.data.s3.object).toMatchObject({ size: 4, eTag: md5('meow') });
    expect(event.data.s3.object).not.toHaveProperty('versionId');
    expect(event.data.s3.object.sequencer).toMatch(/^[0-9A-F]{18}$/);
    expect(event.data.s3).toMatchObject({
      s3SchemaVersion: '1.0',
      configurationId: 'triggerkit-photos',
      bucket: { name: 'photos', arn: 'arn:aws:s3:::photos' },
    });
    expect(event.data.responseElements['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
  });

  it('deleting a file fires ObjectRemoved:Delete, with a greater sequencer for the key', async () => {
    const folder = tempFolder();
    const { seen, handler } = recorder([{ type: 'aws:s3', bucket: 'photos' }]);
    await start({ functions: [{ name: 'photos', handler }], buckets: { photos: folder } });
    writeFileSync(join(folder, 'a+b (1).jpg'), 'x');
    await until(() => seen.length === 1);
    unlinkSync(join(folder, 'a+b (1).jpg'));
    await until(() => seen.length === 2);
    const [put, removed] = seen.map((e) => e.data) as [S3EventRecord, S3EventRecord];
    expect(removed.eventName).toBe('ObjectRemoved:Delete');
    expect(removed.s3.object.key).toBe('a%2Bb+%281%29.jpg');
    expect(removed.s3.object).not.toHaveProperty('size');
    expect(removed.s3.object.sequencer > put.s3.object.sequencer).toBe(true);
    expect(seen[1]?.subject).toBe('a+b (1).jpg');
  });

  it('a large file written slowly in chunks is announced once, complete', async () => {
    const folder = tempFolder();
    const { seen, handler } = recorder([{ type: 'aws:s3', bucket: 'photos' }]);
    await start({ functions: [{ name: 'photos', handler }], buckets: { photos: folder } });
    const chunk = Buffer.alloc(256 * 1024, 7);
    const path = join(folder, 'big.bin');
    for (let i = 0; i < 12; i++) {
      appendFileSync(path, chunk);
      await pause(40);
    }
    await until(() => seen.length === 1);
    await pause(600);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.data?.s3.object).toMatchObject({
      size: 12 * chunk.length,
      eTag: md5(readFileSync(path)),
    });
  });

  it('PutObject through the SDK (aws-chunked by default) writes the file and notifies once', async () => {
    const folder = tempFolder();
    const { seen, handler } = recorder([{ type: 'aws:s3', bucket: 'photos', suffix: '.jpg' }]);
    const { s3 } = await start({ functions: [{ name: 'photos', handler }], buckets: { photos: folder } });
    // A stream body: the SDK sends it aws-chunked, with a CRC32 trailer.
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'photos',
        Key: 'albums/cat photo.jpg',
        Body: Readable.from([Buffer.from('pu'), Buffer.from('rr')]),
        ContentLength: 4,
        ContentType: 'image/jpeg',
      }),
    );
    expect(put.ETag).toBe(`"${md5('purr')}"`);
    expect(readFileSync(join(folder, 'albums', 'cat photo.jpg'), 'utf8')).toBe('purr');
    await until(() => seen.length === 1);
    await pause(700); // the watcher sees the file too, and must not announce it again
    expect(seen).toHaveLength(1);
    expect(seen[0]?.data?.s3.object).toMatchObject({
      key: 'albums/cat+photo.jpg',
      size: 4,
      eTag: md5('purr'),
    });
    expect(seen[0]?.data?.responseElements['x-amz-request-id']).toBe(put.$metadata.requestId);

    const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'albums/cat photo.jpg' }));
    expect(await got.Body?.transformToString()).toBe('purr');
    expect(got.ContentType).toBe('image/jpeg');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'photos', Key: 'albums/cat photo.jpg' }));
    expect(head.ContentLength).toBe(4);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'nope.jpg' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'nobucket', Key: 'x' }))).rejects.toBeDefined();

    await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'albums/cat photo.jpg' }));
    await until(() => seen.length === 2);
    expect(seen[1]?.data?.eventName).toBe('ObjectRemoved:Delete');
    await pause(600);
    expect(seen).toHaveLength(2);
  });

  it('ListObjectsV2 lists the folder with prefix, delimiter, max-keys and continuation', async () => {
    const folder = tempFolder();
    const { s3 } = await start({ functions: [], buckets: { photos: folder } });
    for (const key of ['a.jpg', 'b/1.jpg', 'b/2.jpg', 'c.txt', 'd/e/f.jpg'])
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: key, Body: key }));
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'photos', Delimiter: '/' }));
    expect(top.Contents?.map((c) => c.Key)).toEqual(['a.jpg', 'c.txt']);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/', 'd/']);
    expect(top.Contents?.[0]).toMatchObject({ ETag: `"${md5('a.jpg')}"`, Size: 5 });

    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: 'photos', MaxKeys: 2, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((c) => c.Key as string));
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
    } while (token !== undefined);
    expect(keys).toEqual(['a.jpg', 'b/1.jpg', 'b/2.jpg', 'c.txt', 'd/e/f.jpg']);

    const b = await s3.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'b/' }));
    expect(b.KeyCount).toBe(2);
  });

  it('an alibaba:oss declaration gets OSS shaped events', async () => {
    const folder = tempFolder();
    const { seen, handler } = recorder([{ type: 'alibaba:oss', bucket: 'uploads', prefix: 'invoices/' }]);
    await start({ functions: [{ name: 'photos', handler }], buckets: { uploads: folder } });
    writeFileSync(join(folder, 'skip.pdf'), 'no');
    await pause(50);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(folder, 'invoices'));
    writeFileSync(join(folder, 'invoices', 'bill 1.pdf'), 'pdf!');
    await until(() => seen.length === 1);
    const event = seen[0] as unknown as CloudEvent<Record<string, unknown>>;
    expect(event.source).toBe('acs.oss');
    expect(event.type).toBe('oss:ObjectCreated:PutObject');
    expect(event.subject).toMatch(/uploads\/invoices\/bill 1\.pdf$/);
    expect(event.data).toMatchObject({
      eventSource: 'acs:oss',
      eventName: 'ObjectCreated:PutObject',
      oss: {
        bucket: { name: 'uploads' },
        object: { key: 'invoices/bill 1.pdf', size: 4, deltaSize: 4, eTag: md5('pdf!').toUpperCase() },
      },
    });
  });
});
