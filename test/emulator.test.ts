/** `npm run dev` as a user runs it: the CLI over serverless.yml, real HTTP requests, trace lines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, type Running, startCli } from './support/processes.js';

let dev: Running;
let url: string;

beforeAll(async () => {
  dev = startCli(['dev', '--port', '0', '--no-watch']);
  url = (await dev.waitFor(/listening on (http:\/\/[\d.:]+)/))[1] as string;
  await dev.waitFor(/takes CloudEvents; traces follow/);
});
afterAll(() => dev.stop());

const binaryHeaders = {
  'ce-specversion': '1.0',
  'ce-id': '1',
  'ce-source': '/test',
  'ce-type': 'com.example.order.created',
  'content-type': 'application/json',
};

describe('triggerkit dev', () => {
  it('lists the functions of serverless.yml and their routes', () => {
    expect(dev.output()).toContain('ordersWebhook: POST /webhooks/orders');
    expect(dev.output()).toContain('orderCreated: bus');
  });

  it('runs the matching bus handler for a binary-mode CloudEvent and prints its trace line', async () => {
    const answer = await post(`${url}/events`, '{"total":120}', binaryHeaders);
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({
      accepted: ['1'],
      deliveries: [{ handler: 'order-created', id: '1', outcome: 'delivered' }],
    });
    await dev.waitFor(/trace 1 com\.example\.order\.created → order-created delivered \d+\.\dms/);
  });

  it('accepts structured and batch CloudEvents', async () => {
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
    expect(structured.json.deliveries).toEqual([
      { handler: 'order-created', id: 's-1', outcome: 'delivered' },
    ]);
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
    expect(batch.json).toEqual({
      accepted: ['b-1', 'b-2'],
      deliveries: [
        { handler: 'order-created', id: 'b-1', outcome: 'delivered' },
        { handler: 'order-created', id: 'b-2', outcome: 'filtered' },
      ],
    });
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
  });

  it('answers unknown routes with 404 listing the routes', async () => {
    const answer = await post(`${url}/nowhere`, '{}');
    expect(answer.status).toBe(404);
    expect(answer.json.message).toContain('No route for POST /nowhere');
  });

  it('answers the CloudEvents webhook handshake on /events', async () => {
    const response = await fetch(`${url}/events`, {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': 'eventemitter.example.com' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('webhook-allowed-origin')).toBe('eventemitter.example.com');
  });
});
