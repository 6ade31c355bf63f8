/**
 * Every sample `triggerkit generate-event --list` names — one per source of the catalog, the chains,
 * the schedule, the signed webhooks — normalizes with `toCloudEvents` into valid CloudEvents of the
 * source it says, carrying the payload given. A catalog row without a generator fails here.
 */
import { describe, expect, it } from 'vitest';
import { cloudEventProblems } from '../../cloud-event.js';
import { CATALOG } from '../../sources/catalog.js';
import type { HttpSourceOptions } from '../../sources/http/options.js';
import { toCloudEvents } from '../../sources/index.js';
import type { Batch } from '../../sources/types.js';
import { CHAIN_NAMES } from './chains.js';
import { findSample, SAM_EVENTS, SAMPLES, type Sample } from './samples.js';

const NOW = Date.UTC(2026, 0, 15, 12);

/** The batch as the handler's source would read it: a webhook through `verify` with its secret. */
function normalize(sample: Sample, raw: unknown, secret = sample.defaults.secret): Batch {
  if (sample.webhook === undefined) return toCloudEvents(raw);
  const http: HttpSourceOptions = {
    path: `/webhooks/${sample.webhook}`,
    verify: { provider: sample.webhook, secret: String(secret) },
  };
  return toCloudEvents(raw, { http, now: NOW });
}

describe('generate-event samples', () => {
  it('name every source of the catalog, as its kind', () => {
    const names = new Set(SAMPLES.map((s) => s.name));
    const missing = CATALOG.map((row) => row.kind).filter((kind) => !names.has(kind));
    expect(missing, 'catalog kinds without a generate-event sample').toEqual([]);
    for (const row of CATALOG) expect(findSample(row.kind)?.kind).toBe(row.kind);
  });

  it('name every chain, each read as the service that invokes the function', () => {
    expect(CHAIN_NAMES.every((name) => findSample(name) !== undefined)).toBe(true);
    expect(new Set(SAMPLES.map((s) => s.name)).size).toBe(SAMPLES.length);
  });

  it.each(SAMPLES.map((s) => [s.name, s] as const))(
    '%s: normalizes into valid CloudEvents of its source, without rejected records',
    (_, sample) => {
      const batch = normalize(sample, sample.build({ time: NOW }));
      expect(batch.source).toBe(sample.kind);
      expect(batch.control, 'answered by the transport instead of delivered').toBeUndefined();
      expect(batch.rejected ?? []).toEqual([]);
      expect(batch.items.length).toBeGreaterThan(0);
      for (const { event } of batch.items) expect(cloudEventProblems(event)).toEqual([]);
    },
  );

  /** Invoked once per message or request: the first item only. */
  const SINGLE = new Set([
    'aws:eventbridge',
    'aws:eventbridge/sqs',
    'alibaba:mns',
    'debezium',
    'alibaba:fc-http',
    'alibaba:timer',
  ]);
  /**
   * Their data is not the payload: the object's fields (S3, OSS), the trigger's `parameter` (SLS), a
   * schedule's `{}`, a CDN notification, a Tablestore row change (written columns apart from the key).
   */
  const OTHER_DATA = /^(aws:s3|alibaba:oss|alibaba:sls|aws:schedule|alibaba:cdn|alibaba:tablestore)/;

  it.each(SAMPLES.filter((s) => !OTHER_DATA.test(s.name)).map((s) => [s.name, s] as const))(
    '%s: carries the data given, one event per item',
    (_, sample) => {
      const items = [
        { id: 7, orderId: 'ord-7' },
        { id: 8, orderId: 'ord-8' },
      ];
      const single =
        SINGLE.has(sample.name) ||
        sample.kind.startsWith('aws:apigateway') ||
        sample.kind === 'aws:lambda-url' ||
        sample.kind === 'aws:alb';
      const expected = single && sample.name !== 'aws:eventbridge/sqs' ? [items[0]] : items;
      const batch = normalize(sample, sample.build({ items, time: NOW }));
      const data = batch.items.map((i) => i.event.data as Record<string, unknown>);
      const change = sample.kind === 'debezium' || sample.kind === 'aws:dynamodb';
      expect(change ? data.map((d) => d.after) : data).toEqual(expected);
    },
  );

  it.each([
    ['aws:s3/sqs', 'sqs'],
    ['aws:s3/sns', 'sns'],
    ['aws:s3/sns/sqs', 'sqs,sns'],
  ])('%s: the S3 object with the key as named, carried %s', (name, via) => {
    const sample = findSample(name) as Sample;
    const raw = sample.build({
      bucket: 'docs',
      key: 'invoices/inv 1.pdf',
      items: [{ size: 3 }, { size: 4 }],
      time: NOW,
    });
    const events = toCloudEvents(raw).items.map((i) => i.event);
    expect(events.map((e) => [e.type, e.subject, e.awsvia])).toEqual([
      ['com.amazonaws.s3.ObjectCreated:Put', 'invoices/inv 1.pdf', via],
      ['com.amazonaws.s3.ObjectCreated:Put', 'invoices/inv 1.pdf', via],
    ]);
  });

  it('S3 through EventBridge maps to the same type and subject as a notification', () => {
    const raw = findSample('aws:s3/eventbridge')?.build({
      key: 'a b.csv',
      eventName: 'ObjectRemoved:Delete',
    });
    expect(toCloudEvents(raw).items[0]?.event).toMatchObject({
      type: 'com.amazonaws.s3.ObjectRemoved:Delete',
      subject: 'a b.csv',
    });
  });

  it('SNS into SQS is unwrapped when enveloped, kept as the message with raw message delivery', () => {
    const data = { orderId: 'ord-1' };
    const [enveloped] = toCloudEvents(findSample('aws:sns/sqs')?.build({ data })).items;
    expect(enveloped?.event).toMatchObject({ type: 'com.amazonaws.sns.Notification', awsvia: 'sqs', data });
    const [raw] = toCloudEvents(
      findSample('aws:sns/sqs:raw')?.build({ data, attributes: { tenant: 'acme' } }),
    ).items;
    expect(raw?.event).toMatchObject({ type: 'com.amazonaws.sqs.message', data, sqsattrtenant: 'acme' });
  });

  it('signs webhooks with the secret given: the verifier refuses them with another', () => {
    const github = findSample('github') as Sample;
    const raw = github.build({
      secret: 'mine',
      event: 'issues',
      data: { action: 'opened', issue: { number: 1 } },
    });
    expect(normalize(github, raw, 'mine').items[0]?.event.type).toBe('com.github.issues.opened');
    expect(normalize(github, raw, 'other').control?.statusCode).toBe(401);
  });

  it('resolve names without their prefix, and the sam local generate-event pairs', () => {
    expect([findSample('sqs')?.name, findSample('github')?.name, findSample('oss')?.name]).toEqual([
      'aws:sqs',
      'http:github',
      'alibaba:oss',
    ]);
    for (const [pair, [name]] of Object.entries(SAM_EVENTS))
      expect(findSample(name), `${pair} → ${name}`).toBeDefined();
  });

  it('is deterministic given a seed and a time', () => {
    for (const sample of SAMPLES)
      expect(sample.build({ seed: 's', time: NOW }), sample.name).toEqual(
        sample.build({ seed: 's', time: NOW }),
      );
  });
});
