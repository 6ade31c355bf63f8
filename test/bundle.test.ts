/** `triggerkit build` output is a self-contained Lambda handler: import it, call it, and hold its size. */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { fixture } from './support/fixtures.js';
import { CLI, ROOT } from './support/processes.js';

// Validators are precompiled into the bundle (no ajv compiler), and it holds only the SQS source it
// declares, no HTTP webhook or signature code (src/build/prune.ts): about 77 KiB. Raise only on purpose.
const BUDGET_BYTES = 110 * 1024;

it('builds minified ESM bundles with source maps that run as Lambda handlers within the byte budget', async () => {
  const out = execFileSync(
    process.execPath,
    [CLI, 'build', '--handler', 'examples/orders-queue/handler.ts'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  expect(out).toMatch(/handler: \.triggerkit\/build\/examples\/orders-queue\/handler\.mjs \(\d+\.\d KiB\)/);
  const bundle = `${ROOT}/.triggerkit/build/examples/orders-queue/handler.mjs`;
  expect(statSync(bundle).size).toBeLessThan(BUDGET_BYTES);
  expect(statSync(`${bundle}.map`).size).toBeGreaterThan(0);
  expect(readFileSync(bundle, 'utf8')).not.toMatch(/from\s*["']triggerkit["']/);
  const { handler } = await import(`${pathToFileURL(bundle).href}?t=${Date.now()}`);
  const raw = fixture('sqs/orders-batch.json');
  const response = await handler(raw, { functionName: 'ordersQueue', getRemainingTimeInMillis: () => 3000 });
  expect(response.batchItemFailures.map((f: { itemIdentifier: string }) => f.itemIdentifier)).toEqual([
    '8e4a3d2b-6c7f-4a9e-8b1c-2d3e4f5a6b7c',
    '9f5b4e3c-7d8a-4b0f-9c2d-3e4f5a6b7c8d',
  ]);
});
