/**
 * What the emulator prints, line for line: each attempt with what came of it (retry, dead letter,
 * redelivery, the caller's answer) from the bus, a live trigger and a webhook path, every dead letter,
 * and every refused request — and that events on handler paths are stored with their story.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import type { HandlerDefinition } from '../definition.js';
import { NonRetryableError } from '../errors.js';
import { manualClock } from './clock.js';
import { createEmulator, type Emulator } from './emulator.js';
import type { EmulatorFunction } from './run-delivery.js';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

const fn = (name: string, definition: Partial<HandlerDefinition>): EmulatorFunction => ({
  name,
  handler: defineHandler({ handle: () => {}, ...definition } as HandlerDefinition),
});

async function start(functions: EmulatorFunction[], options: { colour?: boolean } = {}) {
  const clock = manualClock();
  const printed: string[] = [];
  const emulator = createEmulator({ functions, clock, log: (line) => printed.push(line), ...options });
  open.push(emulator);
  const url = await emulator.listen(0);
  const idle = () => emulator.runUntilIdle((at) => clock.set(at));
  // Milliseconds vary from run to run; everything else is exact.
  const lines = () => printed.map((line) => line.replace(/ \d+\.\dms/, ' Xms'));
  return { emulator, url, idle, lines };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const stock = (id: string, type = 'com.shop.stock.reserve') =>
  createCloudEvent({ id, source: '/shop', type, data: { sku: 'a-1' } });

describe('attempt lines', () => {
  it('says of each failed bus attempt when it is retried, and of the last that it is dead-lettered', async () => {
    let calls = 0;
    const { emulator, idle, lines } = await start([
      fn('stock', {
        name: 'inventory',
        filter: { type: ['com.shop.stock.reserve'] },
        retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '30s' } },
        deadLetter: { queue: 'stock-dlq' },
        handle: (event) => {
          if (event.id === 'e-2') throw new NonRetryableError('sku a-1 is discontinued');
          if (event.id === 'e-1' || ++calls > 1) throw new Error('db down');
        },
      }),
    ]);
    emulator.store.queues.createQueue('stock-dlq', {}, emulator.clock.now());
    emulator.publish(stock('e-1'));
    await idle();
    emulator.publish(stock('e-2'));
    emulator.publish(stock('e-3', 'com.shop.other'));
    await idle();
    expect(lines()).toEqual([
      'trace e-1 com.shop.stock.reserve → inventory failed Xms (handler: db down) — retry in 30s (attempt 2/3)',
      'trace e-1 com.shop.stock.reserve → inventory failed Xms (handler: db down) — retry in 30s (attempt 3/3)',
      'trace e-1 com.shop.stock.reserve → inventory failed Xms (handler: db down) — dead-lettered (retries-exhausted), sent to queue stock-dlq',
      'trace e-3 com.shop.other → inventory filtered Xms',
      'trace e-2 com.shop.stock.reserve → inventory failed Xms (handler: sku a-1 is discontinued) — dead-lettered (non-retryable), sent to queue stock-dlq',
    ]);
  });

  it("prints a live trigger's failed record with its retry, then the retry's own attempts", async () => {
    const { url, idle, lines } = await start([
      fn('orders', {
        name: 'orders-queue',
        sources: [{ type: 'aws:sqs', queue: 'orders' }],
        retry: { maxAttempts: 2, backoff: { type: 'fixed', initialDelay: '10ms' } },
        handle: () => {
          throw new Error('payment service down');
        },
      }),
    ]);
    const sent = await post(`${url}/sources/aws:sqs`, { items: [{ n: 1 }] });
    expect(sent.status).toBe(200);
    await idle();
    expect(lines()).toEqual([
      expect.stringMatching(
        /^trace \S+ com\.amazonaws\.sqs\.message → orders-queue failed Xms \(handler: payment service down\) — retry in 10ms \(attempt 2\/2\)$/,
      ),
      expect.stringMatching(
        /^trace \S+ com\.amazonaws\.sqs\.message → orders-queue failed Xms \(handler: payment service down\) — dead-lettered \(retries-exhausted\)$/,
      ),
    ]);
  });

  it('says a blocked ordered batch is left to the trigger to redeliver', async () => {
    const { url, lines } = await start([
      fn('clicks', {
        sources: [{ type: 'aws:kinesis', stream: 'clicks' }],
        retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '1m' } },
        handle: () => {
          throw new Error('warehouse offline');
        },
      }),
    ]);
    await post(`${url}/sources/aws:kinesis`, { items: [{ n: 1 }] });
    expect(lines()).toEqual([
      expect.stringMatching(
        /^trace \S+ \S+ → clicks failed Xms \(handler: warehouse offline\) — redelivered by the trigger \(onError: 'block'\)$/,
      ),
    ]);
  });

  it('prints a dead letter for a function that is gone, on a line of its own', async () => {
    const { emulator, idle, lines } = await start([
      fn('stock', {
        retry: { maxAttempts: 2, backoff: { type: 'fixed', initialDelay: '1s' } },
        handle: () => {
          throw new Error('db down');
        },
      }),
    ]);
    emulator.publish(stock('e-9'));
    await emulator.settle();
    emulator.setFunctions([]);
    await idle();
    expect(lines().at(-1)).toBe(
      'trace e-9 com.shop.stock.reserve → stock dead-lettered (handler-missing: No function "stock" in the emulator any more; known: )',
    );
  });

  it('colours the status words when asked, and never otherwise', async () => {
    const definition = { name: 'h', handle: () => {} };
    const coloured = await start([fn('h', definition)], { colour: true });
    coloured.emulator.publish(stock('c-1'));
    await coloured.idle();
    expect(coloured.lines()).toEqual([
      'trace c-1 com.shop.stock.reserve → h \u001b[32mdelivered\u001b[39m Xms',
    ]);
    const plain = await start([fn('h', definition)]);
    plain.emulator.publish(stock('c-1'));
    await plain.idle();
    expect(plain.lines()).toEqual(['trace c-1 com.shop.stock.reserve → h delivered Xms']);
  });
});

describe('handler paths', () => {
  const hook = fn('ordersHook', {
    name: 'orders-webhook',
    sources: [{ type: 'http', path: '/hooks/orders', method: 'POST', eventType: 'com.shop.order' }],
    schema: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } },
    handle: (event) => ({ accepted: event.id }),
  });

  it('stores the events of a webhook path with their deliveries and traces, and says what the caller got', async () => {
    const { url, lines } = await start([hook]);
    const delivered = (await (await post(`${url}/hooks/orders`, { total: 5 })).json()) as {
      accepted: string;
    };
    const invalid = await post(`${url}/hooks/orders`, { total: 'five' });
    expect(invalid.status).toBe(422);
    const [failed] = ((await invalid.json()) as { outcomes: { id: string }[] }).outcomes;
    expect(lines()).toEqual([
      `trace ${delivered.accepted} com.shop.order → orders-webhook delivered Xms`,
      `trace ${failed?.id} com.shop.order → orders-webhook failed Xms (schema: data/total must be number (event id ${failed?.id}, record ${failed?.id})) — answered 422`,
    ]);
    const story = async (id: string | undefined) =>
      (await (await fetch(`${url}/events/${id}`)).json()) as {
        event: { source: string; data: unknown };
        deliveries: unknown[];
        traces: { stage: string; detail: Record<string, unknown> }[];
      };
    const ok = await story(delivered.accepted);
    expect(ok.event).toMatchObject({ source: '/hooks/orders', data: { total: 5 } });
    expect(ok.deliveries).toEqual([
      { handler: 'ordersHook', status: 'delivered', attempts: 1, nextAt: null },
    ]);
    const bad = await story(failed?.id);
    expect(bad.deliveries).toEqual([{ handler: 'ordersHook', status: 'failed', attempts: 1, nextAt: null }]);
    expect(bad.traces).toEqual([
      expect.objectContaining({
        stage: 'attempt-1',
        detail: expect.objectContaining({ outcome: 'failed', stage: 'schema' }),
      }),
    ]);
  });

  it('prints one line for each refused request, with its status and reason, and stores nothing', async () => {
    const github = fn('github', {
      sources: [{ type: 'http', path: '/hooks/github', verify: { provider: 'github', secret: 's3cret' } }],
    });
    const { emulator, url, lines } = await start([hook, github]);
    const body = JSON.stringify({ ref: 'main' });
    const forged = `sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`;
    const headers = { 'x-github-event': 'push', 'x-github-delivery': 'd-1' };
    expect(
      (await post(`${url}/hooks/github`, body, { ...headers, 'x-hub-signature-256': forged })).status,
    ).toBe(401);
    expect((await post(`${url}/hooks/github`, body, headers)).status).toBe(401);
    expect((await fetch(`${url}/hooks/orders`)).status).toBe(405);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    expect((await post(`${url}/events`, 'hi', { 'content-type': 'text/plain' })).status).toBe(415);
    expect(
      (await post(`${url}/events`, '{', { 'content-type': 'application/cloudevents+json' })).status,
    ).toBe(400);
    const invoke = (name: string) => post(`${url}/2015-03-31/functions/${name}/invocations`, {});
    expect((await invoke('nobody')).status).toBe(404);
    expect((await invoke('github')).headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(lines()).toEqual([
      'refused POST /hooks/github 401 (X-Hub-Signature-256 does not match the body: check the secret)',
      "refused POST /hooks/github 401 (no X-Hub-Signature-256 header: is the sender set to sign with the source's secret?)",
      'refused GET /hooks/orders 405 (GET /hooks/orders is not supported; use POST)',
      'refused GET /nowhere 404 (No route for GET /nowhere. Send CloudEvents to POST /events, or use a path a handler declares)',
      expect.stringMatching(
        /^refused POST \/events 415 \(POST \/events takes CloudEvents: .*, which any web page may send unasked, so it is refused\)$/,
      ),
      expect.stringMatching(/^refused POST \/events 400 \(.*JSON.*\)$/),
      'refused POST /2015-03-31/functions/nobody/invocations 404 (ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody; the emulator has ordersHook (orders-webhook), github)',
      expect.stringMatching(
        /^failed POST \/2015-03-31\/functions\/github\/invocations Unhandled \(TriggerError: .*\)$/,
      ),
    ]);
    expect(emulator.store.recentEvents({ limit: 10 })).toEqual([]);
  });
});
