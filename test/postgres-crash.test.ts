/**
 * The live PostgreSQL trigger across a kill -9: `triggerkit dev --postgres` with a state folder is killed
 * in the middle of a multi-row transaction, changes are committed while it is down, and a restart on the
 * same state delivers every change, in commit order, none lost; a change delivered twice keeps its id.
 * Needs Debian's `postgresql` (CI's run script installs it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from './support/postgres.js';
import { CLI, type Running, start } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'triggerkit-pg-crash-'));
const log = join(dir, 'changes.log');
let server: TestPostgres;
let sql: pg.Client;

beforeAll(async () => {
  server = await startPostgres('shop');
  sql = new pg.Client({ connectionString: server.url });
  await sql.connect();
}, 60_000);
afterAll(async () => {
  await sql?.end();
  server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Line = { id: string; op: string; key: number; lsn: number };
const lines = (): Line[] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line)
    : [];

async function until(test: () => boolean, what: string, ms = 30_000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; log:\n${readFileSync(log, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function startDev(): Running {
  return start(
    process.execPath,
    [
      CLI,
      'dev',
      '--no-watch',
      '--port',
      '0',
      '--state-dir',
      join(dir, 'state'),
      '--postgres',
      server.url,
      '--handler',
      'test/fixtures/postgres/recorder.ts',
    ],
    { env: { PG_LOG: log } },
  );
}

it('delivers every change across a kill -9 and a restart, a redelivered one under its id', async () => {
  await sql.query('CREATE TABLE orders (id int PRIMARY KEY, note text)');
  await sql.query("INSERT INTO orders VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  const first = startDev();
  await first.waitFor(/debezium public\.orders \(postgres 127\.0\.0\.1:\d+\/shop\)/);
  await until(() => lines().length === 3, 'the snapshot');
  await sql.query("INSERT INTO orders VALUES (4, 'd')");
  await until(() => lines().some((l) => l.key === 4), 'the insert');
  // One transaction of ten rows; killed while its fourth row is being handled.
  await sql.query("INSERT INTO orders SELECT g, 'bulk' FROM generate_series(100, 109) g");
  await until(() => lines().filter((l) => l.key >= 100).length >= 4, 'part of the transaction');
  process.kill(-(first.child.pid as number), 'SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  // Committed while the emulator is down.
  await sql.query("UPDATE orders SET note = 'b2' WHERE id = 2");
  await sql.query('DELETE FROM orders WHERE id = 3');

  const second = startDev();
  try {
    await until(() => lines().some((l) => l.op === 'd' && l.key === 3), 'the changes made while down');
    await sql.query("INSERT INTO orders VALUES (5, 'e')");
    await until(() => lines().some((l) => l.key === 5), 'a change after the restart');
  } finally {
    await second.stop();
  }

  const all = lines();
  const expected = [
    'r1',
    'r2',
    'r3',
    'c4',
    ...Array.from({ length: 10 }, (_, i) => `c${100 + i}`),
    'u2',
    'd3',
    'c5',
  ];
  // Every change, in commit order (first deliveries), none lost.
  const firsts: string[] = [];
  for (const l of all) if (!firsts.includes(`${l.op}${l.key}`)) firsts.push(`${l.op}${l.key}`);
  expect(firsts).toEqual(expected);
  // A change delivered again (the one the kill cut short) came with the same id.
  const ids = new Map<string, Set<string>>();
  for (const l of all) ids.set(`${l.op}${l.key}`, (ids.get(`${l.op}${l.key}`) ?? new Set()).add(l.id));
  for (const [change, seen] of ids) expect(seen.size, change).toBe(1);
  // Nothing handled before the kill was handled again, but the change cut short.
  expect(all.length - expected.length).toBeLessThanOrEqual(1);
}, 120_000);
