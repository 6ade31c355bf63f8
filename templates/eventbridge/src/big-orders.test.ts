import 'triggerkit/testing/vitest';
import { readFileSync } from 'node:fs';
import { events, invoke } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './big-orders.js';

const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8'));
const placed = (detail: Record<string, unknown>) =>
  events.eventBridge({ source: 'com.example.shop', detailType: 'Order Placed', detail });

describe('big-orders', () => {
  it('hands the handler the transformed order', async () => {
    const result = await invoke(handler, recorded('order-placed.json'));
    expect(result).toHaveDelivered();
    expect(result.delivered[0]?.data).toEqual({ orderId: 'o-7', total: 310, tier: 'gold' });
    expect(result.results).toEqual([{ notify: 'account-manager', orderId: 'o-7' }]);
  });

  it('filters orders under 100', async () => {
    expect(await invoke(handler, recorded('small-order-placed.json'))).toHaveBeenFiltered();
  });

  it('fails an unknown customer tier at the schema, after the transform', async () => {
    const result = await invoke(
      handler,
      placed({ orderId: 'o-9', total: 150, customer: { tier: 'platinum' } }),
    );
    expect(result).toHaveFailedAt('schema');
  });
});
