/**
 * Issue 5: schema validation.
 *
 * 1. Validation of one order per call (an order of fixtures/sqs-orders.js, freshly JSON.parse'd):
 *    triggerkit's precompiled validator, taken from a bundle built by `buildForLambda` (what ships),
 *    against Powertools for AWS Lambda's parser (`parse(order, undefined, zodSchema)`, zod 4) and
 *    against ajv compiled at runtime (ajv + ajv-formats, the options src/schema/ajv-compiler.ts uses).
 *    Goal: triggerkit at least 2× faster than the Powertools parser.
 * 2. Init time of a built handler bundle: each bundle is imported by a fresh `node` process, which
 *    reports the import time (Lambda's Init) and the first call on a 10-record SQS batch; processes
 *    are interleaved across bundles. Goal: the triggerkit bundle with a schema initializes at least
 *    3× faster than a Powertools parser bundle doing the same job (SqsEnvelope + the zod schema,
 *    as middy middleware). Both bundles: esbuild, ESM, node20, minified, like `triggerkit build`.
 *
 * Benchmarks the shipped code: dist/ (bench/run.js rebuilds it when src/ is newer).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from '@aws-lambda-powertools/parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import * as esbuild from 'esbuild';
import { z } from 'zod';
import { buildForLambda } from '../dist/build/bundle.js';
import { compileSchema } from '../dist/schema/compile.js';
import { order, orderSchema, sqsOrderBatch } from './fixtures/sqs-orders.js';
import { compare, quantile, ratio } from './lib/compare.js';

export const title = 'schema: validation per event, and init time of a built handler bundle';

/** The goals: validation ÷ Powertools ≤ 1/2; init of the Powertools bundle ÷ triggerkit's ≥ 3. */
export const GOALS = { validation: 2, init: 3 };
/** Issue 20: the built SQS + schema bundle against middy + event-normalizer bundled alike. */
export const MIDDY_GOALS = { kib: 40, init: 1.1 };

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const work = join(root, '.triggerkit', 'bench', 'schema');

let sink = 0;

/**
 * fixtures/sqs-orders.js's `orderSchema` in zod 4, rule for rule: the same patterns, enums, minimums,
 * `date-time` with offsets (z.iso.datetime({ offset: true })) and email; unknown keys allowed (zod
 * strips them, JSON Schema ignores them). One source text, built in this process and in the bundle.
 */
const ZOD_ORDER = `const Order = z.object({
  orderId: z.string().regex(/^ord_[0-9]{8}$/),
  status: z.enum(['created', 'paid', 'cancelled']),
  createdAt: z.iso.datetime({ offset: true }),
  customer: z.object({ id: z.string(), email: z.email() }),
  currency: z.string().regex(/^[A-Z]{3}$/),
  total: z.number().min(0),
  items: z
    .array(z.object({ sku: z.string(), name: z.string().optional(), quantity: z.number().int().min(1), unitPrice: z.number().min(0) }))
    .min(1),
  shipping: z
    .object({
      method: z.enum(['standard', 'express']),
      city: z.string().optional(),
      postcode: z.string().optional(),
      country: z.string().min(2).max(2),
    })
    .optional(),
});`;
const zodOrderSchema = new Function('z', `${ZOD_ORDER}\nreturn Order;`)(z);

// ── the bundles ─────────────────────────────────────────────────────────────────────────────────────

/** The bench handler, with the schema inlined or without one. */
const triggerkitSource = (schema) => `import { defineHandler } from '../../../dist/index.js';
export const handler = defineHandler({
  name: 'bench-orders',
  sources: [{ type: 'aws:sqs', queue: 'orders' }],${schema ? `\n  schema: ${JSON.stringify(schema)},` : ''}
  handle: async (event) => event.data.total,
});
`;

const SOURCES = {
  'triggerkit.mjs': triggerkitSource(orderSchema),
  'triggerkit-no-schema.mjs': triggerkitSource(undefined),
  'empty.mjs': `export const handler = async () => ({ batchItemFailures: [] });
`,
  'middy.mjs': `import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
export const handler = middy(async (event) => ({ batchItemFailures: [], n: event.Records.length })).use(eventNormalizer());
`,
  'powertools.mjs': `import middy from '@middy/core';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { SqsEnvelope } from '@aws-lambda-powertools/parser/envelopes/sqs';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { z } from 'zod';
${ZOD_ORDER}
export const handler = middy(async (orders) => orders.map((o) => o.total))
  .use(parser({ schema: JSONStringified(Order), envelope: SqsEnvelope }));
`,
};

const SHIM =
  "import { createRequire as __tkCreateRequire } from 'node:module'; const require = __tkCreateRequire(import.meta.url);";

