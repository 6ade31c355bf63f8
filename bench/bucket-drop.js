#!/usr/bin/env node
/**
 * File-drop → handler latency through the emulator's live bucket trigger, against dist/ (`npm run
 * prepare`): a file written into a bucket folder (watched; announced once its size has held still for
 * 250 ms, so a partial write is never announced), and the same object put through the S3 API (announced at
 * once). Each sample waits for the handler before the next one, so the figures are latencies, not queueing.
 *
 *   node bench/bucket-drop.js [samples]       (default 40)
 *
 * Not part of `npm run bench`: its figures are dominated by the watcher's settle time, by design.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createEmulator } from '../dist/dev/emulator.js';
import { defineHandler } from '../dist/index.js';

const samples = Number(process.argv[2] ?? 40);
const folder = mkdtempSync(join(tmpdir(), 'tk-bucket-bench-'));
const seen = new Map();
const handler = defineHandler({
  name: 'bench-bucket',
  sources: [{ type: 'aws:s3', bucket: 'photos' }],
  handle: async (event) => {
    seen.set(event.subject, performance.now());
  },
});
const emulator = createEmulator({
  functions: [{ name: 'bench-bucket', handler }],
  buckets: { photos: folder },
  onTrace: () => {},
  log: () => {},
});
const url = await emulator.listen(0);
const s3 = new S3Client({
  endpoint: url,
  forcePathStyle: true,
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
});
const body = Buffer.alloc(64 * 1024, 7);

async function until(key) {
  const deadline = Date.now() + 30_000;
  while (!seen.has(key)) {
    if (Date.now() > deadline)
      throw new Error(
        `${key} never reached the handler (it saw: ${[...seen.keys()].slice(0, 5).join(', ')})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return seen.get(key);
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function run(label, put) {
  const latencies = [];
  for (let i = 0; i < samples; i++) {
    const key = `${label}-${i}.jpg`;
    const started = performance.now();
    await put(key);
    latencies.push((await until(key)) - started);
  }
  return { label, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

// Warm-up: the first announcement builds the handler.
await run('warm-file', async (key) => writeFileSync(join(folder, key), body));
const rows = [
  await run('file written into the folder', async (key) => writeFileSync(join(folder, key), body)),
  await run('PutObject through the S3 API', async (key) =>
    s3.send(new PutObjectCommand({ Bucket: 'photos', Key: key, Body: body })),
  ),
];
console.log(`${samples} samples each, 64 KiB objects, Node ${process.version}`);
console.log('| how the object arrives | p50 ms | p99 ms |');
console.log('| --- | ---: | ---: |');
for (const row of rows) console.log(`| ${row.label} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} |`);
s3.destroy();
await emulator.close();
rmSync(folder, { recursive: true, force: true });
