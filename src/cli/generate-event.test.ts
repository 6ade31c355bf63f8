/** `triggerkit generate-event`: the raw event on stdout for any source, from flags, data or a schema. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../../test/support/processes.js';
import { toCloudEvents } from '../sources/index.js';
import { SAMPLES } from '../testing/generate/samples.js';
import { generateEventOutput, listSamples } from './generate-event.js';

const scratch = mkdtempSync(join(tmpdir(), 'triggerkit-generate-'));
const file = (name: string, value: unknown) => {
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

/** The event `generate-event` prints for these arguments (flags as citty gives them, and raw). */
function generate(source: string | undefined, flags: Record<string, string> = {}, extra: string[] = []) {
  const rawArgs = [...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]), ...extra];
  const output = generateEventOutput({ source, flags, rawArgs });
  return { raw: JSON.parse(output.stdout) as unknown, notes: output.notes };
}
const events = (raw: unknown) => toCloudEvents(raw).items.map((i) => i.event);

describe('generate-event', () => {
  it('builds the source named, with the data and resource flags given', () => {
    const { raw } = generate('aws:sqs', { queue: 'orders', data: '{"orderId":"ord-1"}' });
    expect(events(raw)).toMatchObject([{ type: 'com.amazonaws.sqs.message', data: { orderId: 'ord-1' } }]);
    expect(toCloudEvents(raw).resources).toEqual({ queue: ['orders'] });
  });

  it('takes several --data, --count copies, --header, --option and a seeded --time', () => {
    expect(
      events(generate('kinesis', {}, ['--data', '{"a":1}', '--data', '{"a":2}']).raw).map((e) => e.data),
    ).toEqual([{ a: 1 }, { a: 2 }]);
    expect(events(generate('sqs', { count: '3' }).raw)).toHaveLength(3);
    const request = generate('http', { method: 'PUT', path: '/x' }, ['--header', 'x-tenant: acme']).raw;
    expect(request).toMatchObject({ routeKey: 'PUT /x', headers: { 'x-tenant': 'acme' } });
    expect(generate('aws:kafka', {}, ['--option', 'cluster=self-managed']).raw).toMatchObject({
      eventSource: 'SelfManagedKafka',
    });
    const at = '2025-06-01T10:00:00.000Z';
    const seeded = () => generate('sns', { seed: 's', time: at }).raw;
    expect(seeded()).toEqual(seeded());
    expect(events(seeded())[0]?.time).toBe(at);
  });

  it('fills the payload from a JSON Schema', () => {
    const schema = file('order.json', {
      type: 'object',
      required: ['orderId', 'total'],
      properties: {
        orderId: { type: 'string', pattern: '^ord-\\d{3}$' },
        total: { type: 'number', minimum: 100 },
      },
    });
    expect(events(generate('eventbridge', { 'from-schema': schema }).raw)[0]?.data).toEqual({
      orderId: 'ord-000',
      total: 100,
    });
    expect(() => generate('sqs', { 'from-schema': schema, data: '{}' })).toThrow(
      'Give --data or --from-schema, not both.',
    );
  });

  it('answers sam local generate-event pairs', () => {
    expect(events(generate('s3', {}, []).raw)[0]?.type).toBe('com.amazonaws.s3.ObjectCreated:Put');
    const output = generateEventOutput({
      source: 's3',
      samEvent: 'delete',
      flags: { key: 'a.txt' },
      rawArgs: [],
    });
    expect(events(JSON.parse(output.stdout))[0]).toMatchObject({
      type: 'com.amazonaws.s3.ObjectRemoved:Delete',
      subject: 'a.txt',
    });
    expect(() => generateEventOutput({ source: 's3', samEvent: 'copy', flags: {}, rawArgs: [] })).toThrow(
      /`s3 copy` is not a sam local generate-event pair with an equivalent here \(apigateway aws-proxy, /,
    );
  });

  it('signs webhooks, saying which secret when none is given', () => {
    expect(generate('github').notes).toEqual([
      'signed with the local test secret "triggerkit-test-secret"; pass --secret to sign with yours',
    ]);
    expect(generate('github', { secret: 'mine', event: 'issues' })).toMatchObject({
      notes: [],
      raw: { headers: { 'x-github-event': 'issues' } },
    });
  });

  it('refuses an unknown source in one line, with the closest names and the list command', () => {
    expect(() => generate('aws:sqss')).toThrow(
      'No source "aws:sqss"; did you mean aws:sqs? Run triggerkit generate-event --list for every source.',
    );
    expect(() => generate('eventbrige')).toThrow(/did you mean alibaba:eventbridge or aws:eventbridge\?/);
    expect(() => generate('zzzzzzzz')).toThrow(
      /^No source "zzzzzzzz"\. Run triggerkit generate-event --list/,
    );
    expect(() => generate(undefined)).toThrow(/needs a source/);
    expect(() => generate('s3', { data: '"text"' })).toThrow(
      /aws:s3: aws:s3 records carry an object as data/,
    );
    expect(() => generate('sqs', { count: '0' })).toThrow(
      '--count must be a whole number from 1 to 10000, got "0".',
    );
  });

  it('lists every sample, and the sam pairs', () => {
    const list = listSamples();
    for (const sample of SAMPLES) expect(list).toContain(sample.name);
    expect(list).toContain('aws:s3/sns/sqs          S3 notification through SNS into SQS (read as aws:sqs)');
    expect(list).toContain('sam local generate-event sqs receive-message → aws:sqs');
  });

  it('prints JSON that triggerkit normalize reads, and exits 2 naming the problem', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    const generated = run('generate-event', 'aws:s3/sns/sqs', '--key', 'inv 1.pdf', '--bucket', 'docs');
    expect(generated.status).toBe(0);
    const normalized = run('normalize', file('chain.json', JSON.parse(generated.stdout)));
    expect(JSON.parse(normalized.stdout)).toMatchObject([{ subject: 'inv 1.pdf', awsvia: 'sqs,sns' }]);
    const unknown = run('generate-event', 'sqss');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      'triggerkit: E_CONFIG: No source "sqss"; did you mean aws:sqs? Run triggerkit generate-event --list for every source.\n',
    );
    const routed = run(
      'generate-event',
      'aws:apigateway:v2',
      '--path',
      '/orders/7',
      '--route',
      '/orders/{id}',
    );
    expect(JSON.parse(routed.stdout)).toMatchObject({
      routeKey: 'POST /orders/{id}',
      pathParameters: { id: '7' },
    });
    const astray = run('generate-event', 'aws:apigateway:v2', '--path', '/x', '--route', '/orders/{id}');
    expect(astray.status).toBe(2);
    expect(astray.stderr).toContain(
      'route /orders/{id} does not match path /x; give a path the route matches',
    );
  });
});
