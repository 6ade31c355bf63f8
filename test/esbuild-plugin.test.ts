/**
 * `triggerkit/esbuild` in a plain esbuild call does what `triggerkit build` does to a handler bundle: the
 * SQS + schema example comes out pruned and precompiled, within 10 % of `triggerkit build`'s bytes, and
 * answers a recorded batch the same way. A handler that does not load is one build error naming it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { triggerkitPlugin } from 'triggerkit/esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildForLambda } from '../src/build/bundle.js';
import { fixture } from './support/fixtures.js';
import { ROOT } from './support/processes.js';

const ENTRY = 'examples/orders-queue/handler.ts';
/** ajv's compiler (the Ajv class) leaves these property names in any bundle that contains it. */
const COMPILER_MARKERS = ['compileAsync', 'addMetaSchema', 'validateSchema'];

type Handler = (
  raw: unknown,
  context: unknown,
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
const load = async (file: string): Promise<Handler> =>
  (await import(`${pathToFileURL(file).href}?t=${Date.now()}`)).handler;

const scratch = mkdtempSync(join(tmpdir(), 'tk-esbuild-plugin-'));
const plain = join(scratch, 'plain', 'handler.mjs');
let cliBytes: number;

beforeAll(async () => {
  const [built] = await buildForLambda(
    ROOT,
    [{ name: 'ordersQueue', entry: ENTRY, exportName: 'handler' }],
    scratch,
  );
  cliBytes = (built as { bytes: number }).bytes;
  // As a user's build script writes it: no absWorkingDir (the current directory), no banner.
  await esbuild.build({
    entryPoints: [ENTRY],
    outfile: plain,
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    logLevel: 'silent',
    plugins: [triggerkitPlugin()],
  });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('plain esbuild with triggerkitPlugin()', () => {
  it("is within 10 % of `triggerkit build`'s bundle", () => {
    const bytes = statSync(plain).size;
    expect(Math.abs(bytes - cliBytes) / cliBytes).toBeLessThan(0.1);
  });

  it('holds precompiled validators instead of the ajv compiler, and only the SQS source', () => {
    const code = readFileSync(plain, 'utf8');
    for (const marker of COMPILER_MARKERS) expect(code).not.toContain(marker);
    expect(code).not.toContain('x-hub-signature'); // the GitHub webhook verifier (HTTP sources)
  });

  it('answers a recorded SQS batch as the `triggerkit build` bundle does', async () => {
    const context = { functionName: 'ordersQueue', getRemainingTimeInMillis: () => 3000 };
    const viaPlugin = await (await load(plain))(fixture('sqs/orders-batch.json'), context);
    const viaCli = await (await load(join(scratch, 'examples/orders-queue/handler.mjs')))(
      fixture('sqs/orders-batch.json'),
      context,
    );
    expect(viaPlugin.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      '8e4a3d2b-6c7f-4a9e-8b1c-2d3e4f5a6b7c',
      '9f5b4e3c-7d8a-4b0f-9c2d-3e4f5a6b7c8d',
    ]);
    expect(viaPlugin).toEqual(viaCli);
  });

  it("keeps a banner that already defines `require` (serverless-esbuild's ESM recipe) instead of adding a second", async () => {
    const outfile = join(scratch, 'banner', 'handler.mjs');
    await esbuild.build({
      entryPoints: { handler: ENTRY },
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
      banner: {
        js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
      plugins: [triggerkitPlugin()],
    });
    expect(readFileSync(outfile, 'utf8').match(/const require\s*=/g)).toHaveLength(1);
    const answer = await (await load(outfile))(fixture('sqs/orders-batch.json'), {
      functionName: 'ordersQueue',
      getRemainingTimeInMillis: () => 3000,
    });
    expect(answer.batchItemFailures).toHaveLength(2);
  });
});

describe('a handler that does not load', () => {
  const broken = join(scratch, 'broken.ts');
  writeFileSync(broken, "throw new Error('DATABASE_URL is not set');\nexport const handler = () => 1;\n");

  it('fails the esbuild build with one error that names the file and the reason', async () => {
    const failure = await esbuild
      .build({
        absWorkingDir: scratch,
        entryPoints: ['broken.ts'],
        write: false,
        bundle: true,
        platform: 'node',
        format: 'esm',
        logLevel: 'silent',
        plugins: [triggerkitPlugin()],
      })
      .catch((error: esbuild.BuildFailure) => error);
    expect((failure as esbuild.BuildFailure).errors).toHaveLength(1);
    expect((failure as esbuild.BuildFailure).errors[0]?.text).toMatch(
      /^broken\.ts: triggerkit's build loads each handler once .*loading this one failed:\n[\s\S]*DATABASE_URL is not set/,
    );
  });

  it('fails `triggerkit build` with the same message as E_CONFIG', async () => {
    await expect(
      buildForLambda(scratch, [{ name: 'broken', entry: 'broken.ts', exportName: 'handler' }], 'out'),
    ).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringContaining('DATABASE_URL is not set'),
    });
  });
});
