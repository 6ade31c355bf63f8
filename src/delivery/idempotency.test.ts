import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { createCloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import { isTriggerError } from '../errors.js';
import { createMemoryIdempotencyStore, invoke } from '../testing/index.js';
import { recordKey, resolveIdempotency, storedResult } from './idempotency.js';

const order = createCloudEvent({
  id: 'ord-1',
  source: '/shop',
  type: 'com.shop.order.created',
  data: { orderId: 'A-7', total: 12 },
});

const configError = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return { code: error.code, path: error.path, message: error.message };
    throw error;
  }
  throw new Error('expected a TriggerError');
};

describe('resolveIdempotency', () => {
  it('keys on source and id by default, or on a JSONPath, or on a function', () => {
    expect(resolveIdempotency({ ttl: '1h' }).keyOf(order)).toBe('["/shop","ord-1"]');
    expect(resolveIdempotency({ ttl: '1h', key: '$.data.orderId' }).keyOf(order)).toBe('A-7');
    expect(resolveIdempotency({ ttl: '1h', key: '$.data.total' }).keyOf(order)).toBe('12');
    expect(
      resolveIdempotency({ ttl: '1h', key: (e: { type: string; id: string }) => `${e.type}/${e.id}` }).keyOf(
        order,
      ),
    ).toBe('com.shop.order.created/ord-1');
    expect(resolveIdempotency({ ttl: '1d' }).ttl).toBe(86_400_000);
  });

  it('rejects a bad setting at definition time, naming the path', () => {
    expect(configError(() => resolveIdempotency({}))).toMatchObject({
      code: 'E_CONFIG',
      path: 'idempotency.ttl',
    });
    expect(configError(() => resolveIdempotency({ ttl: '1 hour' }))).toMatchObject({
      code: 'E_CONFIG',
      path: 'idempotency.ttl',
    });
    expect(configError(() => resolveIdempotency({ ttl: 0 })).message).toContain('longer than 0');
    expect(configError(() => resolveIdempotency({ ttl: '1h', window: '1h' }))).toMatchObject({
      path: 'idempotency.window',
    });
    expect(configError(() => resolveIdempotency({ ttl: '1h', key: 'data.orderId' }))).toMatchObject({
      code: 'E_CONFIG',
      path: 'idempotency.key',
    });
    expect(
      configError(() => resolveIdempotency({ ttl: '1h', key: '$.data.items[*].sku' })).message,
    ).toContain('wildcard');
    expect(configError(() => resolveIdempotency({ ttl: '1h', key: 42 })).path).toBe('idempotency.key');
    expect(configError(() => resolveIdempotency('1h')).code).toBe('E_CONFIG');
    expect(
      configError(() => defineHandler({ idempotency: { ttl: 'soon' } as never, handle() {} })),
    ).toMatchObject({ code: 'E_CONFIG', path: 'idempotency.ttl' });
  });

  it('throws E_IDEMPOTENCY_KEY for an event without the key', () => {
    const byPath = resolveIdempotency({ ttl: '1h', key: '$.data.customerId' });
    expect(configError(() => byPath.keyOf(order))).toMatchObject({ code: 'E_IDEMPOTENCY_KEY' });
    const byFunction = resolveIdempotency({ ttl: '1h', key: () => '' });
    expect(configError(() => byFunction.keyOf(order)).message).toContain('non-empty string');
  });
});

