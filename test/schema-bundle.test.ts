/**
 * Issue 5, cold start: `triggerkit build` bundles ajv standalone validators, so a Lambda bundle with a
 * schema compiles nothing when it loads — and does not even contain ajv's compiler.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildForLambda } from '../src/build/bundle.js';
import { createCloudEvent } from '../src/cloud-event.js';
import type { CompiledDefinition } from '../src/definition.js';
import { COLLECTOR_SYMBOL, TABLE_SYMBOL } from '../src/schema/precompiled.js';
import { invoke } from '../src/testing/index.js';
import { fixture } from './support/fixtures.js';
import { ROOT } from './support/processes.js';

const HANDLER = `
import { defineHandler } from ${JSON.stringify(`${ROOT}src/index.ts`)};

const orderSchema = {
  type: 'object',
  required: ['orderId', 'total', 'currency'],
  properties: {
    orderId: { type: 'string', minLength: 1 },
    total: { type: 'number', minimum: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    createdAt: { type: 'string', format: 'date-time' },
    items: { type: 'array', items: { type: 'object', properties: { quantity: { type: 'integer', minimum: 1 } } } },
  },
} as const;

export const handler = defineHandler({ name: 'orders', schema: orderSchema, handle: (event) => event.data.total });
export const fromFile = defineHandler({ name: 'refunds', schema: './contracts/refund.json', handle: () => 'ok' });
export const fromRegistry = defineHandler({ name: 'anything', schema: 'registry', handle: () => 'ok' });
`;

/** ajv's compiler (the Ajv class) leaves these property names in any bundle that contains it, minified or not. */
const COMPILER_MARKERS = ['compileAsync', 'addMetaSchema', 'validateSchema'];

const compiledOf = (value: unknown) =>
  (value as Record<symbol, CompiledDefinition>)[Symbol.for('triggerkit.compiled')] as CompiledDefinition;
const globals = globalThis as unknown as Record<symbol, unknown>;

let project: string;
let bundle: string;
let plain: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'tk-schema-bundle-'));
  mkdirSync(join(project, 'contracts'));
  mkdirSync(join(project, 'schemas'));
  writeFileSync(join(project, 'handler.ts'), HANDLER);
  writeFileSync(
    join(project, 'contracts/refund.json'),
    JSON.stringify({ type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } }),
  );
  writeFileSync(
    join(project, 'schemas/com.shop.order.shipped.json'),
    JSON.stringify({
      type: 'object',
      required: ['carrier'],
      properties: { carrier: { enum: ['ups', 'dhl'] } },
    }),
  );
  const [built] = await buildForLambda(project, [
    { name: 'orders', entry: 'handler.ts', exportName: 'handler' },
  ]);
  bundle = (built as { outfile: string }).outfile;
  // The control: the same handler bundled as before issue 5, ajv compiling at load.
  plain = join(project, 'plain.mjs');
  await esbuild.build({
    entryPoints: [join(project, 'handler.ts')],
    outfile: plain,
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
  });
}, 120_000);

afterAll(() => {
  delete globals[Symbol.for(COLLECTOR_SYMBOL)];
  rmSync(project, { recursive: true, force: true });
});

/** Imports a bundle while listening for runtime schema compilations; returns the module and what was heard. */
async function load(file: string): Promise<{ module: Record<string, unknown>; compiled: unknown[] }> {
  const compiled: unknown[] = [];
  globals[Symbol.for(COLLECTOR_SYMBOL)] = (item: unknown) => compiled.push(item);
  try {
    const module = await import(`${pathToFileURL(file).href}?t=${Date.now()}`);
    return { module, compiled };
  } finally {
    delete globals[Symbol.for(COLLECTOR_SYMBOL)];
  }
}

/** Loads a bundle in a fresh process, in the project folder, and lists the schemas compiled at load. */
function compilationsAtLoad(file: string): string[] {
  const script = `
    const heard = [];
    globalThis[Symbol.for(${JSON.stringify(COLLECTOR_SYMBOL)})] = (item) => heard.push(item.key.replace(/^json:.*/, 'json:'));
    await import(${JSON.stringify(pathToFileURL(file).href)});
    console.log(JSON.stringify(heard));
    process.exit(0);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: project,
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('a Lambda bundle with schemas', () => {
  it('contains no ajv compiler (the unprecompiled control does) and is smaller by it', () => {
    const code = readFileSync(bundle, 'utf8');
    const control = readFileSync(plain, 'utf8');
    for (const marker of COMPILER_MARKERS) {
      expect(control).toContain(marker);
      expect(code).not.toContain(marker);
    }
    expect(code).not.toMatch(/new \w+\(\{[^}]*allErrors/);
    expect(statSync(bundle).size).toBeLessThan(statSync(plain).size - 80 * 1024);
  });

  it('compiles no schema when it loads: every validator comes precompiled from the bundle', async () => {
    expect(compilationsAtLoad(plain)).toEqual(['json:', 'file:./contracts/refund.json', 'registry']);
    expect(compilationsAtLoad(bundle)).toEqual([]);
    // In this process too, whose working directory holds neither contracts/ nor schemas/.
    expect(existsSync(`${ROOT}contracts`) || existsSync(`${ROOT}schemas`)).toBe(false);
    const { module, compiled } = await load(bundle);
    expect(compiled).toEqual([]);
    const table = globals[Symbol.for(TABLE_SYMBOL)] as Map<string, unknown>;
    expect([...table.keys()]).toEqual(expect.arrayContaining(['file:./contracts/refund.json', 'registry']));
    expect(Object.keys(module).sort()).toEqual(['fromFile', 'fromRegistry', 'handler']);
  });

  it('validates with the precompiled code: pointers, formats and patterns, dead-lettered as non-retryable', async () => {
    const { module } = await load(bundle);
    const raw = fixture('sqs/orders-batch.json');
    const result = await invoke(module.handler as Parameters<typeof invoke>[0], raw);
    expect(result.results).toEqual([129.9, 42]);
    expect(result.failed.map((f) => [f.stage, f.retryable, (f.error as Error).message])).toEqual([
      [
        'schema',
        false,
        expect.stringMatching(/^data\/items\/0\/quantity must be >= 1 \(event id .+, record 8e4a3d2b-/),
      ],
      ['schema', false, expect.stringMatching(/^data\/total must be number \(event id .+, record 9f5b4e3c-/)],
    ]);
    const validate = compiledOf(module.handler).validate;
    expect(validate?.({ orderId: 'o', total: 1, currency: 'EUR', createdAt: 'soon' })).toEqual([
      { pointer: '/createdAt', message: 'must match format "date-time"' },
    ]);
  });

  it('carries the schema file and the registry folder as they were at build time', async () => {
    const { module } = await load(bundle);
    expect(compiledOf(module.fromFile).validate?.({})).toEqual([
      { pointer: '/', message: 'must have property "amount"' },
    ]);
    const registry = compiledOf(module.fromRegistry).validate;
    const shipped = (data: unknown) =>
      createCloudEvent({ id: 's-1', source: '/shop', type: 'com.shop.order.shipped', data });
    expect(registry?.check(shipped({ carrier: 'ups' }))).toEqual({ ok: true, data: { carrier: 'ups' } });
    expect(registry?.check(shipped({ carrier: 'pigeon' }))).toMatchObject({
      ok: false,
      problems: [{ pointer: '/carrier', message: 'must be equal to one of the allowed values' }],
    });
    const other = createCloudEvent({ id: 'x', source: '/shop', type: 'com.shop.order.lost', data: {} });
    expect(registry?.check(other)).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringContaining('"com.shop.order.lost": looked in schemas/') }],
    });
  });
});
