/** The emulator routes a request to the handler whose declared path template matches it, as API Gateway does. */
import { afterEach, describe, expect, it } from 'vitest';
import { defineHandler } from '../define-handler.js';
import { manualClock } from './clock.js';
import { createEmulator, type Emulator } from './emulator.js';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

describe('declared path templates', () => {
  it('routes /orders/42 to /orders/{id}, deeper paths to {proxy+}, with the pathParameters API Gateway sends', async () => {
    const seen: [string, unknown, unknown][] = [];
    const remember = (name: string) =>
      defineHandler({
        name,
        sources: [{ type: 'http', path: name === 'one' ? '/orders/{id}' : '/orders/{proxy+}' }],
        handle: async (event, ctx) => {
          seen.push([name, ctx.http?.pathParameters, event.source]);
        },
      });
    const emulator = createEmulator({
      functions: [
        { name: 'rest', handler: remember('rest') },
        { name: 'one', handler: remember('one') },
      ],
      clock: manualClock(),
      log: () => {},
      onTrace: () => {},
    });
    open.push(emulator);
    const url = await emulator.listen();
    const post = (path: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"status":"paid"}',
      });
    expect((await post('/orders/42')).status).toBe(200);
    expect((await post('/orders/ord%202001')).status).toBe(200);
    expect((await post('/orders/42/items/lamp')).status).toBe(200);
    expect((await post('/carts/1')).status).toBe(404);
    expect(seen).toEqual([
      ['one', { id: '42' }, '/orders/42'],
      ['one', { id: 'ord 2001' }, '/orders/ord%202001'],
      ['rest', { proxy: '42/items/lamp' }, '/orders/42/items/lamp'],
    ]);
  });
});
