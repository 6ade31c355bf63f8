import { describe, expect, it } from 'vitest';
import { fixture, hasSamples, SAMPLES_DIR, sample, sampleNames } from '../../test/support/fixtures.js';
import { cloudEventProblems } from '../cloud-event.js';
import { isTriggerError, type TriggerError } from '../errors.js';
import { SOURCES, toCloudEvents } from './index.js';

function rejection(raw: unknown): TriggerError {
  try {
    toCloudEvents(raw);
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

const detectedBy = (raw: unknown) =>
  SOURCES.filter((source) => source.detect(raw)).map((source) => source.label);

describe('detection', () => {
  it.each([
    ['cloudevents/order-created.json', 'CloudEvent (structured JSON)', 'cloudevents'],
    ['apigw-http/order-webhook.json', 'API Gateway HTTP API (v2) request', 'aws:apigateway:v2'],
    ['apigw-http/function-url-no-content-type.json', 'Lambda function URL request', 'aws:lambda-url'],
    ['sns/low-stock-notification.json', 'SNS notification (Lambda subscription)', 'aws:sns'],
    ['sqs/orders-batch.json', 'SQS batch', 'aws:sqs'],
    ['eventbridge/order-placed.json', 'EventBridge event', 'aws:eventbridge'],
  ])('%s is a %s (and nothing else)', (name, label, kind) => {
    const raw = fixture(name);
    expect(detectedBy(raw)).toEqual([label]);
    expect(toCloudEvents(raw).source).toBe(kind);
  });

  it('reads an array of structured CloudEvents as a batch', () => {
    const event = fixture('cloudevents/order-created.json') as Record<string, unknown>;
    const { items } = toCloudEvents([event, { ...event, id: 'second' }]);
    expect(items.map((item) => item.ref)).toEqual([event.id, 'second']);
  });
});

describe('unknown input → E_SOURCE_UNKNOWN saying what was seen', () => {
  it.each([
    ['{}', {}, 'an empty object'],
    ['null', null, 'this input: null.'],
    ['undefined', undefined, 'this input: undefined.'],
    ['an array', [1, 2], 'an array of 2 item(s)'],
    ['an empty array', [], 'an array of 0 item(s)'],
    ['a string', 'hello', 'a string'],
    ['an object', { hello: 'world', n: 1 }, 'an object with keys hello, n'],
    ['an empty SQS batch', { Records: [] }, 'an object with keys Records'],
  ])('%s', (_, raw, seen) => {
    const error = rejection(raw);
    expect(error.code).toBe('E_SOURCE_UNKNOWN');
    expect(error.message).toContain(`No known event source matches this input: `);
    expect(error.message).toContain(seen);
    expect(error.details).toEqual({ known: SOURCES.map((source) => source.label) });
  });
});

describe('malformed input of a known source → E_SOURCE_INVALID', () => {
  it('an SQS record without a body', () => {
    const raw = fixture('sqs/orders-batch.json') as { Records: Record<string, unknown>[] };
    delete raw.Records[2]?.body;
    // One unreadable record does not sink the batch: it is rejected (reported failed), the rest run.
    const { items, rejected } = toCloudEvents(raw);
    expect(items).toHaveLength(3);
    expect(rejected?.map((r) => [r.index, r.ref, r.error.code, r.error.path])).toEqual([
      [2, '9f5b4e3c-7d8a-4b0f-9c2d-3e4f5a6b7c8d', 'E_SOURCE_INVALID', 'Records[2]'],
    ]);
  });

  it('a structured CloudEvent that is not valid: the problems are kept, the code is E_SOURCE_INVALID', () => {
    const error = rejection({ specversion: '1.0', id: 'x', source: '/s', type: 't', time: 'noon' });
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.details).toEqual({
      status: 400,
      problems: ['`time` must be an RFC 3339 timestamp, got "noon"'],
    });
    expect(isTriggerError(error.cause) && error.cause.code).toBe('E_CLOUDEVENT_INVALID');
  });

  it('a batch of CloudEvents with a null entry names the entry instead of crashing', () => {
    const event = fixture('cloudevents/order-created.json');
    const error = rejection([event, null]);
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.message).toContain('[1] is not a valid CloudEvent 1.0: a CloudEvent must be a JSON object');
  });

  it('an SQS body that claims to be a CloudEvent but is not one', () => {
    const raw = fixture('sqs/cloudevent-body.json') as { Records: Record<string, unknown>[] };
    const record = raw.Records[0];
    if (record) record.body = JSON.stringify({ specversion: '1.0', id: 'x', source: '/s' });
    const { items, rejected } = toCloudEvents(raw);
    expect(items).toEqual([]);
    expect(rejected?.[0]?.error.code).toBe('E_SOURCE_INVALID');
    expect(rejected?.[0]?.error.message).toMatch(
      /^Records\[0\]\.body is not a valid CloudEvent 1\.0: `type` is required/,
    );
  });
});

