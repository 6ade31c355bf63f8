/**
 * The emulator's own routes under input they must not choke on: ids two sources share, malformed
 * percent-encoding, JSON nested thousands deep. And what the banner and `GET /` say a function hears.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import { NonRetryableError } from '../errors.js';
import { manualClock } from './clock.js';
import { describeSources } from './describe.js';
import { createEmulator, type Emulator } from './emulator.js';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

async function start() {
  const clock = manualClock();
  const handler = defineHandler({
    name: 'orders',
    handle: async (event) => {
      if (event.source === '/billing') throw new NonRetryableError('billing events are not orders');
    },
  });
  const emulator = createEmulator({
    functions: [{ name: 'orders', handler }],
    clock,
    log: () => {},
    onTrace: () => {},
  });
  open.push(emulator);
  const url = await emulator.listen();
  const idle = () => emulator.runUntilIdle((at) => clock.set(at));
  return { emulator, url, idle };
}

const event = (source: string) =>
  createCloudEvent({ id: 'shared-7', source, type: 'com.example.thing', data: {} });

interface Story {
  event: { source: string };
  deliveries: { status: string }[];
  traces: { stage: string; detail: Record<string, unknown> }[];
}

describe('GET /events/<id>', () => {
  it('keeps the stories of two sources that sent the same id apart', async () => {
    const { emulator, url, idle } = await start();
    emulator.publish(event('/shop'));
    emulator.publish(event('/billing'));
    emulator.publish(event('/shop'));
    await idle();
    const both = await fetch(`${url}/events/shared-7`);
    expect(both.status).toBe(300);
    const body = (await both.json()) as { message: string; events: { source: string; href: string }[] };
    expect(body.message).toMatch(/2 events have id "shared-7", from sources "\/shop", "\/billing"/);
    expect(body.events.map((e) => [e.source, e.href])).toEqual([
      ['/shop', '/events/shared-7?source=%2Fshop'],
      ['/billing', '/events/shared-7?source=%2Fbilling'],
    ]);
    const story = async (source: string) =>
      (await (await fetch(`${url}/events/shared-7?source=${encodeURIComponent(source)}`)).json()) as Story;
    const shop = await story('/shop');
    // Both copies of the shop event, and none of the billing one's dead letter.
    expect(shop.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    expect(shop.traces.filter((t) => t.stage === 'received').map((t) => t.detail.source)).toEqual([
      '/shop',
      '/shop',
    ]);
    expect(shop.traces.map((t) => t.stage)).not.toContain('dead-lettered');
    const billing = await story('/billing');
    expect(billing.deliveries.map((d) => d.status)).toEqual(['dead-lettered']);
    expect(billing.traces.filter((t) => t.stage.startsWith('attempt-'))).toHaveLength(1);
    expect((await fetch(`${url}/events/shared-7?source=%2Fnone`)).status).toBe(404);
  });
});

describe('hostile requests to the emulator routes', () => {
  it('answers malformed percent-encoding in a path with 400, not 500', async () => {
    const { url } = await start();
    for (const [method, path] of [
      ['GET', '/events/%E0%A4%A'],
      ['GET', '/events/%zz'],
      ['POST', '/2015-03-31/functions/%E0%A4%A/invocations'],
    ]) {
      const answer = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' && { body: '{}' }),
      });
      expect([path, answer.status]).toEqual([path, 400]);
      expect(((await answer.json()) as { message: string }).message).toMatch(/not valid percent-encoding/);
    }
  });

  it('answers JSON nested 5,000 deep with 400 on /events, Invoke and SQS', async () => {
    const { url, emulator } = await start();
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const post = (path: string, headers: Record<string, string>, body: string) =>
      fetch(`${url}${path}`, { method: 'POST', headers, body });
    const structured = await post(
      '/events',
      { 'content-type': 'application/cloudevents+json' },
      `{"specversion":"1.0","id":"deep","source":"/d","type":"t","data":${deep}}`,
    );
    const binary = await post(
      '/events',
      {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'd',
        'ce-source': '/d',
        'ce-type': 't',
      },
      deep,
    );
    const invoke = await post(
      '/2015-03-31/functions/orders/invocations',
      { 'content-type': 'application/json' },
      `{"a":${deep}}`,
    );
    const sqs = await post(
      '/',
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
      `{"QueueName":"q","Attributes":{"Policy":${deep}}}`,
    );
    expect([structured.status, binary.status, invoke.status, sqs.status]).toEqual([400, 400, 400, 400]);
    expect(invoke.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    expect(await sqs.json()).toMatchObject({ __type: 'com.amazon.coral.service#SerializationException' });
    expect(emulator.store.deliveries()).toEqual([]);
    // Binary data of another type is bytes, not JSON: brackets in it are nobody's nesting.
    const bytes = await post(
      '/events',
      {
        'content-type': 'application/octet-stream',
        'ce-specversion': '1.0',
        'ce-id': 'b',
        'ce-source': '/d',
        'ce-type': 't',
      },
      '['.repeat(5000),
    );
    expect(bytes.status).toBe(202);
  });
});

describe('what a function listens to', () => {
  const listening = (sources: unknown) =>
    describeSources(
      {
        name: 'f',
        handler: defineHandler({ name: 'f', sources: sources as never, handle: async () => undefined }),
      },
      [],
    );

  it('names the resource a source declares, or says any, and how the emulator reaches it', () => {
    expect(listening(undefined)).toBe('bus');
    expect(listening([{ type: 'aws:sqs', queue: 'orders' }])).toBe('aws:sqs queue orders (Invoke API)');
    expect(listening([{ type: 'aws:sqs' }])).toBe('aws:sqs any queue (Invoke API)');
    expect(listening([{ type: 'aws:sns' }, { type: 'bus' }])).toBe('aws:sns any topic (Invoke API), bus');
    expect(listening([{ type: 'http', path: '/hook', method: ['GET', 'post'] }])).toBe('GET,POST /hook');
    expect(listening([{ type: 'cloudevents' }])).toBe('cloudevents (Invoke API)');
    expect(listening([{ type: 'aws:eventbridge', source: 'com.shop' }])).toBe(
      'aws:eventbridge com.shop (bus)',
    );
    expect(listening([{ type: 'aws:eventbridge' }])).toBe('aws:eventbridge any source (bus)');
  });
});
