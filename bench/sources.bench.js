/**
 * Issue 4: the cost of normalizing one Lambda trigger batch, per source (SQS, SNS, S3, Kinesis,
 * DynamoDB Streams, CloudWatch Logs), for triggerkit's `toCloudEvents` against the two libraries a
 * Lambda author would otherwise use:
 * - `@middy/event-normalizer`: parses/decodes payloads in place. The goal is judged against its hook
 *   alone (`toCloudEvents` is timed without a handler shell too); through @middy/core is a reference row;
 * - Powertools for AWS Lambda `@aws-lambda-powertools/parser` envelopes: zod-validates the envelope
 *   and hands each payload to a permissive inner schema.
 * Goal: triggerkit within 1.5× the bare-decode floor (the decode calls any reader of the payloads must make,
 * nothing built) on every source, while producing complete CloudEvents. middy's normalizer, which does
 * about the floor's work and builds nothing, is kept as a reference row.
 *
 * Benchmarks the shipped code: dist/index.js (bench/run.js rebuilds it when src/ is newer).
 * One interleaved comparison per source (see lib/compare.js); every call gets a fresh copy of the
 * event, made before the clock starts (middy rewrites payloads in place).
 */
import { gunzipSync } from 'node:zlib';
import {
  CloudWatchEnvelope,
  DynamoDBStreamEnvelope,
  KinesisEnvelope,
  SnsEnvelope,
  SqsEnvelope,
} from '@aws-lambda-powertools/parser/envelopes';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas';
import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import { z } from 'zod';
import { cloudEventProblems, toCloudEvents } from '../dist/index.js';
import * as fx from './fixtures/sources-aws.js';
import { compare, ratio } from './lib/compare.js';

export const title = 'sources: one trigger batch per call, normalized by triggerkit, middy, Powertools';

/** A minimal Lambda context, as in pipeline.bench.js (middy arms its timeout timer with it). */
const lambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'bench-sources',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-sources',
  memoryLimitInMB: '1024',
  awsRequestId: '0d3c6a5e-5b7e-4c1a-9a43-6f1f3c2b8e11',
  logGroupName: '/aws/lambda/bench-sources',
  logStreamName: '2025/11/03/[$LATEST]5f1b2c3d4e5f60718293a4b5c6d7e8f9',
  getRemainingTimeInMillis: () => 30_000,
};

/** Where the cases put something, so nothing they compute is dead code. */
let sink = 0;

const normalizer = middy(async (/** @type {any} */ event) => event).use(eventNormalizer());
/**
 * The normalizer's own work, without @middy/core: its `before` hook rewrites `request.event` in place,
 * synchronously (the async function only wraps the result in a resolved promise). This is the peer the
 * goal is judged against: `toCloudEvents` is timed without triggerkit's handler shell (which is built on
 * @middy/core too), so middy's normalizer is timed without it as well; the through-middy case stays as a
 * reference row (it adds middy core's timeout timer and promise chain, about 1.2–2 µs per call).
 */
const normalizerHook = /** @type {(request: { event: any, context: any }) => Promise<void>} */ (
  eventNormalizer().before
);

/** Permissive inner schemas: envelope work only, plus the JSON parse a body needs to be data. */
const jsonRecord = JSONStringified(z.record(z.string(), z.unknown()));
const anyRecord = z.record(z.string(), z.unknown());

/**
 * @typedef {object} SourceSpec
 * @property {string} name
 * @property {string} kind the `source` triggerkit must report
 * @property {any} template
 * @property {(event: any) => any} fresh
 * @property {number} records events triggerkit must produce
 * @property {(event: any) => number} powertools one Powertools parse; returns the record count
 * @property {string} powertoolsCall how Powertools is called, for the notes
 * @property {(normalized: any) => boolean} middyDid what middy must have done to the event
 * @property {import('./lib/compare.js').Case} [floor] the least decoding any reader of the payloads must do
 *   (the same bare decode calls, nothing built): a reference row, so "middy is at the floor" is measured
 */

/**
 * A floor case: `decode` every record of a fresh event, summing something of each result.
 * @param {string} name @param {() => any} make @param {(event: any) => number} decode
 * @returns {import('./lib/compare.js').Case}
 */
const floorCase = (name, make, decode) => ({
  name: `floor: ${name}`,
  makeInput: make,
  async: false,
  fn: (event) => {
    sink += decode(event);
  },
});

