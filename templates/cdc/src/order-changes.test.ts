import 'triggerkit/testing/vitest';
import { readFileSync } from 'node:fs';
import { events, invoke } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './order-changes.js';

const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8'));

describe('order-changes', () => {
  it('reads an insert, an update and a delete from the recorded stream batch, in order', async () => {
    const result = await invoke(handler, recorded('orders-stream.json'));
    expect(result).toHaveDelivered(3);
    expect(result.delivered.map((event) => event.type)).toEqual([
      'com.amazonaws.dynamodb.insert',
      'com.amazonaws.dynamodb.modify',
      'com.amazonaws.dynamodb.remove',
    ]);
    expect(result.results).toEqual([
      { orderId: 'o-1', created: 'placed' },
      { orderId: 'o-1', from: 'placed', to: 'shipped' },
      { orderId: 'o-1', removed: 'shipped' },
    ]);
    expect(result.response).toEqual({ batchItemFailures: [] });
  });

  it('sees an update that keeps the status as no transition', async () => {
    const order = { orderId: 'o-2', status: 'paid', total: 10 };
    const result = await invoke(
      handler,
      events.dynamodb({ table: 'orders', oldImage: order, newImage: { ...order, total: 12 } }),
    );
    expect(result.results).toEqual([{ orderId: 'o-2', unchanged: true }]);
  });

  it('refuses a status the schema does not know, and reports that record for the stream to retry', async () => {
    const result = await invoke(handler, recorded('unknown-status.json'));
    expect(result).toHaveFailedAt('schema');
    const [record] = recorded('unknown-status.json').Records;
    expect(result.response).toEqual({
      batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber }],
    });
  });
});
