/**
 * Issue 2: the cost of triggerkit's whole pipeline on a 10-record SQS batch, against
 * @middy/event-normalizer doing normalization only, and against the floor (JSON.parse of the bodies).
 * Goal (issue 20): triggerkit within 1.5× of middy + event-normalizer; and one HTTP binary-mode CloudEvent
 * through the public path (`toCloudEvents`) within 3× of `JSON.parse` of its body.
 *
 * Benchmarks the shipped code: dist/index.js (bench/run.js rebuilds it when src/ is newer).
 *
 * Two comparisons run one after the other, each interleaved (see lib/compare.js):
 * 1. the goal: triggerkit, middy, floor — first, so no other handler has trained V8's type feedback yet;
 * 2. a breakdown that adds triggerkit's stages one at a time, to see what each costs.
 */

import { readFileSync } from 'node:fs';
import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { defineHandler, toCloudEvents } from '../dist/index.js';
import { freshCopy, orderSchema, sqsOrderBatch } from './fixtures/sqs-orders.js';
import { compare, difference, ratio } from './lib/compare.js';

export const title = 'pipeline: one 10-record SQS batch of JSON orders per call';

/** The goal, as a ratio of triggerkit's time to middy + event-normalizer's (issue 20; was 1.25×). */
export const GOAL = 1.5;
/** The goal for one HTTP binary-mode CloudEvent: `toCloudEvents` ÷ `JSON.parse` of the body. */
export const HTTP_GOAL = 3;

/** Exact values only, so the figure stays comparable when the richer pattern language lands. */
const FILTER = { type: ['com.amazonaws.sqs.message'], data: { currency: ['EUR', 'USD'] } };

/**
 * A minimal Lambda context. Real ones always have getRemainingTimeInMillis, which makes middy arm
 * (and clear) its early-timeout timer on every call, in every middy-based case alike.
 */
const lambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'bench-orders',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-orders',
  memoryLimitInMB: '1024',
  awsRequestId: '0d3c6a5e-5b7e-4c1a-9a43-6f1f3c2b8e11',
  logGroupName: '/aws/lambda/bench-orders',
  logStreamName: '2025/11/03/[$LATEST]5f1b2c3d4e5f60718293a4b5c6d7e8f9',
  getRemainingTimeInMillis: () => 30_000,
};

/** Where the cases put something, so nothing they compute is dead code. */
let sink = 0;

const trivialHandle = async (/** @type {any} */ event) => {
  sink += event.data.total;
};

const template = sqsOrderBatch(10);
const fresh = () => freshCopy(template);

// ── the goal ────────────────────────────────────────────────────────────────────────────────────────

const full = defineHandler({
  name: 'bench-orders',
  sources: [{ type: 'aws:sqs', queue: 'orders' }],
  filter: FILTER,
  schema: orderSchema,
  handle: trivialHandle,
});
const normalizer = middy(async (/** @type {any} */ event) => event).use(eventNormalizer());

const NAMES = {
  triggerkit: 'triggerkit: defineHandler, filter + schema',
  middy: 'middy + event-normalizer',
  floor: 'floor: JSON.parse of the 10 bodies',
};

/** @type {import('./lib/compare.js').Case} */
const triggerkitCase = {
  name: NAMES.triggerkit,
  makeInput: fresh,
  async: true,
  fn: (event) => full(event, lambdaContext),
};
/** @type {import('./lib/compare.js').Case} */
const floorCase = {
  name: NAMES.floor,
  makeInput: fresh,
  async: false,
  fn: (event) => {
    const records = event.Records;
    for (let i = 0; i < records.length; i++) sink += JSON.parse(records[i].body).total;
  },
};
/** @type {import('./lib/compare.js').Case[]} */
const goalCases = [
  triggerkitCase,
  { name: NAMES.middy, makeInput: fresh, async: true, fn: (event) => normalizer(event, lambdaContext) },
  floorCase,
];

// ── the breakdown: each step adds one stage to the one before ───────────────────────────────────────

