import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cloudEventProblems } from '../cloud-event.js';
import { isTriggerError, type TriggerError } from '../errors.js';
import { SOURCES, toCloudEvents } from './index.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/events/${name}`, import.meta.url), 'utf8'));

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
    [
      'apigw-http/function-url-no-content-type.json',
      'API Gateway HTTP API (v2) request',
      'aws:apigateway:v2',
    ],
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
    [
      'an SNS batch',
      fixture('sns/low-stock-notification.json'),
      'Records[] whose first record has EventSource "aws:sns"',
    ],
    ['{}', {}, 'an empty object'],
    ['null', null, 'this input: null.'],
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
    const error = rejection(raw);
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.path).toBe('Records[2]');
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
    const error = rejection(raw);
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.message).toMatch(/^Records\[0\]\.body is not a valid CloudEvent 1\.0: `type` is required/);
  });
});

// The public sample corpus (read-only reference; see STYLE.md). Folders for sources we support must
// normalize into valid CloudEvents; the others must be refused as unknown until their sources land.
const CORPUS = fileURLToPath(new URL('../../../shared/fixtures/events', import.meta.url));
const SUPPORTED: readonly RegExp[] = [
  /^sqs\//,
  /^apigw-http\//,
  /^eventbridge\//,
  /^s3\/eventbridge-/,
  /^lambda\//, // Lambda function URLs send the HTTP API v2 payload
  /^s3\/sqs-event\.json$/, // an SQS batch (its bodies are S3 notifications, read as SQS messages for now)
];

describe.runIf(existsSync(CORPUS))(`public reference corpus (${CORPUS}; skipped when absent)`, () => {
  it('supported sources give valid CloudEvents; the others are E_SOURCE_UNKNOWN, never a crash', () => {
    const files = readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json'))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    const outcomes = files.map((name) => {
      const raw: unknown = JSON.parse(readFileSync(`${CORPUS}/${name}`, 'utf8'));
      const supported = SUPPORTED.some((pattern) => pattern.test(name));
      try {
        const { items } = toCloudEvents(raw);
        const problems = items.flatMap((item) => cloudEventProblems(item.event));
        if (!supported)
          return { name, outcome: `read as ${items.length} event(s), expected E_SOURCE_UNKNOWN` };
        return {
          name,
          outcome: items.length > 0 && problems.length === 0 ? 'ok' : `invalid: ${problems.join('; ')}`,
        };
      } catch (error) {
        const code = isTriggerError(error) ? error.code : String(error);
        return {
          name,
          outcome: !supported && code === 'E_SOURCE_UNKNOWN' ? 'ok' : `threw ${code}: ${error}`,
        };
      }
    });
    expect(outcomes.filter((o) => o.outcome !== 'ok')).toEqual([]);
    expect(outcomes.filter((o) => SUPPORTED.some((p) => p.test(o.name))).length).toBeGreaterThanOrEqual(12);
  });
});