/** Builds the bundles; returns their paths by case. */
async function buildBundles() {
  mkdirSync(work, { recursive: true });
  for (const [file, source] of Object.entries(SOURCES)) writeFileSync(join(work, file), source);
  const entry = (file) => join('.triggerkit', 'bench', 'schema', file);
  const [built, noSchema] = await buildForLambda(
    root,
    [
      { name: 'bench-orders', entry: entry('triggerkit.mjs'), exportName: 'handler' },
      { name: 'bench-no-schema', entry: entry('triggerkit-no-schema.mjs'), exportName: 'handler' },
    ],
    '.triggerkit/bench/schema/build',
  );
  const plain = (name, file) =>
    esbuild
      .build({
        absWorkingDir: root,
        entryPoints: [join(work, file)],
        outfile: join(work, 'build', name),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        minify: true,
        sourcemap: true,
        legalComments: 'none',
        banner: { js: SHIM },
        logLevel: 'silent',
      })
      .then(() => join(work, 'build', name));
  return {
    triggerkit: built.outfile,
    powertools: await plain('powertools.mjs', 'powertools.mjs'),
    middy: await plain('middy.mjs', 'middy.mjs'),
    runtimeAjv: await plain('triggerkit-runtime-ajv.mjs', 'triggerkit.mjs'),
    noSchema: noSchema.outfile,
    empty: await plain('empty.mjs', 'empty.mjs'),
  };
}

// ── 1. validation per event ─────────────────────────────────────────────────────────────────────────

const orders = Array.from({ length: 10 }, (_, i) => order(i));
const bodies = orders.map((o) => JSON.stringify(o));
let next = 0;
/**
 * A freshly parsed order per call (parsed before the clock starts), as a handler gets it: validating
 * the same ten objects over and over measured every validator 2–3× faster than on fresh ones.
 */
const nextOrder = () => JSON.parse(bodies[next++ % bodies.length]);

function validators(precompiled) {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  const ajvValidate = ajv.compile(orderSchema);
  return {
    triggerkit: (o) => precompiled(o).length === 0,
    powertools: (o) => parse(o, undefined, zodOrderSchema, true).success,
    ajv: (o) => ajvValidate(o),
    triggerkitRuntime: (
      (validate) => (o) =>
        validate(o).length === 0
    )(compileSchema(orderSchema)),
  };
}

const NAMES = {
  triggerkit: 'triggerkit: precompiled validator (from the built bundle)',
  powertools: 'Powertools parser: parse(order, undefined, zod)',
  ajv: 'ajv compiled at runtime (+ ajv-formats)',
  triggerkitRuntime: '· triggerkit compileSchema at runtime (dev, emulator)',
};

// ── 2. init time ────────────────────────────────────────────────────────────────────────────────────

const PROBE = `
const [url, batch] = process.argv.slice(1);
const t0 = performance.now();
const { handler } = await import(url);
const t1 = performance.now();
const ctx = { functionName: 'bench', awsRequestId: 'r', getRemainingTimeInMillis: () => 30000 };
const result = await handler(JSON.parse(batch), ctx);
const t2 = performance.now();
console.log(JSON.stringify({ init: t1 - t0, first: t2 - t1, result }));
process.exit(0);
`;

