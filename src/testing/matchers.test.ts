/**
 * The vitest matchers over `invoke` results: each passes on what it names and, when it fails, says what
 * happened to the event instead. `triggerkit/testing` itself loads no test framework.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import { events } from './events.js';
import { invoke } from './index.js';
import './vitest.js';

const order = (id: string, type: string, total: number) =>
  createCloudEvent({ id, source: '/shop', type, data: { total } });
const created = (id: string, total = 120) => order(id, 'com.shop.order.created', total);
const batch = (...items: ReturnType<typeof created>[]) => items.map((e) => ({ ...e }));

const large = defineHandler({
  name: 'large-orders',
  filter: { type: ['com.shop.order.created'], data: { total: [{ numeric: ['>', 100] }] } },
  schema: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } },
  handle: (event) => event.data.total,
});
const retry = { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '10s' } } as const;

describe('toHaveDelivered', () => {
  it('passes when every event was delivered, or exactly n', async () => {
    expect(await invoke(large, created('ord-1'))).toHaveDelivered();
    const mixed = await invoke(large, batch(created('ord-1'), created('ord-2', 50), created('ord-3')));
    expect(mixed).toHaveDelivered(2);
    expect(mixed).not.toHaveDelivered();
  });

  it('says the event was filtered, and which part of the filter it missed', async () => {
    const cancelled = await invoke(large, order('ord-9', 'com.shop.order.cancelled', 500));
    expect(() => expect(cancelled).toHaveDelivered()).toThrow(
      'expected the event to be delivered, but it was filtered (the filter did not match: type was "com.shop.order.cancelled")',
    );
    const small = await invoke(large, batch(created('ord-1'), created('ord-2', 50)));
    expect(() => expect(small).toHaveDelivered()).toThrow(
      'expected every event (2) to be delivered, but ord-2 was filtered (the filter did not match: data.total was 50)',
    );
    expect(() => expect(small).toHaveDelivered(2)).toThrow(
      'expected 2 events to be delivered, but 1 was: ord-2 was filtered',
    );
  });

  it('names an EventBridge envelope path as the filter spells it', async () => {
    const handler = defineHandler({
      filter: { detail: { total: [{ numeric: ['>', 100] }] } },
      handle: () => 1,
    });
    const result = await invoke(
      handler,
      events.eventBridge({ source: 'shop', detailType: 'Order', detail: { total: 5 } }),
    );
    expect(() => expect(result).toHaveDelivered()).toThrow('(the filter did not match: detail.total was 5)');
  });

  it('says when no event reached the handler: the answer of a refused webhook', async () => {
    const handler = defineHandler({
      sources: [{ type: 'http', path: '/webhooks/github', verify: { provider: 'github', secret: 'right' } }],
      handle: () => 1,
    });
    const result = await invoke(handler, events.github({ secret: 'wrong', payload: {} }));
    expect(() => expect(result).toHaveDelivered()).toThrow(
      /expected the event to be delivered, but no event reached the handler: the request was answered 401 .*signature/,
    );
  });

  it('needs an invoke result', () => {
    expect(() => expect({ delivered: [] }).toHaveDelivered()).toThrow(
      'toHaveDelivered needs what invoke() returns (await invoke(handler, event)), got object',
    );
  });
});

describe('toHaveBeenFiltered', () => {
  it('passes when every event was filtered, and says what happened otherwise', async () => {
    expect(await invoke(large, created('ord-1', 10))).toHaveBeenFiltered();
    const delivered = await invoke(large, created('ord-2'));
    expect(delivered).not.toHaveBeenFiltered();
    expect(() => expect(delivered).toHaveBeenFiltered()).toThrow(
      'expected the event to be filtered, but it was delivered',
    );
  });
});

describe('toHaveFailedAt', () => {
  it('passes for the stage an event failed at, and names the stage and error it failed at instead', async () => {
    const wrongType = await invoke(
      defineHandler({
        schema: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } },
        handle: () => 1,
      }),
      createCloudEvent({ id: 'ord-4', source: '/shop', type: 't', data: { total: 'lots' } }),
    );
    expect(wrongType).toHaveFailedAt('schema');
    const down = defineHandler({
      handle() {
        throw new Error('db down');
      },
    });
    const failed = await invoke(down, created('ord-5'));
    expect(failed).toHaveFailedAt('handler');
    expect(() => expect(failed).toHaveFailedAt('schema')).toThrow(
      'expected the event to fail at schema, but it failed at handler (db down)',
    );
    expect(() => expect(failed).not.toHaveFailedAt('handler')).toThrow(
      'expected no event to fail at handler, but it did',
    );
  });
});

describe('toHaveDeadLettered and toHaveRetried', () => {
  const poison = defineHandler({
    name: 'poison',
    retry,
    handle() {
      throw new Error('cannot parse order');
    },
  });

  it('pass on what invoke played with { retries: true }', async () => {
    const result = await invoke(poison, created('ord-6'), { retries: true });
    expect(result).toHaveDeadLettered();
    expect(result).toHaveDeadLettered({ reason: 'retries-exhausted' });
    expect(result).toHaveRetried(2);
    expect(() => expect(result).toHaveDeadLettered({ reason: 'non-retryable' })).toThrow(
      'expected an event to be dead-lettered (non-retryable), but it failed at handler (cannot parse order) after 3 attempts and was dead-lettered (retries-exhausted)',
    );
    expect(() => expect(result).toHaveRetried(1)).toThrow(
      'expected the event to be retried 1 time, but it was retried 2 times (3 attempts: failed, failed, failed)',
    );
  });

  it('say that retries and dead letters need { retries: true }', async () => {
    const once = await invoke(poison, created('ord-7'));
    expect(() => expect(once).toHaveDeadLettered()).toThrow(
      'expected an event to be dead-lettered, but it failed at handler (cannot parse order) (invoke plays retries and dead letters only with { retries: true })',
    );
    expect(() => expect(once).toHaveRetried(2)).toThrow(/retried 0 times .*only with \{ retries: true \}/);
    expect(once).toHaveRetried(0);
    expect(once).not.toHaveDeadLettered();
  });

  it('count a flaky event delivered on its third attempt', async () => {
    let calls = 0;
    const flaky = defineHandler({
      retry,
      handle() {
        if (++calls < 3) throw new Error('timeout');
      },
    });
    const result = await invoke(flaky, events.sqs({ data: { total: 1 } }), { retries: true });
    expect(result).toHaveDelivered();
    expect(result).toHaveRetried(2);
    expect(result).not.toHaveDeadLettered();
  });
});

describe('triggerkit/testing', () => {
  /** The modules a bundle of `entry` imports from node_modules. */
  async function packagesOf(entry: string): Promise<string[]> {
    const { metafile } = await build({
      entryPoints: [new URL(entry, import.meta.url).pathname],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
    });
    return Object.values(metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external).map((i) => i.path),
    );
  }

  it('loads no test framework; the vitest entry does', async () => {
    expect(await packagesOf('./index.ts')).not.toContain('vitest');
    expect(await packagesOf('./vitest.ts')).toContain('vitest');
  });
});