/** The least a DynamoDB image reader does: each AttributeValue to its plain value (numbers as numbers). */
const unmarshall = (/** @type {Record<string, any>} */ image) => {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const key in image) out[key] = attributeValue(image[key]);
  return out;
};
/** @param {Record<string, any>} v @returns {unknown} */
const attributeValue = (v) => {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.M !== undefined) return unmarshall(v.M);
  if (v.L !== undefined) return v.L.map(attributeValue);
  if (v.SS !== undefined) return new Set(v.SS);
  if (v.NS !== undefined) return new Set(v.NS.map(Number));
  return v.B ?? v.BS;
};

/** `decodeURIComponent` of the form-encoded key, as middy and triggerkit both do (`+` is a space). */
const decodeKey = (/** @type {string} */ key) => {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
};

/** The goal: triggerkit ÷ the bare-decode floor, per source. */
const FLOOR_GOAL = 1.5;

const sqsTemplate = fx.sqsBatch();
const snsTemplate = fx.snsBatch();
const s3Template = fx.s3Batch();
const kinesisTemplate = fx.kinesisBatch();
const cwTemplate = fx.cloudwatchLogsEvent(20);

/** @type {SourceSpec[]} */
const SOURCES = [
  {
    name: 'SQS',
    kind: 'aws:sqs',
    template: sqsTemplate,
    fresh: fx.freshSqs,
    records: 10,
    powertools: (e) => SqsEnvelope.parse(e, jsonRecord).length,
    powertoolsCall: 'SqsEnvelope.parse(event, JSONStringified(z.record(z.string(), z.unknown())))',
    middyDid: (n) => n.Records.every((/** @type {any} */ r) => typeof r.body === 'object' && r.body.orderId),
    floor: floorCase(
      'JSON.parse of every body',
      () => fx.freshSqs(sqsTemplate),
      (e) => {
        let n = 0;
        for (const r of e.Records) n += JSON.parse(r.body) === null ? 0 : 1;
        return n;
      },
    ),
  },
  {
    name: 'SNS',
    kind: 'aws:sns',
    template: snsTemplate,
    fresh: fx.freshSns,
    records: 10,
    powertools: (e) => SnsEnvelope.parse(e, jsonRecord).length,
    powertoolsCall: 'SnsEnvelope.parse(event, JSONStringified(z.record(z.string(), z.unknown())))',
    middyDid: (n) =>
      n.Records.every(
        (/** @type {any} */ r) => typeof r.Sns.Message === 'object' && r.Sns.Message.shipmentId,
      ),
    floor: floorCase(
      'JSON.parse of every Message',
      () => fx.freshSns(snsTemplate),
      (e) => {
        let n = 0;
        for (const r of e.Records) n += JSON.parse(r.Sns.Message) === null ? 0 : 1;
        return n;
      },
    ),
  },
  {
    name: 'S3',
    kind: 'aws:s3',
    template: s3Template,
    fresh: fx.freshS3,
    records: 10,
    powertools: (e) => S3Schema.parse(e).Records.length,
    powertoolsCall: 'S3Schema.parse(event) (S3 has no envelope: the notification is the payload)',
    middyDid: (n) => n.Records[1].s3.object.key === 'invoices/2025/11/INV-20250011 (copy).pdf',
    floor: floorCase(
      "replace('+', ' ') + decodeURIComponent of every key",
      () => fx.freshS3(s3Template),
      (e) => {
        let n = 0;
        for (const r of e.Records) n += decodeKey(r.s3.object.key).length;
        return n;
      },
    ),
  },
  {
    name: 'Kinesis',
    kind: 'aws:kinesis',
    template: kinesisTemplate,
    fresh: fx.freshKinesis,
    records: 10,
    powertools: (e) => KinesisEnvelope.parse(e, anyRecord).length,
    powertoolsCall: 'KinesisEnvelope.parse(event, z.record(z.string(), z.unknown())) (data: base64 → JSON)',
    middyDid: (n) =>
      n.Records.every((/** @type {any} */ r) => typeof r.kinesis.data === 'object' && r.kinesis.data.eventId),
    floor: floorCase(
      'base64 decode + UTF-8 + JSON.parse of every data',
      () => fx.freshKinesis(kinesisTemplate),
      (e) => {
        let n = 0;
        for (const r of e.Records)
          n += JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) === null ? 0 : 1;
        return n;
      },
    ),
  },
  {
    name: 'DynamoDB Streams',
    kind: 'aws:dynamodb',
    template: fx.dynamodbBatch(),
    fresh: fx.freshDynamodb,
    records: 10,
    powertools: (e) => DynamoDBStreamEnvelope.parse(e, anyRecord).length,
    powertoolsCall:
      'DynamoDBStreamEnvelope.parse(event, z.record(z.string(), z.unknown())) (images unmarshalled)',
    middyDid: (n) =>
      n.Records.every((/** @type {any} */ r) => r.dynamodb.Keys.sk === 'PROFILE') &&
      n.Records[1].dynamodb.NewImage.points === 190,
    floor: floorCase(
      'unmarshall of every Keys, NewImage and OldImage',
      () => fx.freshDynamodb(fx.dynamodbBatch()),
      (e) => {
        let n = 0;
        for (const r of e.Records)
          for (const image of [r.dynamodb.Keys, r.dynamodb.NewImage, r.dynamodb.OldImage])
            if (image !== undefined) n += Object.keys(unmarshall(image)).length;
        return n;
      },
    ),
  },
  {
    name: 'CloudWatch Logs',
    kind: 'aws:cloudwatch-logs',
    template: cwTemplate,
    fresh: fx.freshCloudwatchLogs,
    records: 20,
    powertools: (e) => CloudWatchEnvelope.parse(e, z.unknown()).length,
    powertoolsCall:
      'CloudWatchEnvelope.parse(event, z.unknown()) (gunzip + JSON.parse of the payload; messages stay strings)',
    // middy's "aws:cloudwatch" handler only base64-decodes `awslogs.data` and tries JSON.parse on the
    // result; the bytes are gzip, so the parse is skipped and a binary string remains (no gunzip).
    middyDid: (n) => typeof n.awslogs.data === 'string' && n.awslogs.data.charCodeAt(0) === 0x1f,
    floor: floorCase(
      'base64 + gunzip + JSON.parse',
      () => fx.freshCloudwatchLogs(cwTemplate),
      (e) => JSON.parse(gunzipSync(Buffer.from(e.awslogs.data, 'base64')).toString('utf8')).logEvents.length,
    ),
  },
];

