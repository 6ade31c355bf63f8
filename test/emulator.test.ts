/** `npm run dev` as a user runs it: the CLI over serverless.yml, real HTTP requests, trace lines. */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, post, ROOT, type Running, startCli } from './support/processes.js';

let dev: Running;
let url: string;
const stateDir = mkdtempSync(join(tmpdir(), 'triggerkit-emulator-'));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

interface Story {
  deliveries: { handler: string; status: string; attempts: number; nextAt: string | null }[];
}

/** The event's story once no delivery is pending or running any more. */
async function settled(id: string): Promise<Story> {
  for (let i = 0; i < 200; i++) {
    const response = await fetch(`${url}/events/${encodeURIComponent(id)}`);
    if (response.status === 200) {
      const story = (await response.json()) as Story;
      if (story.deliveries.every((d) => d.status !== 'pending' && d.status !== 'running')) return story;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`event ${id} did not settle`);
}

/**
 * The order-created example's deliveries of a story. Every other bus listener among the examples
 * (fork-pipelines' replay, webhook-fan-out's consumers) filters the order events out: checked here.
 */
function orderCreatedOf(story: Story): Story['deliveries'] {
  const others = story.deliveries.filter((d) => d.handler !== 'orderCreated');
  expect(others.length).toBeGreaterThan(0);
  expect(others.filter((d) => d.status !== 'filtered')).toEqual([]);
  return story.deliveries.filter((d) => d.handler === 'orderCreated');
}

/** A request with exactly these headers (fetch will not send a Host or Origin of our choosing). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body: string | Buffer = '',
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const req = request(target, {
      method,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What the store holds: events archived, dead letters redriven. */
function stored() {
  const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      events: count('SELECT count(*) AS n FROM events'),
      redriven: count('SELECT count(*) AS n FROM dead_letters WHERE redriven_at IS NOT NULL'),
    };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dev = startCli(['dev', '--port', '0', '--no-watch', '--state-dir', stateDir]);
  url = (await dev.waitFor(/listening on (http:\/\/[\d.:]+)/))[1] as string;
  await dev.waitFor(/takes CloudEvents; traces follow/);
});
afterAll(async () => {
  await dev.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const binaryHeaders = {
  'ce-specversion': '1.0',
  'ce-id': '1',
  'ce-source': '/test',
  'ce-type': 'com.example.order.created',
  'content-type': 'application/json',
};

describe('triggerkit dev', () => {
  it('lists the functions of serverless.yml by both names, and their routes', () => {
    expect(dev.output()).toContain('  ordersWebhook (orders-webhook): POST /webhooks/orders\n');
    expect(dev.output()).toContain('  orderCreated (order-created): bus\n');
    // What it really listens to: the live trigger that feeds it.
    expect(dev.output()).toContain('  ordersQueue (orders-queue): aws:sqs shop-orders\n');
    // A function whose handler has no other name is named once.
    expect(dev.output()).toContain('  clicks: aws:kinesis clicks\n');
  });

  it('starts without PostgreSQL, saying in one line how to feed the change-stream example', () => {
    expect(dev.output()).toContain(
      'triggerkit: productCache declares a debezium source; pass --postgres <url> (or set TRIGGERKIT_POSTGRES_URL) to feed it from PostgreSQL.\n',
    );
    expect(dev.output()).toContain(
      '  productCache (product-cache): debezium table public.products (Invoke API)\n',
    );
    expect(dev.output()).toContain('  ossNotify (oss-notify): alibaba:eventbridge (Invoke API)\n');
  });

  it('lists every route of its table on GET /, the state routes included', async () => {
    const { routes } = (await (await fetch(`${url}/`)).json()) as { routes: string[] };
    for (const route of [
      'GET /',
      'POST /events',
      'GET /events',
      'OPTIONS /events',
      'GET /events/<id>',
      'GET /dead-letters',
      'POST /dead-letters/redrive',
      'POST /replay',
      'POST /2015-03-31/functions/<name>/invocations',
      'POST / with x-amz-target',
    ])
      expect(routes.filter((r) => r.startsWith(`${route}: `))).toHaveLength(1);
    expect(routes).toContain('POST /webhooks/orders: → ordersWebhook (orders-webhook)');
  });

  it('accepts a binary-mode CloudEvent, runs the matching bus handler and prints its trace line', async () => {
    const answer = await post(`${url}/events`, '{"total":120}', { ...binaryHeaders, 'ce-id': 'bin-1' });
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ accepted: ['bin-1'] });
    await dev.waitFor(/trace bin-1 com\.example\.order\.created → order-created delivered \d+\.\dms/);
    expect(orderCreatedOf(await settled('bin-1'))).toMatchObject([
      { handler: 'orderCreated', status: 'delivered', attempts: 1 },
    ]);
  });

  it('accepts structured and batch CloudEvents, and records filtered deliveries', async () => {
    const event = {
      specversion: '1.0',
      id: 's-1',
      source: '/t',
      type: 'com.example.order.created',
      data: { total: 3 },
    };
    const structured = await post(`${url}/events`, JSON.stringify(event), {
      'content-type': 'application/cloudevents+json',
    });
    expect(structured.json).toEqual({ accepted: ['s-1'] });
    const batch = await post(
      `${url}/events`,
      JSON.stringify([
        { ...event, id: 'b-1' },
        { ...event, id: 'b-2', type: 'other' },
      ]),
      {
        'content-type': 'application/cloudevents-batch+json',
      },
    );
    // b-2 reached no function: the answer says so (and what would reach it) beside the ids it always lists.
    expect(batch.json).toEqual({
      accepted: ['b-1', 'b-2'],
      unreceived: [
        {
          id: 'b-2',
          reason: 'filtered',
          message: expect.stringMatching(
            /^every function on the bus filtered it out \([^)]*\borderCreated\b[^)]*\); /,
          ),
        },
      ],
    });
    expect(orderCreatedOf(await settled('b-1'))).toEqual([
      { handler: 'orderCreated', status: 'delivered', attempts: 1, nextAt: null },
    ]);
    expect(orderCreatedOf(await settled('b-2'))).toEqual([
      { handler: 'orderCreated', status: 'filtered', attempts: 0, nextAt: null },
    ]);
    await dev.waitFor(/trace b-2 other → order-created filtered/);
  });

  it('dead-letters an invalid event at once, with the reason, and redrives it on request', async () => {
    await post(`${url}/events`, '{"total":"lots"}', { ...binaryHeaders, 'ce-id': 'bad-1' });
    expect(orderCreatedOf(await settled('bad-1'))).toEqual([
      { handler: 'orderCreated', status: 'dead-lettered', attempts: 1, nextAt: null },
    ]);
    const letters = (await (await fetch(`${url}/dead-letters`)).json()) as {
      id: number;
      envelope: Record<string, unknown>;
    }[];
    const letter = letters.find((l) => l.envelope.id === 'bad-1');
    expect(letter?.envelope).toMatchObject({
      dlreason: 'invalid',
      dlattempts: 1,
      dlhandler: 'order-created',
      data: { total: 'lots' },
    });
    expect(String(letter?.envelope.dlerror)).toContain('data/total must be number');
  });

  it('lists, shows and redrives dead letters from the command line, while the emulator runs', async () => {
    const listed = cli('dlq', 'list', '--json', '--state-dir', stateDir);
    expect(listed.status).toBe(0);
    const letters = JSON.parse(listed.stdout) as { id: number; reason: string; envelope: { id: string } }[];
    const letter = letters.find((l) => l.envelope.id === 'bad-1');
    expect(letter?.reason).toBe('invalid');
    const shown = cli('dlq', 'show', String(letter?.id), '--state-dir', stateDir);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'bad-1', dlreason: 'invalid' });
    const redriven = cli('dlq', 'redrive', String(letter?.id), '--json', '--state-dir', stateDir);
    expect(JSON.parse(redriven.stdout)).toEqual({ redriven: [letter?.id] });
    // Still invalid: the running emulator picks the redrive up and dead-letters it again.
    for (
      let i = 0;
      i < 200 &&
      !orderCreatedOf(await settled('bad-1')).some((d, n) => n > 0 && d.status === 'dead-lettered');
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(orderCreatedOf(await settled('bad-1')).map((d) => d.status)).toEqual([
      'dead-lettered',
      'dead-lettered',
    ]);
    expect(cli('dlq', 'show', '999999', '--state-dir', stateDir).status).toBe(2);
  });

  it('replays archived events through the bus with a replayname', async () => {
    const answer = cli('replay', '--from', '2000-01-01T00:00:00Z', '--handler', 'orderCreated', '--url', url);
    expect(answer.status).toBe(0);
    const body = JSON.parse(answer.stdout.slice(4));
    expect(answer.stdout.startsWith('202 ')).toBe(true);
    expect(body.replayname).toMatch(/^replay-\d{14}$/);
    expect(body.replayed).toContain('bin-1');
  });
  it.each([
    ['invalid JSON', '{"total":', binaryHeaders, 400, /not valid JSON/],
    ['a missing ce-id', '{}', { ...binaryHeaders, 'ce-id': '' }, 400, /`id`/],
    [
      'an unsupported content type',
      'total=1',
      { 'content-type': 'text/plain' },
      415,
      /POST \/events takes CloudEvents/,
    ],
    [
      'an unknown structured format',
      '<e/>',
      { 'content-type': 'application/cloudevents+xml' },
      415,
      /event format/,
    ],
    ['a bad ce-time', '{}', { ...binaryHeaders, 'ce-time': 'yesterday' }, 400, /RFC 3339/],
  ])(
    'answers %s with a 4xx naming the problem, and keeps serving',
    async (_case, body, headers, status, message) => {
      const answer = await post(`${url}/events`, body, headers as Record<string, string>);
      expect(answer.status).toBe(status);
      expect(answer.json.message).toMatch(message);
      const again = await post(`${url}/events`, '{"total":1}', binaryHeaders);
      expect(again.status).toBe(202);
    },
  );

  it('serves the webhook path a handler declares, with the same answer as Lambda', async () => {
    const body = JSON.stringify({ orderId: 'o-7', total: 12, currency: 'EUR' });
    const answer = await post(`${url}/webhooks/orders`, body, { 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      accepted: 'o-7',
      event: { source: '/webhooks/orders', type: 'com.example.order.received', httpmethod: 'POST' },
    });
    const invalid = await post(`${url}/webhooks/orders`, '{"orderId":"o-8"}', {
      'content-type': 'application/json',
    });
    expect(invalid.status).toBe(422);
    // The caller was told, so the emulator does not retry it; both events are stored with their story.
    const id = (invalid.json.outcomes as { id: string }[])[0]?.id as string;
    await dev.waitFor(
      new RegExp(
        `trace ${id} com\\.example\\.order\\.received → orders-webhook failed \\d+\\.\\dms \\(schema: .*\\) — answered 422\n`,
      ),
    );
    expect((await settled(id)).deliveries).toEqual([
      { handler: 'ordersWebhook', status: 'failed', attempts: 1, nextAt: null },
    ]);
    const accepted = (answer.json.event as { id: string }).id;
    expect((await settled(accepted)).deliveries).toEqual([
      { handler: 'ordersWebhook', status: 'delivered', attempts: 1, nextAt: null },
    ]);
  });

  it("prints where the handler threw, in the example's own source file, and the dead letter on the same line", async () => {
    const sqs = new SQSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'shop-orders' }));
      const order = { orderId: 'o-0', total: 1, currency: 'EUR', items: [{ sku: 'a', quantity: 0 }] };
      const { MessageId } = await sqs.send(
        new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(order) }),
      );
      const [line] = await dev.waitFor(new RegExp(`trace ${MessageId} .*\n`));
      expect(line).toMatch(
        /→ orders-queue failed \d+\.\dms \(handler: order o-0 has an item with quantity <= 0 at examples\/orders-queue\/handler\.ts:15\) — dead-lettered \(non-retryable\)\n$/,
      );
    } finally {
      sqs.destroy();
    }
  });

  it('invokes a function by its handler name through the Invoke API, and lists its events by either name', async () => {
    const batch = {
      Records: [
        {
          messageId: 'invoke-1',
          receiptHandle: 'r',
          body: JSON.stringify({ orderId: 'o-9', total: 3, currency: 'EUR' }),
          attributes: {},
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:shop-orders',
          awsRegion: 'us-east-1',
        },
      ],
    };
    const answer = await post(`${url}/2015-03-31/functions/orders-queue/invocations`, JSON.stringify(batch), {
      'content-type': 'application/json',
    });
    expect(answer.json).toEqual({ batchItemFailures: [] });
    await dev.waitFor(/trace invoke-1 com\.amazonaws\.sqs\.message → orders-queue delivered/);
    for (const name of ['ordersQueue', 'orders-queue']) {
      const listed = (await (await fetch(`${url}/events?handler=${name}`)).json()) as { id: string }[];
      expect(listed.map((e) => e.id)).toContain('invoke-1');
    }
  });

  it('answers unknown routes with 404 listing the routes, and says so in a line', async () => {
    const answer = await post(`${url}/nowhere`, '{}');
    expect(answer.status).toBe(404);
    expect(answer.json.message).toContain('No route for POST /nowhere');
    await dev.waitFor(/\nrefused POST \/nowhere 404 \(No route for POST \/nowhere\. /);
  });

  it('answers the CloudEvents webhook handshake on /events', async () => {
    const response = await fetch(`${url}/events`, {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': 'eventemitter.example.com' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('webhook-allowed-origin')).toBe('eventemitter.example.com');
  });

  it('answers only the hosts it is: localhost, IP addresses, the bound host (no DNS rebinding)', async () => {
    const port = new URL(url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `app.localhost:${port}`])
      expect((await raw('GET', '/dead-letters', { host })).status).toBe(200);
    const rebound = await raw('GET', '/events/bin-1', { host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.text).message).toMatch(/--allow-host attacker\.example/);
    expect(rebound.text).not.toContain('com.example.order.created');
    // Routes a handler declares too: a rebinding page must not reach the handlers either.
    expect((await raw('POST', '/webhooks/orders', { host: 'attacker.example' }, '{}')).status).toBe(403);
  });

  it('refuses what a web page can send cross-site, and changes nothing', async () => {
    const before = stored();
    const invoke = '/2015-03-31/functions/orderCreated/invocations';
    const ce = { specversion: '1.0', id: 'xsite-1', source: '/x', type: 'com.example.order.created' };
    for (const [path, headers, body, status] of [
      ['/dead-letters/redrive', {}, '', 415],
      ['/dead-letters/redrive', { 'content-type': 'text/plain' }, '', 415],
      [
        '/dead-letters/redrive',
        { 'content-type': 'application/json', origin: 'https://evil.example' },
        '{}',
        403,
      ],
      [
        '/replay?from=2000-01-01T00:00:00Z',
        { 'content-type': 'application/x-www-form-urlencoded' },
        'a=1',
        415,
      ],
      ['/replay?from=2000-01-01T00:00:00Z', { 'content-type': 'multipart/form-data; boundary=x' }, '', 415],
      [invoke, { 'content-type': 'text/plain' }, JSON.stringify(ce), 415],
      [
        '/events',
        { 'content-type': 'application/cloudevents+json', origin: 'null' },
        JSON.stringify(ce),
        403,
      ],
      [
        '/events',
        { 'content-type': 'application/cloudevents+json', origin: 'https://evil.example' },
        JSON.stringify(ce),
        403,
      ],
    ] as const) {
      const answer = await raw('POST', path, headers, body);
      expect([path, answer.status]).toEqual([path, status]);
      expect(JSON.parse(answer.text).message).toMatch(
        status === 403 ? /refused/ : /which any web page may send/,
      );
    }
    expect(stored()).toEqual(before);
  });

  it('keeps serving real clients: curl types, binary mode, local pages, the AWS SDK', async () => {
    const ce = (id: string) =>
      JSON.stringify({
        specversion: '1.0',
        id,
        source: '/x',
        type: 'com.example.order.created',
        data: { total: 1 },
      });
    const structured = await raw(
      'POST',
      '/events',
      { 'content-type': 'application/cloudevents+json' },
      ce('ok-1'),
    );
    expect(structured.status).toBe(202);
    const local = await raw(
      'POST',
      '/events',
      {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        origin: 'http://localhost:5173',
      },
      ce('ok-2'),
    );
    expect(local.status).toBe(202);
    // Binary mode may carry text/plain data: its ce-* headers are what a page cannot send unasked.
    const text = await raw(
      'POST',
      '/events',
      { ...binaryHeaders, 'ce-id': 'ok-3', 'content-type': 'text/plain' },
      'hi',
    );
    expect(text.status).toBe(202);
    const redrive = await raw(
      'POST',
      '/dead-letters/redrive',
      { 'content-type': 'application/json' },
      '{"ids":[]}',
    );
    expect(JSON.parse(redrive.text)).toEqual({ redriven: [] });
    const sqs = new SQSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'guard-check' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      expect(Messages?.[0]?.Body).toBe('hello');
    } finally {
      sqs.destroy();
    }
  });

  it('stores no event for a bare OPTIONS /events (a CORS preflight): 204, no CORS grant', async () => {
    const before = stored();
    const preflight = await raw('OPTIONS', '/events', {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect((await raw('OPTIONS', '/events')).status).toBe(204);
    expect(stored()).toEqual(before);
  });

  it('keeps every byte of a body sent without a Content-Type, as Lambda gets it', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x41]);
    const headers = {
      'ce-specversion': '1.0',
      'ce-id': 'bytes-1',
      'ce-source': '/bytes',
      'ce-type': 'bytes',
    };
    expect((await raw('POST', '/events', headers, bytes)).status).toBe(202);
    const story = (await (await fetch(`${url}/events/bytes-1`)).json()) as {
      event: { data_base64?: string };
    };
    expect(story.event.data_base64).toBe(bytes.toString('base64'));
  });
});