const filterOnly = defineHandler({ name: 'bench-filter-only', filter: FILTER, handle: trivialHandle });
const bare = defineHandler({ name: 'bench-bare', handle: trivialHandle });
const middyBare = middy(async (/** @type {any} */ event) => event);
const schemaWithoutFormats = structuredClone(orderSchema);
delete schemaWithoutFormats.properties.createdAt.format;
delete schemaWithoutFormats.properties.customer.properties.email.format;
const withoutFormats = defineHandler({
  name: 'bench-no-formats',
  filter: FILTER,
  schema: schemaWithoutFormats,
  handle: trivialHandle,
});

/** The schema alone, compiled with the options src/schema/compile.ts gives ajv: the user's share. */
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
const validateOrder = ajv.compile(orderSchema);
const parsedOrders = template.Records.map((r) => JSON.parse(r.body));

/** @type {(import('./lib/compare.js').Case & { adds: string, step: boolean })[]} */
const breakdownCases = [
  { ...floorCase, name: '1 JSON.parse of the 10 bodies', adds: 'the floor', step: true },
  {
    name: '2 toCloudEvents (sync)',
    adds: 'normalize: detect, CloudEvent per record, time, freeze',
    step: true,
    makeInput: fresh,
    async: false,
    fn: (event) => {
      sink += toCloudEvents(event).items.length;
    },
  },
  {
    name: '3 defineHandler, no filter, no schema',
    adds: 'middy, per-record pipeline, await handler, batch response',
    step: true,
    makeInput: fresh,
    async: true,
    fn: (event) => bare(event, lambdaContext),
  },
  {
    name: '4 defineHandler, filter',
    adds: 'the filter',
    step: true,
    makeInput: fresh,
    async: true,
    fn: (event) => filterOnly(event, lambdaContext),
  },
  {
    ...triggerkitCase,
    name: '5 defineHandler, filter + schema',
    adds: 'the schema (ajv)',
    step: true,
  },
  {
    name: '· step 5 with a schema without `format`s',
    adds: 'cross-check: what date-time + email cost',
    step: false,
    makeInput: fresh,
    async: true,
    fn: (event) => withoutFormats(event, lambdaContext),
  },
  {
    name: '· ajv alone, the 10 parsed orders',
    adds: 'cross-check of step 5',
    step: false,
    makeInput: () => parsedOrders,
    async: false,
    fn: (orders) => {
      for (let i = 0; i < orders.length; i++) sink += validateOrder(orders[i]) ? 1 : 0;
    },
  },
  {
    name: '· middy core alone, no middleware',
    adds: 'part of step 3',
    step: false,
    makeInput: fresh,
    async: true,
    fn: (event) => middyBare(event, lambdaContext),
  },
];

// ── HTTP: one binary-mode CloudEvent (ce-* headers, JSON body) through API Gateway HTTP API ─────────

/** The recorded request of the test suite: seven `ce-*` headers and the usual gateway headers. */
const recordedRequest = JSON.parse(
  readFileSync(new URL('../test/fixtures/events/apigw-http/cloudevent-binary.json', import.meta.url), 'utf8'),
);
/** Its body replaced by one order of the SQS batch (344 bytes), a realistic payload to parse. */
const httpBody = template.Records[0].body;
const httpRequest = {
  ...recordedRequest,
  headers: { ...recordedRequest.headers, 'content-length': String(Buffer.byteLength(httpBody)) },
  body: httpBody,
};
const HTTP_SOURCE = { type: 'http', path: '/events' };
const httpHandler = defineHandler({
  name: 'bench-http',
  sources: [HTTP_SOURCE],
  handle: async () => undefined,
});
const freshRequest = () => ({ ...httpRequest, headers: { ...httpRequest.headers } });
const HTTP_NAMES = {
  public: 'toCloudEvents(request, { http })',
  handler: '· defineHandler: the whole invocation (pipeline, 200 answer)',
  floor: 'floor: JSON.parse of the body',
};
/** @type {import('./lib/compare.js').Case[]} */
const httpCases = [
  {
    name: HTTP_NAMES.public,
    makeInput: freshRequest,
    async: false,
    fn: (raw) => {
      sink += toCloudEvents(raw, { http: HTTP_SOURCE }).items.length;
    },
  },
  {
    name: HTTP_NAMES.handler,
    makeInput: freshRequest,
    async: true,
    fn: (raw) => httpHandler(raw, lambdaContext),
  },
  {
    name: HTTP_NAMES.floor,
    makeInput: freshRequest,
    async: false,
    fn: (raw) => {
      sink += JSON.parse(raw.body).total;
    },
  },
];