const CASES = {
  triggerkit: 'triggerkit: toCloudEvents',
  middy: 'middy event-normalizer (its hook alone)',
  powertools: 'Powertools parser',
  middyCore: '· middy event-normalizer through @middy/core',
};

/**
 * Fails loudly if a case does not do what its name says.
 * @param {SourceSpec} s
 */
async function check(s) {
  const batch = toCloudEvents(s.fresh(s.template));
  if (batch.source !== s.kind) throw new Error(`${s.name}: triggerkit saw ${batch.source}, not ${s.kind}`);
  if (batch.rejected !== undefined && batch.rejected.length > 0) {
    throw new Error(
      `${s.name}: triggerkit rejected ${batch.rejected.length} record(s): ${batch.rejected[0]?.error.message}`,
    );
  }
  if (batch.items.length !== s.records)
    throw new Error(`${s.name}: triggerkit made ${batch.items.length} events, not ${s.records}`);
  for (const item of batch.items) {
    const problems = cloudEventProblems(item.event);
    if (problems.length > 0) throw new Error(`${s.name}: invalid CloudEvent: ${problems.join('; ')}`);
    const e = item.event;
    if (!e.id || !e.source || !e.type || !e.time || e.data === undefined || e.data === null) {
      throw new Error(`${s.name}: incomplete CloudEvent ${JSON.stringify(e).slice(0, 200)}`);
    }
    if (typeof item.ref !== 'string' || item.ref === '') throw new Error(`${s.name}: no record ref`);
  }
  const normalized = await normalizer(s.fresh(s.template), lambdaContext);
  if (!s.middyDid(normalized))
    throw new Error(`${s.name}: middy event-normalizer did not do what the bench expects`);
  const request = { event: s.fresh(s.template), context: lambdaContext };
  await normalizerHook(request);
  if (!s.middyDid(request.event))
    throw new Error(`${s.name}: middy event-normalizer's hook did not do what the bench expects`);
  const parsed = s.powertools(s.fresh(s.template));
  if (parsed !== s.records)
    throw new Error(`${s.name}: Powertools returned ${parsed} records, not ${s.records}`);
}

