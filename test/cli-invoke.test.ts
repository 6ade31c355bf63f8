/**
 * `triggerkit invoke`: one recorded raw event through the example project's functions, through a running
 * emulator's Invoke API and with `--local` in process — the same report and exit code both ways.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, type Running, startCli } from './support/processes.js';

const invoke = (args: string[], input?: string) => {
  const result = spawnSync(process.execPath, [CLI, 'invoke', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    ...(input !== undefined && { input }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** The report with its events in id order (a batch's records may finish in any order). */
const report = (stdout: string) => {
  const parsed = JSON.parse(stdout) as { events: { id: string }[] };
  return { ...parsed, events: [...parsed.events].sort((a, b) => a.id.localeCompare(b.id)) };
};

const fixture = (path: string) => `test/fixtures/events/${path}`;
const cancelled = readFileSync(fixture('cloudevents/order-created.json'), 'utf8').replace(
  'com.example.order.created',
  'com.example.order.cancelled',
);

const recorded = mkdtempSync(join(tmpdir(), 'triggerkit-recorded-'));
let dev: Running;
let port: string;
beforeAll(async () => {
  dev = startCli(['dev', '--port', '0', '--no-watch', '--state-dir', ':memory:', '--record', recorded]);
  port = (await dev.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/, 60_000))[1] as string;
}, 90_000);
afterAll(() => dev?.stop());

describe('triggerkit invoke', () => {
  // name, event (a file, or stdin), exit code, what the report says
  const cases: [string, string, number, Record<string, unknown>][] = [
    ['ordersQueue', fixture('sqs/orders-batch.json'), 1, { outcome: 'failed', handler: 'orders-queue' }],
    ['orders-webhook', fixture('apigw-http/order-webhook.json'), 0, { outcome: 'delivered' }],
    ['ordersWebhook', fixture('apigw-http/order-webhook-invalid.json'), 1, { outcome: 'failed' }],
    ['orderCreated', fixture('cloudevents/order-created.json'), 0, { outcome: 'delivered' }],
    ['order-created', '-', 3, { outcome: 'filtered' }],
  ];

  it.each(cases)(
    '%s on %s: the same report and exit code through the emulator and --local',
    (name, file, code, expected) => {
      const input = file === '-' ? cancelled : undefined;
      const remote = invoke([name, file, '--port', port, '--json'], input);
      const local = invoke([name, file, '--local', '--json'], input);
      expect(remote.stderr).toBe('');
      expect(remote.code).toBe(code);
      expect(local.code).toBe(code);
      expect(report(remote.stdout)).toMatchObject(expected);
      expect(report(local.stdout)).toEqual(report(remote.stdout));
    },
    120_000,
  );

  it('prints one readable block: each event, the error of a failed one, the answer', () => {
    const { code, stdout } = invoke(['ordersQueue', fixture('sqs/orders-batch.json'), '--port', port]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ordersQueue \(orders-queue\): failed — 2 delivered, 2 failed\n/);
    expect(stdout).toContain(
      '8e4a3d2b-6c7f-4a9e-8b1c-2d3e4f5a6b7c (com.amazonaws.sqs.message): failed at handler: order ord-1002 has an item with quantity <= 0 (not retryable)',
    );
    expect(stdout).toContain('handler returned {"reserved":"ord-1001"}');
    expect(stdout).toMatch(/^function answered: \{"batchItemFailures":\[/m);
    const http = invoke([
      'ordersWebhook',
      '--data',
      readFileSync(fixture('apigw-http/order-webhook-invalid.json'), 'utf8'),
      '--port',
      port,
    ]);
    expect(http.stdout).toMatch(/^HTTP answer: 422 \(application\/json\) \{"outcomes"/m);
  });

  it('refuses an unknown function in one line naming the closest and every name', () => {
    const { code, stderr } = invoke(['ordersQeue', '--data', '{}', '--port', port]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^triggerkit invoke: no function ordersQeue; did you mean ordersQueue\? \(functions: .*orders-queue.*\)\n$/,
    );
  });

  it('says how to fix it when no emulator runs', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const closed = String((server.address() as AddressInfo).port);
    await new Promise((resolve) => server.close(resolve));
    const { code, stderr } = invoke(['ordersQueue', '--data', '{}', '--port', closed]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `triggerkit invoke: no emulator at http://127.0.0.1:${closed}: start one with triggerkit dev (or pass --local)\n`,
    );
  });

  it('takes the event once, as JSON', () => {
    expect(invoke(['ordersQueue', '--local']).stderr).toContain('which event?');
    const bad = invoke(['ordersQueue', '-', '--local'], '{not json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^triggerkit invoke: stdin is not JSON/);
  });

  it('replays what triggerkit dev --record wrote to the outcome the emulator gave', async () => {
    const body = readFileSync(fixture('apigw-http/order-webhook.json'), 'utf8');
    const sent = JSON.parse(body) as { body: string };
    const answer = await fetch(`http://127.0.0.1:${port}/webhooks/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer live-token' },
      body: sent.body,
    });
    expect(answer.status).toBe(200);
    // The newest file: the Invoke API calls above were recorded before it.
    const file = readdirSync(recorded)
      .filter((f) => /-ordersWebhook-aws-apigateway-v2\.json$/.test(f))
      .sort()
      .at(-1);
    expect(file).toBeDefined();
    const path = join(recorded, file as string);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { headers: Record<string, string> };
    expect(saved.headers.authorization).toBe('[redacted]');
    const replayed = invoke(['ordersWebhook', path, '--local', '--json']);
    expect(replayed.code).toBe(0);
    expect(report(replayed.stdout)).toMatchObject({ outcome: 'delivered', response: { statusCode: 200 } });
    // An Invoke API call is recorded as the event it carried, and replays to the same report.
    const remote = invoke(['ordersQueue', fixture('sqs/orders-batch.json'), '--port', port, '--json']);
    const batch = readdirSync(recorded)
      .filter((f) => /^\d{4}-ordersQueue-aws-sqs\.json$/.test(f))
      .sort()
      .at(-1);
    const again = invoke(['orders-queue', join(recorded, batch as string), '--local', '--json']);
    expect(again.code).toBe(remote.code);
    expect(report(again.stdout)).toEqual(report(remote.stdout));
  }, 120_000);
});