async function checkHttp() {
  const batch = toCloudEvents(freshRequest(), { http: HTTP_SOURCE });
  const event = batch.items[0]?.event;
  if (batch.items.length !== 1 || event?.type !== 'com.example.invoice.paid' || !event.data?.orderId)
    throw new Error('the HTTP binary CloudEvent did not normalize to its event');
  const answer = /** @type {any} */ (await httpHandler(freshRequest(), lambdaContext));
  if (answer.statusCode !== 200) throw new Error(`the HTTP handler answered ${JSON.stringify(answer)}`);
}

/** `goal met` / `goal NOT met` with the ratio and the limit, for every goal line the bench prints. */
const verdict = (/** @type {number} */ x, /** @type {number} */ limit) =>
  `${x <= limit ? 'PASS' : 'FAIL'} (${x.toFixed(2)}× vs ≤ ${limit}×)`;

/**
 * Fails loudly if a case does not do what its name says. Runs before each comparison, on its own
 * handlers only, so the goal's handlers meet no other handler's types before they are measured.
 * @param {((event: any, context: any) => Promise<unknown>)[]} handlers triggerkit handlers to check
 */
async function check(handlers) {
  for (const handler of handlers) {
    const answer = await handler(fresh(), lambdaContext);
    if (JSON.stringify(answer) !== '{"batchItemFailures":[]}') {
      throw new Error(`triggerkit answered ${JSON.stringify(answer)}`);
    }
  }
}

/** The goal's cases, checked on a copy of the full handler that counts what reaches it. */
async function checkGoal() {
  let handled = 0;
  const counting = defineHandler({
    filter: FILTER,
    schema: orderSchema,
    handle: async (event) => {
      if (typeof event.data !== 'object' || event.type !== 'com.amazonaws.sqs.message') {
        throw new Error('unexpected event shape');
      }
      handled++;
    },
  });
  await check([counting, full]);
  if (handled !== 10)
    throw new Error(`triggerkit handled ${handled} of 10 records (filter or schema rejected some)`);
  const normalized = await normalizer(fresh(), lambdaContext);
  if (!normalized.Records.every((/** @type {any} */ r) => typeof r.body === 'object' && r.body.orderId)) {
    throw new Error('middy event-normalizer did not parse the SQS bodies');
  }
}

/** @param {number} x */
const fmtRatio = (x) => `${x.toFixed(2)}×`;
/** @param {number} us */
const fmtUs = (us) => (us < 10 ? us.toFixed(2) : us.toFixed(1));
/** @param {import('./lib/compare.js').CaseResult} r */
const iqr = (r) => `${fmtUs(r.p25)}–${fmtUs(r.p75)}`;

/**
 * Runs the suite; returns what bench/run.js prints.
 * @param {{ time: number }} options
 */
