import { createMemoryIdempotencyStore, invoke, loadEvent } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './handler.js';

describe('order-created example', () => {
  it('handles a com.example.order.created CloudEvent', async () => {
    const event = await loadEvent(
      new URL('../../test/fixtures/events/cloudevents/order-created.json', import.meta.url),
    );
    const result = await invoke(handler, event);
    expect(result.results).toEqual([{ orderEvent: 'b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4', large: true }]);
    expect(result.response).toEqual({
      outcomes: [{ id: 'b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4', outcome: 'delivered' }],
    });
  });

  it('does not handle a repeat of a completed event again', async () => {
    const event = await loadEvent(
      new URL('../../test/fixtures/events/cloudevents/order-created.json', import.meta.url),
    );
    const idempotency = createMemoryIdempotencyStore();
    await invoke(handler, event, { idempotency });
    const repeat = await invoke(handler, event, { idempotency });
    expect(repeat.delivered).toEqual([]);
    expect(repeat.duplicates.map((e) => e.id)).toEqual(['b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4']);
    expect(repeat.traces[0]?.outcome).toMatchObject({
      duplicate: true,
      result: { orderEvent: 'b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4', large: true },
    });
  });

  it('filters other event types without running the handler', async () => {
    const result = await invoke(handler, {
      specversion: '1.0',
      id: 'x-1',
      source: '/shop',
      type: 'com.example.order.cancelled',
      data: { total: 5 },
    });
    expect(result.filtered.map((e) => e.id)).toEqual(['x-1']);
    expect(result.delivered).toEqual([]);
  });

  it('throws for an invalid event so an asynchronous invocation is retried or dead-lettered', async () => {
    const result = await invoke(handler, {
      specversion: '1.0',
      id: 'x-2',
      source: '/shop',
      type: 'com.example.order.created',
      data: { total: 'lots' },
    });
    expect(result.failed).toHaveLength(1);
    expect((result.error as Error).message).toContain('data/total must be number');
  });
});
