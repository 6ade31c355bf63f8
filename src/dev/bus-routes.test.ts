/** POST /events in batch mode, read a slice at a time: the same events and refusals as the HTTP binding. */
import { afterEach, expect, it } from 'vitest';
import { defineHandler } from '../define-handler.js';
import { toCloudEvents } from '../sources/index.js';
import { manualClock } from './clock.js';
import { createEmulator, type Emulator } from './emulator.js';

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
