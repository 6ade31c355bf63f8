/**
 * Folder buckets beyond one handler: S3 → SQS through a notification configuration set with the real
 * SDK, names that would shadow routes, `--bucket` flags, and what a restart announces.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator.js';
import { flagValues, parseBucketFlags } from './flags.js';
import { bucketsOf } from './service.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const opened: Emulator[] = [];
const folders: string[] = [];

afterEach(async () => {
  for (const emulator of opened.splice(0)) await emulator.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const tempFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), 'buckets-test-'));
  folders.push(folder);
  return folder;
};

async function start(options: Omit<EmulatorOptions, 'log' | 'onTrace'>) {
  const emulator = createEmulator({ log: () => {}, onTrace: () => {}, ...options });
  opened.push(emulator);
  const url = await emulator.listen(0);
  await bucketsOf(emulator.store)?.ready();
  const config = { endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 };
  return { emulator, url, s3: new S3Client({ ...config, forcePathStyle: true }), sqs: new SQSClient(config) };
}

const until = async (test: () => boolean, ms = 8_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('folder buckets', () => {
  it('S3 → SQS: a QueueConfiguration sends the S3 event JSON to a local queue, and an aws:sqs handler gets it', async () => {
    const seen: CloudEvent[] = [];
    const handler = defineHandler({
      name: 'uploads',
      sources: [{ type: 'aws:sqs', queue: 'uploads' }],
      handle: async (event) => {
        seen.push(event);
      },
    });
    const { s3, sqs } = await start({ functions: [{ name: 'uploads', handler }] });
    await sqs.send(new CreateQueueCommand({ QueueName: 'uploads' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'inbox' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'inbox',
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Id: 'to-uploads',
              QueueArn: 'arn:aws:sqs:us-east-1:000000000000:uploads',
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } },
            },
          ],
        },
      }),
    );
    const read = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'inbox' }));
    expect(read.QueueConfigurations?.[0]).toMatchObject({ Id: 'to-uploads', Events: ['s3:ObjectCreated:*'] });
    await s3.send(new PutObjectCommand({ Bucket: 'inbox', Key: 'out/skip.txt', Body: 'no' }));
    await s3.send(new PutObjectCommand({ Bucket: 'inbox', Key: 'in/new file.txt', Body: 'yes' }));
    await until(() => seen.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The s3:TestEvent S3 sends first is acknowledged without running the handler; the other key is filtered.
    expect(seen).toHaveLength(1);
    expect(seen[0]?.type).toBe('com.amazonaws.s3.ObjectCreated:Put');
    expect(seen[0]?.subject).toBe('in/new file.txt');
    const record = (seen[0]?.data as S3Event['Records'][number]) ?? {};
    expect(record.s3.configurationId).toBe('to-uploads');
    expect(record.s3.object.key).toBe('in/new+file.txt');
  });

  it('refuses at start a bucket named like an emulator route, with the reason', () => {
    const handler = defineHandler({
      name: 'h',
      sources: [{ type: 'aws:s3', bucket: 'events' }],
      handle: async () => {},
    });
    expect(() => createEmulator({ functions: [{ name: 'h', handler }], log: () => {} })).toThrow(
      /declares bucket "events", which cannot be served: \/events is the emulator's own route/,
    );
  });

  it('refuses a bucket whose path a handler serves over HTTP', () => {
    const s3 = defineHandler({
      name: 'a',
      sources: [{ type: 'aws:s3', bucket: 'hooks' }],
      handle: async () => {},
    });
    const http = defineHandler({
      name: 'b',
      sources: [{ type: 'http', path: '/hooks/shop' }],
      handle: async () => {},
    });
    expect(() =>
      createEmulator({
        functions: [
          { name: 'a', handler: s3 },
          { name: 'b', handler: http },
        ],
        log: () => {},
      }),
    ).toThrow(/\/hooks\/… is an HTTP path of b/);
  });

  it('a bucket path serves only buckets that exist: other paths answer as before', async () => {
    const { url } = await start({ functions: [], buckets: { photos: tempFolder() } });
    expect((await fetch(`${url}/nothere/x`)).status).toBe(404);
    expect((await fetch(`${url}/events/abc`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${url}/photos/x`)).status).toBe(404);
    expect(await (await fetch(`${url}/photos/x`)).text()).toContain('<Code>NoSuchKey</Code>');
  });

  it('with a state folder, buckets live in <state>/buckets/<name>, and a restart announces what changed meanwhile', async () => {
    const state = tempFolder();
    const seen: string[] = [];
    const handler = defineHandler({
      name: 'p',
      sources: [{ type: 'aws:s3', bucket: 'photos' }],
      handle: async (event) => {
        seen.push(`${event.type.slice('com.amazonaws.s3.'.length)} ${event.subject}`);
      },
    });
    const first = await start({ functions: [{ name: 'p', handler }], stateDir: state });
    expect(first.emulator.listensTo('p')).toMatch(/^aws:s3 photos \(folder .*buckets\/photos\)$/);
    const folder = join(state, 'buckets', 'photos');
    writeFileSync(join(folder, 'kept.jpg'), 'k');
    writeFileSync(join(folder, 'gone.jpg'), 'g');
    await until(() => seen.length === 2);
    await first.emulator.close();
    opened.splice(0);
    unlinkSync(join(folder, 'gone.jpg'));
    writeFileSync(join(folder, 'new.jpg'), 'n');
    seen.length = 0;
    await start({ functions: [{ name: 'p', handler }], stateDir: state });
    await until(() => seen.length === 2);
    expect(seen.sort()).toEqual(['ObjectCreated:Put new.jpg', 'ObjectRemoved:Delete gone.jpg']);
  });
});

describe('--bucket flags', () => {
  it('reads repeated and comma-separated name=dir values', () => {
    const raw = ['dev', '--bucket', 'photos=./p', '--bucket=logs=/tmp/l,docs=d'];
    expect(parseBucketFlags(flagValues(raw, 'bucket'), '/root')).toEqual({
      photos: '/root/p',
      logs: '/tmp/l',
      docs: '/root/d',
    });
  });

  it('refuses a value without a folder, a bad name or a name given twice', () => {
    expect(() => parseBucketFlags(['photos'], '/r')).toThrow(/--bucket takes name=dir/);
    expect(() => parseBucketFlags(['Photos=x'], '/r')).toThrow(/lower-case/);
    expect(() => parseBucketFlags(['abc=x', 'abc=y'], '/r')).toThrow(/given twice/);
  });
});