function coldStart(bundle, batch) {
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', PROBE, pathToFileURL(bundle).href, batch],
    {
      cwd: work,
      encoding: 'utf8',
    },
  );
  if (child.status !== 0) throw new Error(`${bundle} failed to load: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

const fmt = (x, digits = 2) => x.toFixed(digits);
const stats = (values) => ({
  median: quantile(values, 0.5),
  p25: quantile(values, 0.25),
  p75: quantile(values, 0.75),
});
const spread = (s, d = 2) => `${fmt(s.p25, d)}–${fmt(s.p75, d)}`;
const ratioRow = (label, r) => ({
  ratio: label,
  'median (paired)': `${fmt(r.median)}×`,
  IQR: `${spread(r)}×`,
});

/** @param {{ time: number }} options */
export default async function run(options) {
  const bundles = await buildBundles();
  const { handler } = await import(pathToFileURL(bundles.triggerkit).href);
  const compiled = handler[Symbol.for('triggerkit.compiled')];
  const v = validators(compiled.validate);
  for (const [name, check] of Object.entries(v)) {
    if (!orders.every(check)) throw new Error(`${name} rejects a valid order`);
    if (check({ ...orders[0], createdAt: '2025-02-30T10:00:00Z' })) throw new Error(`${name} accepts Feb 30`);
  }

  const cases = Object.entries(NAMES).map(([key, name]) => ({
    name,
    makeInput: nextOrder,
    async: false,
    fn: (o) => {
      sink += v[key](o) ? 1 : 0;
    },
  }));
  const results = await compare(cases, { time: options.time });
  const get = (key) => results.get(NAMES[key]);
  const validationRows = Object.keys(NAMES).map((key) => {
    const r = get(key);
    return {
      case: r.name,
      'µs/event (median)': fmt(r.median, 3),
      'IQR µs': `${fmt(r.p25, 3)}–${fmt(r.p75, 3)}`,
      'events/s': Math.round(1e6 / r.median).toLocaleString('en-US'),
    };
  });
  const ptOverTk = ratio(get('powertools'), get('triggerkit'));
  const ajvOverTk = ratio(get('ajv'), get('triggerkit'));

  const init = coldStarts(bundles, Math.max(10, Math.round(options.time / 60)));
  if (Number.isNaN(sink)) throw new Error('NaN');

  return [
    {
      title: 'schema: validation of one order',
      rows: validationRows,
      notes: [`median over ${get('triggerkit').samples.length} interleaved cycles`],
    },
    {
      title: `schema: validation ratios (goal: Powertools ÷ triggerkit ≥ ${GOALS.validation}×)`,
      rows: [
        ratioRow('Powertools parser ÷ triggerkit', ptOverTk),
        ratioRow('runtime ajv ÷ triggerkit', ajvOverTk),
      ],
      notes: [
        `goal ${ptOverTk.median >= GOALS.validation ? 'MET' : 'NOT MET'}: triggerkit validates ${fmt(ptOverTk.median)}× faster than the Powertools parser`,
      ],
    },
    ...init,
  ];
}

const BUNDLES = {
  triggerkit: 'triggerkit build, with the schema (standalone validators)',
  powertools: 'Powertools parser + zod (middy middleware, SqsEnvelope)',
  middy: 'middy + event-normalizer (parses the bodies, no schema)',
  runtimeAjv: '· the triggerkit handler bundled without the build plugin (ajv compiles at load)',
  noSchema: '· triggerkit build, the same handler without a schema',
  empty: "· an empty ES module (the loader's fixed cost)",
};

/** Imports every bundle in `runs` fresh processes each, interleaved; returns the suites. */
function coldStarts(bundles, runs) {
  const batch = JSON.stringify(sqsOrderBatch(10));
  const keys = Object.keys(BUNDLES);
  const samples = Object.fromEntries(keys.map((k) => [k, []]));
  for (const key of keys) coldStart(bundles[key], batch); // warms the file system cache, and checks
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[(i + k) % keys.length];
      samples[key].push(coldStart(bundles[key], batch));
    }
  }
  const expected = JSON.stringify({ batchItemFailures: [] });
  for (const key of ['triggerkit', 'runtimeAjv', 'noSchema']) {
    if (JSON.stringify(samples[key][0].result) !== expected) throw new Error(`${key}: the batch failed`);
  }
  if (samples.powertools[0].result.length !== 10) throw new Error('Powertools did not parse 10 orders');
  if (samples.middy[0].result.n !== 10) throw new Error('middy did not run the batch');
  const rows = keys.map((key) => {
    const init = stats(samples[key].map((s) => s.init));
    const total = stats(samples[key].map((s) => s.init + s.first));
    return {
      bundle: BUNDLES[key],
      KiB: fmt(sizeOf(bundles[key]) / 1024, 1),
      'init ms (median)': fmt(init.median),
      'init IQR': spread(init),
      'init + first batch ms': fmt(total.median),
      'IQR ': spread(total),
    };
  });
  const perRun = (a, b, pick) => stats(samples[a].map((s, i) => pick(samples[b][i], s)));
  const initRatio = perRun('triggerkit', 'powertools', (b, a) => b.init / a.init);
  const coldRatio = perRun('triggerkit', 'powertools', (b, a) => (b.init + b.first) / (a.init + a.first));
  const schemaShare = perRun('triggerkit', 'noSchema', (b, a) => a.init - b.init);
  const overMiddy = perRun('triggerkit', 'middy', (b, a) => a.init / b.init);
  const kib = sizeOf(bundles.triggerkit) / 1024;
  const pass = (/** @type {boolean} */ ok) => (ok ? 'PASS' : 'FAIL');
  return [
    { title: `schema: cold start of a built bundle (${runs} fresh processes each, interleaved)`, rows },
    {
      title: `schema: init ratio (goal: Powertools ÷ triggerkit ≥ ${GOALS.init}×)`,
      rows: [ratioRow('init (import)', initRatio), ratioRow('init + first batch', coldRatio)],
      notes: [
        `goal ${initRatio.median >= GOALS.init ? 'MET' : 'NOT MET'}: the triggerkit bundle initializes ${fmt(initRatio.median)}× faster than the Powertools parser bundle`,
        `the schema's share of triggerkit's init (with − without, per run): ${fmt(schemaShare.median)} ms (IQR ${spread(schemaShare)})`,
      ],
    },
    {
      title: `schema: the built SQS + schema bundle against middy + event-normalizer (goals: ≤ ${MIDDY_GOALS.kib} KiB, init ≤ ${MIDDY_GOALS.init}× middy's)`,
      rows: [ratioRow('triggerkit ÷ middy, init (import)', overMiddy)],
      notes: [
        `goal: bundle size ${pass(kib <= MIDDY_GOALS.kib)} (${fmt(kib, 1)} KiB vs ≤ ${MIDDY_GOALS.kib} KiB; middy's ${fmt(sizeOf(bundles.middy) / 1024, 1)} KiB)`,
        `goal: init ÷ middy ${pass(overMiddy.median <= MIDDY_GOALS.init)} (${fmt(overMiddy.median)}× vs ≤ ${MIDDY_GOALS.init}×, per-run median)`,
      ],
    },
  ];
}

function sizeOf(file) {
  return statSync(file).size;
}