/** @param {SourceSpec} s @returns {import('./lib/compare.js').Case[]} */
function casesOf(s) {
  const make = () => s.fresh(s.template);
  /** @type {import('./lib/compare.js').Case[]} */
  const cases = [
    {
      name: CASES.triggerkit,
      makeInput: make,
      async: false,
      fn: (event) => {
        sink += toCloudEvents(event).items.length;
      },
    },
    {
      name: CASES.middy,
      makeInput: make,
      async: false,
      fn: (event) => {
        // Not awaited: the hook's work is done when it returns (see normalizerHook), like toCloudEvents'.
        normalizerHook({ event, context: lambdaContext });
      },
    },
    {
      name: CASES.powertools,
      makeInput: make,
      async: false,
      fn: (event) => {
        sink += s.powertools(event);
      },
    },
    { name: CASES.middyCore, makeInput: make, async: true, fn: (event) => normalizer(event, lambdaContext) },
  ];
  if (s.floor) cases.push(s.floor);
  return cases;
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
  for (const s of SOURCES) await check(s);
  const suites = [];
  /** @type {Record<string, string>[]} */
  const summary = [];
  for (const s of SOURCES) {
    const cases = casesOf(s);
    const results = await compare(cases, { time: options.time });
    const get = (/** @type {string} */ name) =>
      /** @type {import('./lib/compare.js').CaseResult} */ (results.get(name));
    const tk = get(CASES.triggerkit);
    const md = get(CASES.middy);
    const pt = get(CASES.powertools);
    const vsMiddy = ratio(tk, md);
    const vsMiddyCore = ratio(tk, get(CASES.middyCore));
    const vsPt = ratio(tk, pt);
    const floor = s.floor === undefined ? undefined : get(s.floor.name);
    const unit = s.records === 10 ? 'batch' : `batch of ${s.records}`;
    suites.push({
      title: `sources: ${s.name} (${s.records} ${s.name === 'CloudWatch Logs' ? 'log events in one gzip payload' : 'records'})`,
      rows: cases.map((c) => {
        const r = get(c.name);
        return {
          case: c.name,
          [`µs/${unit} (median)`]: fmtUs(r.median),
          'IQR µs': iqr(r),
          'triggerkit ÷ this (per-cycle median, IQR)':
            r === tk
              ? ''
              : ((q) => `${fmtRatio(q.median)} (${fmtRatio(q.p25)}–${fmtRatio(q.p75)})`)(ratio(tk, r)),
          samples: String(r.samples.length),
        };
      }),
      notes: [`Powertools: ${s.powertoolsCall}`],
    });
    summary.push({
      source: s.name,
      'triggerkit µs': fmtUs(tk.median),
      'middy µs': fmtUs(md.median),
      'middy via core µs': fmtUs(get(CASES.middyCore).median),
      'Powertools µs': fmtUs(pt.median),
      'triggerkit ÷ middy': fmtRatio(vsMiddy.median),
      'triggerkit ÷ middy via core': fmtRatio(vsMiddyCore.median),
      'triggerkit ÷ Powertools': fmtRatio(vsPt.median),
      'floor µs': floor === undefined ? '—' : fmtUs(floor.median),
      'middy ÷ floor': floor === undefined ? '—' : fmtRatio(ratio(md, floor).median),
      'triggerkit ÷ floor': floor === undefined ? '—' : fmtRatio(ratio(tk, floor).median),
      verdict:
        floor === undefined
          ? 'no floor'
          : ratio(tk, floor).median <= FLOOR_GOAL
            ? `PASS: within ${FLOOR_GOAL}× the floor`
            : `FAIL: over ${FLOOR_GOAL}× the floor`,
    });
  }
  if (Number.isNaN(sink)) throw new Error('a case computed NaN');
  const missed = summary.filter((r) => !r.verdict.startsWith('PASS')).map((r) => r.source);
  suites.push({
    title: `sources: summary (goal: triggerkit within ${FLOOR_GOAL}× the bare-decode floor on every source; middy is a reference)`,
    rows: summary,
    notes: [
      'ratios are per-cycle medians (both samples ran within milliseconds of each other); < 1 means triggerkit is faster',
      "the middy columns compare with the normalizer's hook alone (via core adds @middy/core around it): a reference, not the goal",
      ...summary.map(
        (r) =>
          `goal: ${r.source} ÷ the bare-decode floor ${r.verdict.slice(0, 4)} (${r['triggerkit ÷ floor']} vs ≤ ${FLOOR_GOAL}×)`,
      ),
      missed.length === 0 ? 'goal MET on every source' : `goal NOT MET on: ${missed.join(', ')}`,
      'floor: the bare decode calls any reader of the payloads must make (JSON.parse of the bodies, base64 + parse, key decoding, gunzip), nothing built; middy ÷ floor near 1× means a complete normalizer cannot be faster than middy there',
      'middy on CloudWatch Logs only base64-decodes awslogs.data (no gunzip): middy ÷ floor < 1×',
    ],
  });
  return suites;
}
