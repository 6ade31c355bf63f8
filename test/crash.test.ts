/**
 * Issue 6 acceptance: 1,000 events sent to `triggerkit dev`, the emulator killed with SIGKILL while
 * deliveries and retries are in flight, then restarted on the same state directory. Every acknowledged
 * event must end delivered or dead-lettered as the retry policy says, none lost, and no delivery whose
 * outcome was committed before the kill may run again. A delivery cut short by the kill (handler ran,
 * outcome not committed) may run twice: the emulator is at least once, not exactly once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { CLI, type Running, start } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'triggerkit-crash-'));
const stateDir = join(dir, 'state');
const TOTAL = 1000;
const KILL_AFTER = 500;
const CONCURRENCY = 16;
const ids = Array.from({ length: TOTAL }, (_, i) => `crash-${String(i).padStart(4, '0')}`);
const HANDLERS = ['test/fixtures/crash/recorder.ts', 'test/fixtures/crash/flaky.ts'].join(',');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI over the two fixture handlers, writing its side-effect logs under `run`. */
async function startEmulator(run: string): Promise<{ dev: Running; url: string }> {
  const dev = start(
    process.execPath,
    [
      CLI,
      'dev',
      '--no-watch',
      '--port',
      '0',
      '--state-dir',
      stateDir,
      '--time-scale',
      '20',
      '--handler',
      HANDLERS,
    ],
    {
      env: {
        CRASH_LOG: join(dir, `recorder-${run}.log`),
        CRASH_FLAKY_LOG: join(dir, `flaky-${run}.log`),
      },
    },
  );
  const url = (await dev.waitFor(/listening on (http:\/\/[\d.:]+)/, 30_000))[1] as string;
  return { dev, url };
}

