/**
 * The emulator when its SQLite store cannot be written — another connection holds the write lock, or
 * the disk is full: requests answer 503 at once (no 5 s stall), deliveries are put back, and nothing
 * acknowledged is lost once the store recovers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { defineHandler } from '../define-handler.js';
import { manualClock } from './clock.js';
import { createEmulator, type Emulator } from './emulator.js';

const dirs: string[] = [];
const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const post = (url: string, id: string) =>
  fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({ specversion: '1.0', id, source: '/test', type: 'test.event', data: {} }),
  });

function setup(handle: () => void) {
  const dir = mkdtempSync(join(tmpdir(), 'triggerkit-store-failure-'));
  dirs.push(dir);
  const clock = manualClock();
  const logged: string[] = [];
  const handler = defineHandler({ name: 'h', handle });
  const emulator = createEmulator({
    functions: [{ name: 'fn', handler }],
    stateDir: dir,
    clock,
    log: (line) => logged.push(line),
    onTrace: () => {},
  });
  open.push(emulator);
  const other = new Database(join(dir, 'state.db'));
  return { emulator, other, logged, clock };
}

const statuses = (emulator: Emulator) =>
  emulator.store.db.prepare('SELECT status FROM deliveries ORDER BY id').pluck().all();

it('answers 503 while another connection holds the write lock, and accepts again once it is released', async () => {
  const { emulator, other } = setup(() => {});
  const url = await emulator.listen(0);
  other.exec('BEGIN IMMEDIATE');
  const refused = await post(url, 'locked-1');
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(await refused.json()).toMatchObject({ error: 'E_STORE_UNAVAILABLE' });
  expect((await fetch(`${url}/`)).status).toBe(200);
  other.exec('ROLLBACK');
  expect((await post(url, 'after-1')).status).toBe(202);
  await emulator.settle();
  expect(statuses(emulator)).toEqual(['delivered']);
});

it('puts back a delivery it could not record, and delivers it once the store takes writes again', async () => {
  let lockNow = true;
  let calls = 0;
  const { emulator, other, logged, clock } = setup(() => {
    calls++;
    // The handler's work is done, then the store is locked before the emulator records it.
    if (lockNow) other.exec('BEGIN IMMEDIATE');
    lockNow = false;
  });
  emulator.publish({ specversion: '1.0', id: 'e-1', source: '/test', type: 'test.event' } as never);
  await emulator.settle();
  expect(logged.join('\n')).toMatch(
    /could not record the end of delivery \d+ \(event e-1\).*trying again every second/,
  );
  expect(statuses(emulator)).toEqual(['running']);
  other.exec('ROLLBACK');
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  await emulator.runUntilIdle((at) => clock.set(at));
  expect(statuses(emulator)).toEqual(['delivered']);
  expect(calls).toBe(2); // at least once: the attempt whose end was not recorded ran again
});
