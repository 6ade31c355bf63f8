/** The emulator's retention: a pass at start and every minute, and redrive of a dead letter it pruned. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { type CloudEvent, createCloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import { NonRetryableError } from '../errors.js';
import { manualClock } from './clock.js';
import { createEmulator, type Emulator } from './emulator.js';
import { acquireStateLock } from './store/lock.js';
import { openStore } from './store/store.js';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const open: Emulator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const emulator of open.splice(0)) await emulator.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const order = (id: string): CloudEvent =>
  createCloudEvent({
    id,
    source: '/shop',
    type: 'com.shop.order.created',
    datacontenttype: 'application/json',
    data: { orderId: id },
  });

function setup(options: { stateDir?: string; now?: number; handle?: (event: CloudEvent) => void } = {}) {
  const clock = manualClock(options.now ?? T0);
  const handler = defineHandler({ name: 'orders', handle: (event) => options.handle?.(event) });
  const emulator = createEmulator({
    functions: [{ name: 'orders', handler }],
    clock,
    stateDir: options.stateDir,
    log: () => {},
    onTrace: () => {},
  });
  open.push(emulator);
  const ids = () => emulator.store.db.prepare('SELECT id FROM events ORDER BY seq').pluck().all();
  return { emulator, clock, ids };
}

it('prunes the state it opens at start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'triggerkit-retention-'));
  dirs.push(dir);
  const store = openStore(dir);
  store.accept(order('old'), T0, []);
  store.accept(order('recent'), T0 + 2 * DAY, []);
  store.close();
  const { ids } = setup({ stateDir: dir, now: T0 + 8 * DAY });
  await vi.waitFor(() => expect(ids()).toEqual(['recent']));
});

it('prunes again every minute of real time, until it is closed', async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const { emulator, clock, ids } = setup();
  emulator.publish(order('a'));
  await emulator.settle();
  clock.advance(8 * DAY);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(ids()).toEqual(['a']);
  vi.advanceTimersByTime(59_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(ids()).toEqual(['a']);
  vi.advanceTimersByTime(1_000);
  await vi.waitFor(() => expect(ids()).toEqual([]));
  expect(vi.getTimerCount()).toBe(1);
  await emulator.close();
  open.length = 0;
  expect(vi.getTimerCount()).toBe(0);
});

it('redrives a dead letter whose event was pruned, as the handler first saw the event', async () => {
  let broken = true;
  const seen: CloudEvent[] = [];
  const { emulator, clock, ids } = setup({
    handle(event) {
      seen.push(event);
      if (broken) throw new NonRetryableError('not yet');
    },
  });
  const event = order('ord-1');
  emulator.publish(event);
  await emulator.settle();
  const [dead] = emulator.store.deadLetters();
  expect(dead?.envelope.dlreason).toBe('non-retryable');

  clock.advance(8 * DAY);
  expect(await emulator.store.prune(clock.now(), {})).toMatchObject({ events: 1 });
  expect(ids()).toEqual([]);
  expect(emulator.store.deadLetters()).toEqual([dead]);

  broken = false;
  expect(emulator.store.redrive([dead?.id as number], clock.now())).toEqual([dead?.id]);
  await emulator.settle();
  expect(seen).toHaveLength(2);
  expect(seen[1]).toEqual(event);
  expect(emulator.store.stories('ord-1')[0]?.deliveries).toEqual([
    { handler: 'orders', status: 'delivered', attempts: 1, nextAt: null },
  ]);
  expect(emulator.store.deadLetters()).toEqual([]);
});

it('refuses a bad retention option before it takes the state folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'triggerkit-retention-'));
  dirs.push(dir);
  expect(() =>
    createEmulator({ functions: [], stateDir: dir, retention: { maxEvents: -1 }, log: () => {} }),
  ).toThrow(/Expected `retention\.maxEvents` to be a whole number, 0 or more .*got -1\./);
  acquireStateLock(dir).release();
});
