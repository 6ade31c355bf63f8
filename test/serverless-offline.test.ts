/**
 * The deployed shape, run offline: the triggerkit plugin builds the Lambda bundles and points the
 * functions at them, `serverless offline` serves them, and a POST reaches the handler as the same
 * CloudEvent the emulator gives.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDev } from '../src/cli/dev.js';
import { functionsFromServerless } from '../src/cli/project.js';
import { post, ROOT, type Running, start } from './support/processes.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

let offline: Running;
let url: string;

beforeAll(async () => {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  offline = start(
    process.execPath,
    [
      'node_modules/serverless/bin/serverless.js',
      'offline',
      '--httpPort',
      `${httpPort}`,
      '--lambdaPort',
      `${lambdaPort}`,
    ],
    { env: { SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*' } },
  );
  await offline.waitFor(/Server ready/, 90_000);
  url = `http://127.0.0.1:${httpPort}`;
}, 120_000);
afterAll(() => offline?.stop());

const order = JSON.stringify({
  orderId: 'ord-9',
  total: 99.5,
  currency: 'EUR',
  items: [{ sku: 'mug', quantity: 1 }],
});

describe('serverless offline over the built bundles', () => {
  it('serves the HTTP example and hands it the same CloudEvent as the emulator, but for id and time', async () => {
    const offlineAnswer = await post(`${url}/webhooks/orders`, order, { 'content-type': 'application/json' });
    expect(offlineAnswer.status).toBe(200);
    const dev = await startDev({
      root: ROOT,
      // Only the function this test compares: starting every example would grow with them.
      functions: functionsFromServerless(`${ROOT}/serverless.yml`, ROOT).filter(
        (f) => f.name === 'ordersWebhook',
      ),
      port: 0,
      watch: false,
      stateDir: ':memory:',
      log: () => {},
    });
    try {
      const devAnswer = await post(`${dev.url}/webhooks/orders`, order, {
        'content-type': 'application/json',
      });
      const strip = (answer: typeof devAnswer) => {
        const { id: _id, time: _time, ...event } = answer.json.event as Record<string, unknown>;
        return { accepted: answer.json.accepted, event };
      };
      expect(strip(offlineAnswer)).toEqual(strip(devAnswer));
      expect(strip(offlineAnswer).event).toMatchObject({
        type: 'com.example.order.received',
        data: JSON.parse(order),
      });
    } finally {
      await dev.stop();
    }
  }, 60_000);

  it('answers an invalid order with 422 as the emulator does', async () => {
    const answer = await post(`${url}/webhooks/orders`, '{"orderId":"x"}', {
      'content-type': 'application/json',
    });
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.json)).toContain('must have property \\"total\\"');
  });
});