/** POSTs one binary-mode CloudEvent; true when the emulator answered 2xx. */
async function send(url: string, id: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/events`, {
      method: 'POST',
      headers: {
        'ce-specversion': '1.0',
        'ce-id': id,
        'ce-source': '/crash-test',
        'ce-type': 'com.example.crash',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ n: Number(id.slice(-4)) }),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** `<handler> <event id>` for every delivery in one of these states. */
function deliveriesIn(db: Database.Database, statuses: string[]): Set<string> {
  const rows = db
    .prepare(
      `SELECT d.handler, e.id FROM deliveries d JOIN events e ON e.seq = d.event_seq
       WHERE d.status IN (${statuses.map(() => '?').join(', ')})`,
    )
    .all(...statuses) as { handler: string; id: string }[];
  return new Set(rows.map((r) => `${r.handler} ${r.id}`));
}

/** The `<event id> <attempt>` lines a handler appended, as a count per id. */
function logged(file: string): Map<string, number[]> {
  const attempts = new Map<string, number[]>();
  if (!existsSync(file)) return attempts;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const [id = '', attempt = ''] = line.split(' ');
    attempts.set(id, [...(attempts.get(id) ?? []), Number(attempt)]);
  }
  return attempts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('loses no acknowledged event and redelivers no completed one across a kill -9 and a restart', async () => {
  // ── run 1: once half the events are acknowledged and a retry waits while attempts run: SIGKILL ──
  const first = await startEmulator('1');
  const acked = new Set<string>();
  const unsent: string[] = [];
  let killed = false;
  let sendingDone = false;
  const exited = new Promise<void>((resolve) => first.dev.child.once('exit', () => resolve()));
  let inFlightAtKill = { pending: 0, running: 0, retrying: 0 };
  const watcher = (async () => {
    while (acked.size < KILL_AFTER && !sendingDone) await sleep(5);
    // The store is read by a second connection while the emulator writes it (WAL allows this).
    const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
    try {
      while (!sendingDone) {
        const row = db
          .prepare(
            `SELECT sum(status = 'pending') AS pending, sum(status = 'running') AS running,
                    sum(status = 'pending' AND attempts > 0) AS retrying FROM deliveries`,
          )
          .get() as { pending: number; running: number; retrying: number };
        if (row.retrying > 0 && row.pending > 0 && row.running > 0) {
          process.kill(-(first.dev.child.pid as number), 'SIGKILL');
          killed = true;
          inFlightAtKill = row;
          return;
        }
        await sleep(2);
      }
    } finally {
      db.close();
    }
  })();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        if (killed) {
          unsent.push(id);
          continue;
        }
        if (await send(first.url, id)) acked.add(id);
      }
    }),
  );
  sendingDone = true;
  await watcher;
  if (!killed) await first.dev.stop();
  await exited;
  expect(killed, 'every event was sent before a retry and a running attempt were in flight together').toBe(
    true,
  );
  expect(first.dev.child.signalCode).toBe('SIGKILL');

  // What the store had committed when the process died.
  const before = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
  const completedBeforeKill = deliveriesIn(before, ['delivered', 'dead-lettered']);
  before.close();
  expect(inFlightAtKill.pending).toBeGreaterThan(0);
  expect(inFlightAtKill.running).toBeGreaterThan(0);
  expect(completedBeforeKill.size).toBeGreaterThan(0);

  // ── run 2: restart on the same state dir, send what was never sent, wait until nothing is pending ──
  const second = await startEmulator('2');
  try {
    for (let i = 0; i < unsent.length; i += CONCURRENCY) {
      const batch = unsent.slice(i, i + CONCURRENCY);
      const answers = await Promise.all(batch.map((id) => send(second.url, id)));
      answers.forEach((ok, k) => {
        expect(ok, `event ${batch[k]} after the restart`).toBe(true);
        acked.add(batch[k] as string);
      });
    }
    const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
    try {
      const open = db.prepare(`SELECT count(*) AS n FROM deliveries WHERE status IN ('pending', 'running')`);
      let waited = 0;
      while ((open.get() as { n: number }).n > 0) {
        if (waited > 30_000) throw new Error(`deliveries still pending after 30 s:\n${second.dev.output()}`);
        await sleep(50);
        waited += 50;
      }

      const stored = new Set(
        (db.prepare('SELECT id FROM events').all() as { id: string }[]).map((r) => r.id),
      );
      const delivered = deliveriesIn(db, ['delivered']);
      const deadLettered = deliveriesIn(db, ['dead-lettered']);
      const attempts = new Map(
        (
          db
            .prepare(
              `SELECT d.handler, e.id, d.attempts FROM deliveries d JOIN events e ON e.seq = d.event_seq`,
            )
            .all() as { handler: string; id: string; attempts: number }[]
        ).map((r) => [`${r.handler} ${r.id}`, r.attempts]),
      );
      // Every stored event appears once (no id was sent twice), with one delivery per handler.
      expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: stored.size });
      expect(attempts.size).toBe(stored.size * 2);

      const dead = (await (await fetch(`${second.url}/dead-letters`)).json()) as {
        handler: string;
        envelope: Record<string, unknown>;
      }[];
      const deadById = new Map(dead.map((d) => [d.envelope.id as string, d]));
      const recorder1 = logged(join(dir, 'recorder-1.log'));
      const recorder2 = logged(join(dir, 'recorder-2.log'));
      const flaky1 = logged(join(dir, 'flaky-1.log'));
      const flaky2 = logged(join(dir, 'flaky-2.log'));

      // None lost: every acknowledged event is stored and ends as the policy says, for both handlers.
      for (const id of acked) {
        expect(stored.has(id), `acknowledged ${id} is stored`).toBe(true);
        expect(delivered.has(`recorder ${id}`), `recorder delivered ${id}`).toBe(true);
        expect(recorder1.has(id) || recorder2.has(id), `recorder ran for ${id}`).toBe(true);
        const ran = [...(flaky1.get(id) ?? []), ...(flaky2.get(id) ?? [])];
        if (id.endsWith('7')) {
          expect(deadLettered.has(`flaky ${id}`), `flaky dead-lettered ${id}`).toBe(true);
          expect(deadById.get(id)).toMatchObject({
            handler: 'flaky',
            envelope: {
              id,
              dlreason: 'retries-exhausted',
              dlattempts: 3,
              dlhandler: 'flaky',
              dlerror: `order ${id} is poison`,
            },
          });
          expect(ran).toContain(3);
        } else {
          expect(delivered.has(`flaky ${id}`), `flaky delivered ${id}`).toBe(true);
          expect(deadById.has(id), `no dead letter for ${id}`).toBe(false);
          const expected = id.endsWith('3') ? 2 : 1;
          expect(attempts.get(`flaky ${id}`), `flaky attempts for ${id}`).toBe(expected);
          expect(ran).toContain(expected);
        }
      }
      // Events stored without an answer (the kill cut their request) are not lost either.
      expect(stored.size).toBeGreaterThanOrEqual(acked.size);
      for (const key of attempts.keys())
        expect(delivered.has(key) || deadLettered.has(key), `${key} ended`).toBe(true);
      // Dead letters only where the policy says: the flaky handler, ids ending in 7, once each.
      expect(dead.every((d) => d.handler === 'flaky' && String(d.envelope.id).endsWith('7'))).toBe(true);
      expect(deadById.size).toBe(dead.length);

      // No completed delivery ran again after the restart.
      for (const key of completedBeforeKill) {
        const [handler, id = ''] = key.split(' ');
        const again = handler === 'recorder' ? recorder2.get(id) : flaky2.get(id);
        expect(again, `${key} completed before the kill and ran again`).toBeUndefined();
      }
      // The restart had work to finish: deliveries that were pending or cut short ran in run 2.
      expect(recorder2.size + flaky2.size).toBeGreaterThan(0);
      // At least once: a delivery whose handler ran before the kill but whose outcome was not committed
      // runs again. Counted for the log line, not asserted: the kill may land on none.
      const ranTwice = [...acked].filter(
        (id) =>
          (recorder1.has(id) && recorder2.has(id)) ||
          (flaky1.get(id) ?? []).some((a) => flaky2.get(id)?.includes(a)),
      ).length;
      console.log(
        `crash test: ${acked.size} acknowledged (${unsent.length} after the restart), ${stored.size} stored; ` +
          `at the kill ${inFlightAtKill.pending} deliveries pending (${inFlightAtKill.retrying} retries), ` +
          `${inFlightAtKill.running} running, ${completedBeforeKill.size} completed; ${dead.length} dead letters; ` +
          `${ranTwice} events had an attempt cut short by the kill and run again`,
      );
    } finally {
      db.close();
    }
  } finally {
    await second.dev.stop();
  }
}, 90_000);