export default async function run(options) {
  await checkGoal();
  const goal = await compare(goalCases, { time: options.time });
  const get = (/** @type {string} */ name) =>
    /** @type {import('./lib/compare.js').CaseResult} */ (goal.get(name));
  const tk = get(NAMES.triggerkit);
  const md = get(NAMES.middy);
  const fl = get(NAMES.floor);
  const goalRows = [tk, md, fl].map((r) => ({
    case: r.name,
    'ops/s (batches)': Math.round(1e6 / r.median).toLocaleString('en-US'),
    'µs/batch (median)': fmtUs(r.median),
    'IQR µs': iqr(r),
    samples: String(r.samples.length),
  }));
  const ratioRow = (
    /** @type {string} */ label,
    /** @type {import('./lib/compare.js').CaseResult} */ a,
    /** @type {import('./lib/compare.js').CaseResult} */ b,
  ) => {
    const r = ratio(a, b);
    return {
      ratio: label,
      'of medians': fmtRatio(r.ofMedians),
      'per-cycle median': fmtRatio(r.median),
      'per-cycle IQR': `${fmtRatio(r.p25)}–${fmtRatio(r.p75)}`,
    };
  };
  const tkOverMiddy = ratio(tk, md);

  await check([bare, filterOnly, withoutFormats]);
  if (!parsedOrders.every((o) => validateOrder(o))) throw new Error('an order fails the bench schema');
  const breakdown = await compare(breakdownCases, { time: options.time });
  /** @type {import('./lib/compare.js').CaseResult | undefined} */
  let previous;
  const breakdownRows = breakdownCases.map((c) => {
    const r = /** @type {import('./lib/compare.js').CaseResult} */ (breakdown.get(c.name));
    let delta = '';
    if (c.step) {
      const d = previous === undefined ? { median: r.median } : difference(r, previous);
      delta = `${d.median >= 0 ? '+' : ''}${fmtUs(d.median)}`;
      previous = r;
    }
    return { step: c.name, 'µs/batch': fmtUs(r.median), 'IQR µs': iqr(r), 'Δ µs': delta, adds: c.adds };
  });
  await checkHttp();
  const http = await compare(httpCases, { time: options.time });
  const hget = (/** @type {string} */ name) =>
    /** @type {import('./lib/compare.js').CaseResult} */ (http.get(name));
  const httpOverParse = ratio(hget(HTTP_NAMES.public), hget(HTTP_NAMES.floor));
  const httpRows = httpCases.map((c) => {
    const r = hget(c.name);
    return {
      case: c.name,
      'µs/event (median)': fmtUs(r.median),
      'IQR µs': iqr(r),
      '÷ JSON.parse (per-cycle median)': fmtRatio(ratio(r, hget(HTTP_NAMES.floor)).median),
    };
  });
  if (Number.isNaN(sink)) throw new Error('a case computed NaN');

  return [
    {
      title: 'pipeline: the goal',
      rows: goalRows,
      notes: [
        `batch = ${template.Records.length} SQS records, bodies ${bodySizes()} bytes; every record passes the filter and the schema`,
      ],
    },
    {
      title: `pipeline: ratios (goal: triggerkit ÷ middy ≤ ${GOAL}×)`,
      rows: [
        ratioRow('triggerkit ÷ middy', tk, md),
        ratioRow('triggerkit ÷ floor', tk, fl),
        ratioRow('middy ÷ floor', md, fl),
      ],
      notes: [
        `goal: full pipeline ÷ middy + event-normalizer ${verdict(tkOverMiddy.median, GOAL)} (per-cycle median)`,
      ],
    },
    {
      title:
        'pipeline: breakdown of triggerkit’s time (a separate interleaved run; steps 1–5 add one stage each)',
      rows: breakdownRows,
      notes: [
        'Δ = median over cycles of (this step − the step before), both measured in the same cycle',
        'rows marked · are cross-checks, not steps',
      ],
    },
    {
      title: `pipeline: one HTTP binary CloudEvent (API Gateway HTTP API, ce-* headers, JSON body; goal ≤ ${HTTP_GOAL}× JSON.parse)`,
      rows: httpRows,
      notes: [
        `goal: HTTP binary CloudEvent through toCloudEvents ÷ JSON.parse of the body ${verdict(httpOverParse.median, HTTP_GOAL)} (per-cycle median, IQR ${fmtRatio(httpOverParse.p25)}–${fmtRatio(httpOverParse.p75)})`,
      ],
    },
  ];
}

function bodySizes() {
  const sizes = template.Records.map((r) => r.body.length);
  return `${Math.min(...sizes)}–${Math.max(...sizes)}`;
}
