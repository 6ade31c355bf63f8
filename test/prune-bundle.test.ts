/**
 * Issue 5, cold start: `triggerkit build` bundles only what the handlers of a module use. An SQS handler
 * without filter or transform gets the SQS normalizer, detect-only stand-ins for every other source, no
 * pattern or transform compiler, no HTTP webhook code or SNS subscription check, no idempotency (with its
 * JSONPath reader), no schedule-expression parser, and no eager `node:crypto` / `node:zlib` imports —
 * and answers every recorded event exactly as the same handler bundled whole.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildForLambda } from '../src/build/bundle.js';
import { fixture, fixtureNames } from './support/fixtures.js';
import { ROOT } from './support/processes.js';

const HANDLER = `
import { defineHandler } from ${JSON.stringify(`${ROOT}src/index.ts`)};

export const handler = defineHandler({
  name: 'orders',
  sources: [{ type: 'aws:sqs', queue: 'shop-orders' }],
  handle: (event) => event.data,
});

// Defined after the module loaded: the build did not see them.
export const later = {
  http: () => defineHandler({ name: 'late-http', sources: [{ type: 'http', path: '/hook' }], handle: () => 1 }),
  kinesis: () => defineHandler({ name: 'late-kinesis', sources: [{ type: 'aws:kinesis' }], handle: () => 1 }),
  filter: () => defineHandler({ name: 'late-filter', sources: [{ type: 'aws:sqs' }], filter: { type: ['x'] }, handle: () => 1 }),
  transform: () => defineHandler({ name: 'late-transform', sources: [{ type: 'aws:sqs' }], transform: { InputPath: '$.data' }, handle: () => 1 }),
  idempotency: () => defineHandler({ name: 'late-once', sources: [{ type: 'aws:sqs' }], idempotency: { ttl: '1h' }, handle: () => 1 }),
  sqs: () => defineHandler({ name: 'late-sqs', sources: [{ type: 'aws:sqs' }], handle: () => 1 }),
};
`;

/** Code only the whole bundle holds: webhook verifiers, the pattern and transform compilers, gunzip. */
const MARKERS = {
  'GitHub webhook verifier': 'x-hub-signature',
  'Slack webhook verifier': 'x-slack-signature',
  'pattern compiler': 'anything-but',
  'transform compiler': 'InputTransformer',
  'CloudWatch Logs gunzip': 'gunzipSync',
  'node:zlib': 'node:zlib',
  'SNS HTTP subscription signature check': 'certificate_unavailable',
  'idempotency (DynamoDB store)': 'attribute_not_exists(pk)',
  'idempotency key JSONPath': 'must start at the event root',
  'EventBridge schedule expression parser': 'a rate is a whole number and a unit',
};

type Loaded = Record<string, unknown> & {
  handler: (raw: unknown, context: unknown) => Promise<unknown>;
  later: Record<string, () => unknown>;
};

let project: string;
let pruned: Loaded;
let whole: Loaded;
let prunedCode: string;
let wholeCode: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'tk-prune-bundle-'));
  writeFileSync(join(project, 'handler.ts'), HANDLER);
  const [built] = await buildForLambda(project, [
    { name: 'orders', entry: 'handler.ts', exportName: 'handler' },
  ]);
  const outfile = (built as { outfile: string }).outfile;
  // The control: the same handler bundled whole, as before pruning.
  const control = join(project, 'whole.mjs');
  await esbuild.build({
    entryPoints: [join(project, 'handler.ts')],
    outfile: control,
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
  });
  prunedCode = readFileSync(outfile, 'utf8');
  wholeCode = readFileSync(control, 'utf8');
  pruned = await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
  whole = await import(`${pathToFileURL(control).href}?t=${Date.now()}`);
}, 120_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

const context = { functionName: 'orders', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 30_000 };

/** What a call gives: the response, or the error's code and message. */
async function outcome(bundle: Loaded, raw: unknown) {
  try {
    return { response: await bundle.handler(structuredClone(raw), context) };
  } catch (error) {
    const e = error as { code?: string; message: string };
    return { code: e.code, message: e.message };
  }
}

const FIXTURES = fixtureNames().filter((name) => !name.startsWith('sqs/'));

describe('a Lambda bundle pruned to its SQS handler', () => {
  it('holds no webhook verifier, compiler, gunzip or eager crypto/zlib import (the whole bundle does)', () => {
    for (const [what, marker] of Object.entries(MARKERS)) {
      expect(wholeCode, what).toContain(marker);
      expect(prunedCode, what).not.toContain(marker);
    }
    expect(wholeCode).toMatch(/from\s*"node:crypto"/);
    expect(prunedCode).not.toMatch(/from\s*"node:(crypto|zlib|net|fs|path|stream)"/);
    expect(prunedCode.length).toBeLessThan(wholeCode.length / 2);
  });

  it('runs an SQS batch as the whole bundle does', async () => {
    const raw = fixture('sqs/orders-batch.json');
    const answer = await outcome(pruned, raw);
    expect(answer).toEqual({ response: { batchItemFailures: [] } });
    expect(await outcome(whole, raw)).toEqual(answer);
    const fifo = fixture('sqs/fifo-batch.json');
    expect(await outcome(pruned, fifo)).toEqual(await outcome(whole, fifo));
  });

  it.each(FIXTURES)('%s: answered exactly as the whole bundle answers it', async (name) => {
    const raw = fixture(name);
    expect(await outcome(pruned, raw)).toEqual(await outcome(whole, raw));
  });

  it('refuses an HTTP request with the same 404, and unknown input with the same E_SOURCE_UNKNOWN', async () => {
    const request = await outcome(pruned, fixture('apigw-http/order-webhook.json'));
    expect(request).toMatchObject({ response: { statusCode: 404 } });
    expect(JSON.stringify(request)).toContain('does not accept an HTTP request to /webhooks/orders');
    const unknown = await outcome(pruned, { hello: 'world' });
    expect(unknown).toMatchObject({ code: 'E_SOURCE_UNKNOWN' });
    expect(unknown).toEqual(await outcome(whole, { hello: 'world' }));
  });

  it('a malformed request from an undeclared source is refused as undeclared (the whole bundle: as malformed)', async () => {
    const raw = { ...fixture('apigw-http/order-webhook.json'), rawPath: 7 };
    expect(await outcome(pruned, raw)).toMatchObject({ response: { statusCode: 404 } });
    expect(await outcome(whole, raw)).toMatchObject({ response: { statusCode: 400 } });
  });

  it('a handler defined after load with a left-out source or stage fails at definition time, with E_CONFIG', () => {
    for (const key of ['http', 'kinesis', 'filter', 'transform', 'idempotency']) {
      expect(() => pruned.later[key]?.(), key).toThrow(
        expect.objectContaining({
          code: 'E_CONFIG',
          message: expect.stringContaining('`triggerkit build` left out of this bundle'),
        }),
      );
      expect(() => whole.later[key]?.(), key).not.toThrow();
    }
    expect(() => pruned.later.sqs?.()).not.toThrow();
  });
});
