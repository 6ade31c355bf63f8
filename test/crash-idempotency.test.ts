/**
 * `triggerkit dev` killed with SIGKILL while it delivers a batch to a handler that declares idempotency
 * (the order-created example): in the state file, an event is delivered exactly when its idempotency
 * record is completed. After a restart the rest are delivered, and sending the batch again runs nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { post, type Running, startCli } from './support/processes.js';

const stateDir = mkdtempSync(join(tmpdir(), 'triggerkit-crash-'));
const running: Running[] = [];
afterAll(async () => {
  for (const dev of running) await dev.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const COUNT = 300;
const batch = JSON.stringify(
  Array.from({ length: COUNT }, (_, i) => ({
    specversion: '1.0',
    id: `k-${i}`,
    source: '/crash',
    type: 'com.example.order.created',
    data: { total: 120 },
  })),
);

async function startDev(): Promise<{ dev: Running; url: string }> {
  const dev = startCli(['dev', '--port', '0', '--no-watch', '--state-dir', stateDir]);
  running.push(dev);
  const url = (await dev.waitFor(/listening on (http:\/\/[\d.:]+)/))[1] as string;
  await dev.waitFor(/takes CloudEvents; traces follow/);
  return { dev, url };
}

const sendBatch = (url: string) =>
  post(`${url}/events`, batch, { 'content-type': 'application/cloudevents-batch+json' });

/** The ids delivered to orderCreated, and the ids whose idempotency record is completed. */
function state() {
  const db = new Database(join(stateDir, 'state.db'), { readonly: true });
  try {
    const delivered = db
      .prepare(
        `SELECT e.id FROM deliveries d JOIN events e ON e.seq = d.event_seq
         WHERE d.handler = 'orderCreated' AND d.status = 'delivered' ORDER BY e.id`,
      )
      .all()
      .map((row) => (row as { id: string }).id);
    const completed = db
      .prepare(`SELECT key FROM idempotency WHERE status = 'completed' ORDER BY key`)
      .all()
      .map((row) => JSON.parse((row as { key: string }).key.replace(/^order-created#/, ''))[1] as string);
    const pending = db
      .prepare(`SELECT count(*) AS n FROM deliveries WHERE status IN ('pending', 'running')`)
      .get() as { n: number };
    return { delivered, completed: completed.sort(), pending: pending.n };
  } finally {
    db.close();
  }
}

describe('a SIGKILL during deliveries', () => {
  it('leaves every event delivered and completed, or neither; a restart finishes the rest', async () => {
    const first = await startDev();
    expect((await sendBatch(first.url)).status).toBe(202);
    await first.dev.waitFor(/trace k-\d+ com\.example\.order\.created → order-created delivered/);
    process.kill(first.dev.child.pid as number, 'SIGKILL');
    await new Promise((resolve) => first.dev.child.once('exit', resolve));

    const killed = state();
    expect(killed.completed).toEqual(killed.delivered);

    const second = await startDev();
    for (let i = 0; i < 400 && state().pending > 0; i++) await new Promise((r) => setTimeout(r, 25));
    const after = state();
    expect(after.pending).toBe(0);
    expect(after.delivered).toHaveLength(COUNT);
    expect(after.completed).toEqual(after.delivered);

    // Every event completed: sending them all again hands none of them to the handler.
    // Let the restart's own trace lines (the events it finished) reach us before counting the new ones.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = second.dev.output().length;
    expect((await sendBatch(second.url)).status).toBe(202);
    await second.dev.waitFor(new RegExp(`trace k-${COUNT - 1} [^\\n]*duplicate`));
    for (let i = 0; i < 400 && state().pending > 0; i++) await new Promise((r) => setTimeout(r, 25));
    const lines = second.dev
      .output()
      .slice(before)
      .split('\n')
      .filter((l) => l.startsWith('trace k-'));
    expect(lines).toHaveLength(COUNT);
    expect(lines.every((l) => l.includes('(duplicate:'))).toBe(true);
    // Two starts of `triggerkit dev` build every example of serverless.yml: room for a busy machine.
  }, 60_000);
});
