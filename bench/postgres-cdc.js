#!/usr/bin/env node
/**
 * Changes per second from PostgreSQL to a no-op handler through the emulator's live PostgreSQL trigger
 * (pgoutput slot → Debezium change event → Lambda path → handler), against dist/ (`npm run prepare`).
 * Needs a server with `wal_level=logical`:
 *
 *   TRIGGERKIT_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench node bench/postgres-cdc.js [rows]
 *
 * Measures (1) the initial snapshot of `rows` rows (`op: 'r'`) and (2) `rows` inserts committed in
 * transactions of 100 rows, each from the first change seen to the last one handled. Tables and the
 * slot are dropped afterwards. Not part of `npm run bench`, which must run where PostgreSQL is absent.
 */
import pg from 'pg';
import { createEmulator } from '../dist/dev/emulator.js';
import { defineHandler } from '../dist/index.js';

const url = process.env.TRIGGERKIT_POSTGRES_URL;
const rows = Number(process.argv[2] ?? 5000);
if (!url || !(rows > 0)) {
  console.error('usage: TRIGGERKIT_POSTGRES_URL=postgres://… node bench/postgres-cdc.js [rows]');
  process.exit(2);
}

const sql = new pg.Client({ connectionString: url });
await sql.connect();
await sql.query('DROP TABLE IF EXISTS bench_orders');
await sql.query(
  'CREATE TABLE bench_orders (id int PRIMARY KEY, total numeric(10,2), note text, at timestamptz)',
);
await sql.query(
  "INSERT INTO bench_orders SELECT g, g * 1.5, 'order ' || g, now() FROM generate_series(1, $1) g",
  [rows],
);

let seen = 0;
let first = 0;
let last = 0;
const handler = defineHandler({
  name: 'bench-cdc',
  sources: [{ type: 'debezium', table: 'public.bench_orders' }],
  handle: async () => {
    if (seen++ === 0) first = performance.now();
    last = performance.now();
  },
});
const emulator = createEmulator({
  functions: [{ name: 'bench-cdc', handler }],
  onTrace: () => {},
  log: () => {},
  postgres: url,
});

async function waitFor(count) {
  const deadline = Date.now() + 600_000;
  while (seen < count) {
    if (Date.now() > deadline) throw new Error(`only ${seen} of ${count} changes arrived`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const rate = (n) => Math.round(n / ((last - first) / 1000));
await waitFor(rows);
const snapshot = rate(rows);
seen = 0;
for (let at = 0; at < rows; at += 100)
  await sql.query(
    "INSERT INTO bench_orders SELECT g, g * 1.5, 'order ' || g, now() FROM generate_series($1::int, $2::int) g",
    [rows + at + 1, rows + Math.min(at + 100, rows)],
  );
await waitFor(rows);
const stream = rate(rows);
await emulator.close();
await sql.query("SELECT pg_drop_replication_slot('triggerkit_bench_cdc')");
await sql.query('DROP PUBLICATION IF EXISTS triggerkit_bench_cdc');
await sql.query('DROP TABLE bench_orders');
await sql.end();
console.log(
  `PostgreSQL → no-op handler, ${rows} rows: snapshot ${snapshot} changes/s, streamed inserts ${stream} changes/s`,
);
