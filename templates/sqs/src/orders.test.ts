import 'triggerkit/testing/vitest';
import { readFileSync } from 'node:fs';
import { events, invoke } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './orders.js';

const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8'));

describe('orders', () => {
  it('accepts a valid order', async () => {
    const result = await invoke(
      handler,
      events.sqs({ queue: 'orders', data: { orderId: 'o-1', total: 120, currency: 'EUR' } }),
    );
    expect(result).toHaveDelivered();
    expect(result.results).toEqual([{ accepted: 'o-1', large: true }]);
    expect(result.response).toEqual({ batchItemFailures: [] });
  });

  it('reports an invalid order in batchItemFailures, failed at the schema', async () => {
    const result = await invoke(handler, recorded('invalid-order.json'));
    expect(result).toHaveFailedAt('schema');
    expect(result.response).toEqual({ batchItemFailures: [{ itemIdentifier: result.failed[0]?.event.id }] });
  });

  it('reads the recorded message as the queue delivers it', async () => {
    const result = await invoke(handler, recorded('order.json'));
    expect(result).toHaveDelivered(1);
  });
});