describe('record keys and results', () => {
  it('keeps short keys readable and hashes long ones', () => {
    expect(recordKey('orders', 'A-7')).toBe('orders#A-7');
    const long = recordKey('orders', 'x'.repeat(600));
    expect(long).toMatch(/^orders#sha256:[0-9a-f]{64}$/);
    expect(recordKey('orders', 'y'.repeat(600))).not.toBe(long);
  });

  it('keeps a result as JSON when it is small and serializable', () => {
    expect(storedResult({ ok: true })).toBe('{"ok":true}');
    expect(storedResult(undefined)).toBeUndefined();
    expect(storedResult('x'.repeat(70_000))).toBeUndefined();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(storedResult(cycle)).toBeUndefined();
  });
});

describe('the in-memory store', () => {
  it('claims once, reports in-progress and completed, and expires both', async () => {
    const store = createMemoryIdempotencyStore();
    const first = await store.claim('k', 1_000, 500);
    expect(first.status).toBe('fresh');
    expect(await store.claim('k', 1_200, 500)).toEqual({ status: 'in-progress', expiresAt: 1_500 });
    // A crashed attempt's claim is taken over once its lock expires.
    const takeover = await store.claim('k', 1_500, 500);
    expect(takeover.status).toBe('fresh');
    if (first.status !== 'fresh' || takeover.status !== 'fresh') throw new Error('unreachable');
    // The first attempt's late release must not drop the claim that took over.
    await store.release('k', first.token);
    expect((await store.claim('k', 1_600, 500)).status).toBe('in-progress');
    await store.complete('k', takeover.token, 1_700, 10_000, '"done"');
    expect(await store.claim('k', 2_000, 500)).toEqual({
      status: 'completed',
      completedAt: 1_700,
      expiresAt: 11_700,
      result: '"done"',
    });
    expect((await store.claim('k', 11_700, 500)).status).toBe('fresh');
  });
});

describe('invoke with idempotency', () => {
  const recorded = () => fixture('sqs/cloudevent-body.json');

  function counting(options: { fail?: boolean } = {}) {
    const seen: string[] = [];
    const handler = defineHandler({
      name: 'orders',
      idempotency: { key: '$.data.orderId', ttl: '1h' },
      handle(event) {
        seen.push(event.id);
        if (options.fail) throw new Error('db down');
        return { stored: (event.data as { orderId: string }).orderId };
      },
    });
    return { handler, seen };
  }

  it('hands a duplicate in the same batch to the handler once', async () => {
    const raw = recorded() as { Records: Record<string, unknown>[] };
    const [record] = raw.Records;
    // SQS standard queues deliver at least once: the same message can come twice, in one batch.
    const twice = { Records: [record, { ...record, messageId: 'redelivered-1' }] };
    const { handler, seen } = counting();
    const result = await invoke(handler, twice);
    expect(seen).toEqual(['b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4']);
    expect(result.response).toEqual({ batchItemFailures: [] });
    expect(result.delivered).toHaveLength(1);
    expect(result.duplicates.map((e) => e.id)).toEqual(['b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4']);
    const outcome = result.traces[1]?.outcome;
    expect(outcome).toMatchObject({ status: 'delivered', duplicate: true, result: { stored: 'ord-3001' } });
  });

  it('remembers completions across calls that share a store, until the ttl has passed', async () => {
    const store = createMemoryIdempotencyStore();
    let now = Date.UTC(2026, 0, 1);
    const { handler, seen } = counting();
    await invoke(handler, recorded(), { idempotency: store, now: () => now });
    now += 3_600_000 - 1;
    const again = await invoke(handler, recorded(), { idempotency: store, now: () => now });
    expect(again.duplicates).toHaveLength(1);
    expect(seen).toHaveLength(1);
    now += 1;
    const later = await invoke(handler, recorded(), { idempotency: store, now: () => now });
    expect(later.delivered).toHaveLength(1);
    expect(seen).toHaveLength(2);
  });

  it('releases the claim when the handler fails, so the retry runs it again', async () => {
    const store = createMemoryIdempotencyStore();
    const failing = counting({ fail: true });
    const first = await invoke(failing.handler, recorded(), { idempotency: store });
    expect(first.failed).toMatchObject([{ stage: 'handler', retryable: true }]);
    const retry = counting();
    const second = await invoke(retry.handler, recorded(), { idempotency: store, attempt: 2 });
    expect(second.delivered).toHaveLength(1);
    expect(second.duplicates).toHaveLength(0);
  });

  it('fails an event without the key, not retryably, without running the handler', async () => {
    const seen: string[] = [];
    const handler = defineHandler({
      name: 'orders',
      idempotency: { key: '$.data.customerId', ttl: '1h' },
      handle: (event) => void seen.push(event.id),
    });
    const result = await invoke(handler, recorded());
    expect(seen).toEqual([]);
    expect(result.failed).toMatchObject([{ stage: 'idempotency', retryable: false }]);
    expect(String((result.failed[0]?.error as Error | undefined)?.message)).toContain(
      '$.data.customerId is missing',
    );
  });
});
