import { invoke, loadEvent } from 'triggerkit/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cache, handler, type Product, productKey } from './handler.js';

const recorded = (name: 'insert' | 'update' | 'delete') =>
  loadEvent(new URL(`./events/${name}.json`, import.meta.url));

const mug: Product = { id: 8, sku: 'MUG-08', name: 'Enamel mug', category: 'kitchen', price_cents: 1250 };

afterEach(() => {
  vi.restoreAllMocks();
  cache.delete(productKey(8));
  cache.log.length = 0;
});

describe('cdc-cache example', () => {
  it('warms the cache with an inserted row', async () => {
    const { delivered, results } = await invoke(handler, await recorded('insert'));
    expect(delivered[0]).toMatchObject({
      type: 'io.debezium.postgresql.datachangeevent',
      subject: 'shop.public.products',
      time: '2025-12-01T12:00:00.000Z',
    });
    expect(results).toEqual([{ warmed: 'product:8' }]);
    expect(cache.get('product:8')).toEqual(mug);
  });

  it('invalidates an updated row, though its before image is null (REPLICA IDENTITY DEFAULT)', async () => {
    cache.set('product:8', mug);
    const { results } = await invoke(handler, await recorded('update'));
    expect(results).toEqual([{ invalidated: 'product:8' }]);
    expect(cache.get('product:8')).toBeUndefined();
  });

  it('invalidates a deleted row by the key its before image holds', async () => {
    cache.set('product:8', mug);
    const { results } = await invoke(handler, await recorded('delete'));
    expect(results).toEqual([{ invalidated: 'product:8' }]);
    expect(cache.get('product:8')).toBeUndefined();
  });

  it('leaves snapshot reads to the filter', async () => {
    const read = { ...((await recorded('insert')) as Record<string, unknown>), op: 'r' };
    const { filtered, delivered } = await invoke(handler, read);
    expect([filtered.length, delivered.length, cache.log]).toEqual([1, 0, []]);
  });

  it('applies the changes of a row in commit order, so the cache never keeps a deleted row', async () => {
    for (const change of ['insert', 'update', 'delete'] as const)
      await invoke(handler, await recorded(change));
    expect(cache.log).toEqual(['set product:8', 'delete product:8', 'delete product:8']);
    expect(cache.get('product:8')).toBeUndefined();
  });

  it('retries a change whose invalidation failed, a second later (the default policy)', async () => {
    cache.set('product:8', mug);
    vi.spyOn(cache, 'delete').mockImplementationOnce(() => {
      throw new Error('cache unreachable');
    });
    const { attempts, delivered } = await invoke(handler, await recorded('update'), { retries: true });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'delivered'],
    ]);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBe(1_000);
    expect(delivered).toHaveLength(1);
    expect(cache.get('product:8')).toBeUndefined();
  });

  it('dead-letters a delete that carries no key (REPLICA IDENTITY NOTHING) without retrying', async () => {
    const keyless = { ...((await recorded('delete')) as Record<string, unknown>), before: null };
    const { attempts, deadLetters } = await invoke(handler, keyless, { retries: true });
    expect(attempts.map((a) => a.outcome)).toEqual(['failed']);
    expect(deadLetters[0]).toMatchObject({ dlreason: 'non-retryable', dlattempts: 1 });
    expect(deadLetters[0]?.dlerror).toContain("set the table's REPLICA IDENTITY to DEFAULT or FULL");
  });
});