// The public sample corpus (read-only reference; see STYLE.md): every file is detected as its source,
// with at least one event per record and none rejected, all valid CloudEvents 1.0. The only exceptions
// are shapes that are not triggers of a handler: authorizer requests (they need a policy answer) and S3
// Object Lambda requests (they need WriteGetObjectResponse).
const EXPECTED_KIND: Readonly<Record<string, string>> = {
  alb: 'aws:alb',
  'apigw-http': 'aws:apigateway:v2',
  'apigw-rest': 'aws:apigateway:v1',
  cloudwatch: 'aws:cloudwatch-logs',
  dynamodb: 'aws:dynamodb',
  eventbridge: 'aws:eventbridge',
  kafka: 'aws:kafka',
  kinesis: 'aws:kinesis',
  lambda: 'aws:lambda-url',
  s3: 'aws:s3',
  sns: 'aws:sns',
  sqs: 'aws:sqs',
};
const KIND_BY_FILE: Readonly<Record<string, string>> = {
  's3/sqs-event.json': 'aws:sqs',
  's3/eventbridge-object-created.json': 'aws:eventbridge',
  's3/eventbridge-object-deleted.json': 'aws:eventbridge',
  's3/eventbridge-object-expired.json': 'aws:eventbridge',
  's3/eventbridge-object-restored.json': 'aws:eventbridge',
};
const NOT_TRIGGERS = /^(apigw-(http|rest)\/authorizer-|s3\/object-)/;

function recordCount(raw: unknown): number {
  const r = raw as { Records?: unknown[]; records?: Record<string, unknown[]> };
  if (Array.isArray(r.Records)) return r.Records.length;
  if (r.records) return Object.values(r.records).flat().length;
  return 1;
}

describe.runIf(hasSamples)(`public reference corpus (${SAMPLES_DIR}; skipped when absent)`, () => {
  it('detects every file as its source, one event (at least) per record, all valid', () => {
    const files = sampleNames();
    expect(files.length).toBeGreaterThan(30);
    const outcomes = files.map((name) => {
      const raw = sample<unknown>(name);
      try {
        const batch = toCloudEvents(raw, { now: Date.UTC(2026, 0, 1) });
        if (NOT_TRIGGERS.test(name))
          return { name, outcome: `read as ${batch.source}, expected E_SOURCE_UNKNOWN` };
        const expected = KIND_BY_FILE[name] ?? EXPECTED_KIND[name.split('/')[0] ?? ''];
        const problems = batch.items.flatMap((item) => cloudEventProblems(item.event));
        if (batch.source !== expected)
          return { name, outcome: `read as ${batch.source}, expected ${expected}` };
        if ((batch.rejected ?? []).length > 0)
          return { name, outcome: `rejected ${batch.rejected?.length} record(s)` };
        if (batch.items.length < recordCount(raw))
          return { name, outcome: `${batch.items.length} event(s) for ${recordCount(raw)} records` };
        return { name, outcome: problems.length === 0 ? 'ok' : `invalid: ${problems.join('; ')}` };
      } catch (error) {
        const code = isTriggerError(error) ? error.code : String(error);
        return {
          name,
          outcome: NOT_TRIGGERS.test(name) && code === 'E_SOURCE_UNKNOWN' ? 'ok' : `threw ${code}: ${error}`,
        };
      }
    });
    expect(outcomes.filter((o) => o.outcome !== 'ok')).toEqual([]);
  });
});
