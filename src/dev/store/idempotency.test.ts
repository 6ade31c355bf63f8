/** Idempotency in the emulator: its SQLite table, on the manual clock, across a restart. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { createCloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import type { HandlerDefinition } from '../../definition.js';
import type { TraceRecord } from '../../runtime/hooks.js';
import { manualClock } from '../clock.js';
import { createEmulator, type Emulator } from '../emulator.js';
import { eventStory } from './queries.js';
import { openStore } from './store.js';

const T0 = Date.UTC(2026, 0, 1);
const open: Emulator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const order = (id = 'ord-1') =>
  createCloudEvent({ id, source: '/shop', type: 'com.shop.order.created', data: { orderId: 'A-7' } });

function setup(definition: Partial<HandlerDefinition> = {}, stateDir = ':memory:') {
  const clock = manualClock(T0);
  const runs: { at: number; id: string; attempt: number }[] = [];
  const traces: TraceRecord[] = [];
  const handler = defineHandler({
    name: 'orders',
    idempotency: { ttl: '1h' },
    retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '1s' } },
    ...definition,
    handle: (event, ctx) => {
      runs.push({ at: clock.now() - T0, id: event.id, attempt: ctx.attempt });
      return definition.handle?.(event, ctx) ?? { ok: event.id };
    },
  });
  const emulator = createEmulator({
    functions: [{ name: 'orders-fn', handler }],
    clock,
    stateDir,
    log: () => {},
    onTrace: (trace) => traces.push(trace),
  });
  open.push(emulator);
  const idle = () => emulator.runUntilIdle((at) => clock.set(at));
  return { emulator, clock, runs, traces, idle };
}

const deliveries = (emulator: Emulator) =>
  emulator.store.deliveries().map(({ status, attempts }) => ({ status, attempts }));

describe('emulator idempotency', () => {
  it('hands the same event to the handler once; the second is delivered as a duplicate', async () => {
    const { emulator, runs, traces, idle } = setup();
    emulator.publish(order());
    await idle();
    emulator.publish(order());
    await idle();
    expect(runs).toEqual([{ at: 0, id: 'ord-1', attempt: 1 }]);
    expect(deliveries(emulator)).toEqual([
      { status: 'delivered', attempts: 1 },
      { status: 'delivered', attempts: 1 },
    ]);
    expect(
      traces.map((t) => [t.outcome.status, t.outcome.status === 'delivered' && t.outcome.duplicate === true]),
    ).toEqual([
      ['delivered', false],
      ['delivered', true],
    ]);
    expect(traces[1]?.outcome).toMatchObject({ result: { ok: 'ord-1' } });
    // The event's story in the store says so too.
    const attempts = eventStory(emulator.store, 'ord-1')?.traces.filter((t) => t.stage === 'attempt-1');
    expect(attempts?.map((t) => t.detail.duplicate ?? false)).toEqual([false, true]);
  });

  it('runs the event again once the ttl has passed on the emulator clock', async () => {
    const { emulator, clock, runs, idle } = setup();
    emulator.publish(order());
    await idle();
    clock.set(T0 + 3_600_000 - 1);
    emulator.publish(order());
    await idle();
    expect(runs).toHaveLength(1);
    clock.set(T0 + 3_600_000);
    emulator.publish(order());
    await idle();
    expect(runs.map((r) => r.at)).toEqual([0, 3_600_000]);
  });

  it('retries a concurrent duplicate, which then finds the event completed', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { emulator, runs, traces, idle } = setup({ handle: () => gate.then(() => 'done') });
    // Both copies are due at once: the loop runs them side by side.
    emulator.store.transaction(() => {
      emulator.publish(order());
      emulator.publish(order());
    });
    const settled = emulator.settle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await settled;
    await idle();
    expect(runs).toHaveLength(1);
    const failed = traces.find((t) => t.outcome.status === 'failed')?.outcome;
    expect(failed).toMatchObject({ stage: 'idempotency', retryable: true });
    expect(String((failed as { error?: Error } | undefined)?.error?.message)).toContain('being handled');
    expect(deliveries(emulator)).toEqual([
      { status: 'delivered', attempts: 1 },
      { status: 'delivered', attempts: 2 },
    ]);
    expect(traces.at(-1)?.outcome).toMatchObject({ status: 'delivered', duplicate: true, result: 'done' });
  });

  it('gives the claim back when the handler fails, so the retry runs it', async () => {
    let calls = 0;
    const { emulator, runs, idle } = setup({
      handle: () => {
        if (++calls === 1) throw new Error('db down');
      },
    });
    emulator.publish(order());
    await idle();
    expect(runs.map((r) => [r.at, r.attempt])).toEqual([
      [0, 1],
      [1_000, 2],
    ]);
    expect(deliveries(emulator)).toEqual([{ status: 'delivered', attempts: 2 }]);
  });

  it('keys on a JSONPath: two events with the same order id are one', async () => {
    const { emulator, runs, idle } = setup({ idempotency: { key: '$.data.orderId', ttl: '1d' } });
    emulator.publish(order('ord-1'));
    emulator.publish(order('ord-2'));
    await idle();
    expect(runs.map((r) => r.id)).toEqual(['ord-1']);
  });

  it('remembers completions across a restart, and drops claims a dead process left in progress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triggerkit-idempotency-'));
    dirs.push(dir);
    const first = setup({}, dir);
    first.emulator.publish(order('ord-1'));
    await first.idle();
    await first.emulator.close();
    open.splice(open.indexOf(first.emulator), 1);

    // A process killed mid-attempt leaves its claim in progress (and its delivery running).
    const store = openStore(dir);
    const leftover = await store.idempotency.store.claim('orders#["/shop","ord-2"]', T0, 3_600_000);
    expect(leftover.status).toBe('fresh');
    store.close();

    const second = setup({}, dir);
    second.emulator.publish(order('ord-1'));
    second.emulator.publish(order('ord-2'));
    await second.idle();
    expect(second.runs.map((r) => r.id)).toEqual(['ord-2']);
  });

  it('applies to the Invoke API too', async () => {
    const { emulator, runs } = setup();
    const raw = fixture('sqs/cloudevent-body.json');
    await emulator.invoke('orders-fn', raw);
    const again = await emulator.invoke('orders-fn', raw);
    expect(runs).toHaveLength(1);
    expect(again.response).toEqual({ batchItemFailures: [] });
    expect(again.traces[0]?.outcome).toMatchObject({ duplicate: true });
  });
});
