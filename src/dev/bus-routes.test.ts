/** POST /events in batch mode, read a slice at a time: the same events and refusals as the HTTP binding. */
import { afterEach, describe, expect, it } from 'vitest';
import { defineHandler } from '../define-handler.js';
import { toCloudEvents } from '../sources/index.js';
import { manualClock } from './clock.js';
import { createEmulator, type Emulator } from './emulator.js';
import type { EmulatorFunction } from './run-delivery.js';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

async function start() {
  const handler = defineHandler({ name: 'h', handle: () => undefined });
  const emulator = createEmulator({
    functions: [{ name: 'fn', handler }],
    clock: manualClock(),
    log: () => {},
    onTrace: () => {},
  });
  open.push(emulator);
  return { emulator, url: await emulator.listen(0) };
}

const batchRequest = (body: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/events',
  rawQueryString: '',
  headers: { 'content-type': 'application/cloudevents-batch+json' },
  requestContext: {
    http: { method: 'POST', path: '/events', sourceIp: '127.0.0.1' },
    requestId: 'r',
    timeEpoch: 0,
  },
  body,
  isBase64Encoded: false,
});

const post = (url: string, body: string) =>
  fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body,
  });

it('stores a batch of several slices exactly as the binding reads it, in order', async () => {
  const { emulator, url } = await start();
  const entries = Array.from({ length: 600 }, (_, i) => ({
    specversion: '1.0',
    id: `b-${i}`,
    source: '/shop',
    type: 'com.shop.order.created',
    ...(i % 2 === 0 ? { datacontenttype: 'application/json', data: { n: i } } : { data_base64: 'AAEC' }),
  }));
  const body = JSON.stringify(entries);
  const response = await post(url, body);
  expect(response.status).toBe(202);
  const expected = toCloudEvents(batchRequest(body)).items.map((item) => item.event);
  expect(((await response.json()) as { accepted: string[] }).accepted).toEqual(expected.map((e) => e.id));
  const stored = emulator.store.db
    .prepare('SELECT body FROM events ORDER BY seq')
    .pluck()
    .all()
    .map((text) => JSON.parse(text as string));
  expect(stored).toEqual(JSON.parse(JSON.stringify(expected)));
});

it('refuses a batch with a bad entry as the binding does, and stores none of it', async () => {
  const { emulator, url } = await start();
  const good = { specversion: '1.0', id: 'ok', source: '/shop', type: 't' };
  const body = JSON.stringify([...Array(300).fill(good), { specversion: '1.0', source: '/shop', type: 't' }]);
  let expected = '';
  try {
    toCloudEvents(batchRequest(body));
  } catch (error) {
    expected = (error as Error).message;
  }
  expect(expected).toMatch(/batch entry \[300\]/);
  const response = await post(url, body);
  expect(response.status).toBe(400);
  expect(((await response.json()) as { message: string }).message).toBe(expected);
  expect(emulator.store.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
});

describe('the answer to an event no function receives', () => {
  const binary = (url: string, type: string, id: string) =>
    fetch(`${url}/events`, {
      method: 'POST',
      headers: {
        'ce-specversion': '1.0',
        'ce-id': id,
        'ce-source': '/t',
        'ce-type': type,
        'content-type': 'application/json',
      },
      body: '{}',
    }).then((r) => r.json() as Promise<{ unreceived: { message: string }[] }>);

  async function startWith(functions: EmulatorFunction[]) {
    const emulator = createEmulator({ functions, clock: manualClock(), log: () => {}, onTrace: () => {} });
    open.push(emulator);
    return emulator.listen(0);
  }

  const images = defineHandler({
    name: 'orders-images',
    sources: [{ type: 'aws:s3', bucket: 'photos' }],
    handle: () => {},
  });
  const kafka = defineHandler({ name: 'k', sources: [{ type: 'aws:kafka' }], handle: () => {} });

  it('says no function listens on the bus, and names the command for each function declaring its source', async () => {
    const url = await startWith([
      { name: 'orders-images', handler: images },
      { name: 'k', handler: kafka },
    ]);
    const s3 = await binary(url, 'com.amazonaws.s3.ObjectCreated:Put', 'e-1');
    expect(s3).toEqual({
      accepted: ['e-1'],
      unreceived: [{ id: 'e-1', reason: 'no-listener', message: expect.any(String) }],
    });
    // The bucket is live: its folder is named first, then the command that reaches the function anyway.
    expect(s3.unreceived[0]?.message).toMatch(
      /^no function listens on the bus for this event; orders-images declares aws:s3 bucket photos: send to its live trigger \(aws:s3 photos \(folder .+photos\)\) or run `triggerkit send --as aws:s3 --to orders-images --bucket photos --data …`\.$/,
    );
    const record = await binary(url, 'org.apache.kafka.record', 'e-2');
    expect(record.unreceived[0]?.message).toMatch(
      /; k declares aws:kafka: run `triggerkit send --as aws:kafka --to k --data …`\.$/,
    );
    const other = await binary(url, 'com.shop.order.created', 'e-3');
    expect(other.unreceived[0]?.message).toBe(
      "no function listens on the bus for this event; a handler with no `sources` (or { type: 'bus' }) and a filter that matches it would receive it.",
    );
  });

  it('says every bus listener filtered it out, and stays as before for an event some function receives', async () => {
    const picky = defineHandler({
      name: 'picky',
      filter: { type: ['com.shop.order.created'] },
      handle: () => {},
    });
    const url = await startWith([{ name: 'picky', handler: picky }]);
    expect(await binary(url, 'com.shop.order.created', 'ok')).toEqual({ accepted: ['ok'] });
    const filtered = await binary(url, 'com.amazonaws.sqs.message', 'f');
    expect(filtered.unreceived).toEqual([
      {
        id: 'f',
        reason: 'filtered',
        message:
          'every function on the bus filtered it out (picky); it is typed as an event of aws:sqs, and no function declares aws:sqs.',
      },
    ]);
  });
});
