/**
 * The live PostgreSQL trigger against a real server (Debian's `postgresql`, started per suite by
 * test/support/postgres.ts): a snapshot, then inserts, updates and deletes as Debezium change events in
 * commit order, REPLICA IDENTITY FULL, a failing handler that holds the slot, a slot left behind.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/support/postgres.js';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import type { HandlerDefinition } from '../../definition.js';
import { createEmulator, type Emulator } from '../emulator.js';
import { slotName } from './postgres.js';

let server: TestPostgres;
let sql: pg.Client;
let emulator: Emulator | undefined;
const lines: string[] = [];

beforeAll(async () => {
  server = await startPostgres('shop');
  sql = new pg.Client({ connectionString: server.url });
  await sql.connect();
}, 60_000);
afterAll(async () => {
  await sql?.end();
  server?.stop();
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  lines.length = 0;
});

async function until(test: () => boolean, what: string, ms = 15_000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; log:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

type Seen = CloudEvent<Change> & { readonly data: Change };
type Change = { op: string; before: unknown; after: unknown; source: Record<string, unknown> };

function start(
  name: string,
  definition: Partial<HandlerDefinition> & { sources: HandlerDefinition['sources'] },
) {
  const seen: Seen[] = [];
  const handler = defineHandler({
    name,
    ...definition,
    handle: async (event: CloudEvent) => {
      seen.push(event as Seen);
      await definition.handle?.(event as Seen, undefined as never);
    },
  } as HandlerDefinition);
  emulator = createEmulator({
    functions: [{ name, handler }],
    log: (line) => lines.push(line),
    onTrace: () => {},
    postgres: server.url,
  });
  return seen;
}

describe('live PostgreSQL trigger (Debezium change events over pgoutput)', () => {
  it('delivers a snapshot, then inserts, updates and deletes in commit order', async () => {
    await sql.query(`CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2), note text, paid bool,
      big bigint, at timestamptz, local timestamp, doc jsonb, ref uuid, tags text[])`);
    await sql.query(`INSERT INTO orders VALUES
      (1, 10.50, 'a', true, 9007199254740993, '2026-03-01 10:00:00.123456+00', '2026-03-01 10:00:00.5', '{"k": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{x,"y z"}'),
      (2, 20, 'b', false, 2, null, null, null, null, null), (3, 30, 'c', null, 3, null, null, null, null, null)`);
    const seen = start('orders', { sources: [{ type: 'debezium', table: 'public.orders' }] });
    expect(emulator?.listensTo('orders')).toContain(
      `debezium public.orders (postgres 127.0.0.1:${server.port}/shop)`,
    );
    await until(() => seen.length === 3, 'the snapshot');
    await sql.query(`INSERT INTO orders (id, total, note) VALUES (4, 40, 'd')`);
    await sql.query(`UPDATE orders SET note = 'b2' WHERE id = 2`);
    await sql.query('DELETE FROM orders WHERE id = 3');
    await until(() => seen.length === 6, 'the changes');
    expect(seen.map((e) => e.data.op)).toEqual(['r', 'r', 'r', 'c', 'u', 'd']);
    const [first, , , insert, update, remove] = seen.map((e) => e.data);
    expect(first?.after).toEqual({
      id: 1,
      total: '10.50',
      note: 'a',
      paid: true,
      big: '9007199254740993',
      at: '2026-03-01T10:00:00.123456Z',
      local: Date.UTC(2026, 2, 1, 10, 0, 0, 500) * 1000,
      doc: '{"k": 1}',
      ref: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      tags: ['x', 'y z'],
    });
    expect(first?.source).toMatchObject({ connector: 'postgresql', snapshot: 'true', db: 'shop' });
    expect(seen[2]?.data.source.snapshot).toBe('last');
    expect(insert).toMatchObject({ before: null, after: { id: 4, total: '40.00', note: 'd', paid: null } });
    // REPLICA IDENTITY DEFAULT: an update that keeps the key has no before image, a delete only the key.
    expect(update).toMatchObject({ before: null, after: { id: 2, note: 'b2' } });
    expect(remove).toMatchObject({ before: { id: 3 }, after: null });
    expect(remove?.source).toMatchObject({
      connector: 'postgresql',
      name: slotName('orders'),
      snapshot: 'false',
      db: 'shop',
      schema: 'public',
      table: 'orders',
      xmin: null,
    });
    expect(typeof remove?.source.lsn).toBe('number');
    expect(typeof remove?.source.txId).toBe('number');
    // Commit order: each change's LSN is past the one before.
    const lsns = seen.slice(3).map((e) => e.data.source.lsn as number);
    expect([...lsns].sort((a, b) => a - b)).toEqual(lsns);
    expect(seen[5]?.type).toBe('io.debezium.postgresql.datachangeevent');
    expect(seen[5]?.subject).toBe('shop.public.orders');
  }, 60_000);

  it('sends whole before images for a table with REPLICA IDENTITY FULL', async () => {
    await sql.query('CREATE TABLE items (sku text PRIMARY KEY, qty int, note text)');
    await sql.query('ALTER TABLE items REPLICA IDENTITY FULL');
    const seen = start('items', {
      sources: [{ type: 'debezium', table: 'public.items', snapshotMode: 'no_data' }],
    });
    // no_data: no snapshot; changes count from when the slot exists.
    const slot = async () =>
      (await sql.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slotName('items')]))
        .rowCount;
    for (let i = 0; i < 300 && !(await slot()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await sql.query("INSERT INTO items VALUES ('A', 1, 'x')");
    await sql.query("UPDATE items SET qty = 2 WHERE sku = 'A'");
    await sql.query("DELETE FROM items WHERE sku = 'A'");
    await until(() => seen.length === 3, 'the changes');
    expect(seen.map((e) => e.data.op)).toEqual(['c', 'u', 'd']);
    expect(seen[1]?.data).toMatchObject({
      before: { sku: 'A', qty: 1, note: 'x' },
      after: { sku: 'A', qty: 2 },
    });
    expect(seen[2]?.data).toMatchObject({ before: { sku: 'A', qty: 2, note: 'x' }, after: null });
  }, 60_000);

  it('holds the slot on a failing change (onError: block) and delivers what follows only after it', async () => {
    await sql.query('CREATE TABLE payments (id int PRIMARY KEY)');
    let failures = 2;
    const seen = start('payments', {
      sources: [{ type: 'debezium', table: 'public.payments' }],
      retry: { maxAttempts: 1 },
      handle: async (event: CloudEvent) => {
        if (
          (event.data as Change).after &&
          ((event.data as Change).after as { id: number }).id === 1 &&
          failures-- > 0
        )
          throw new Error('payment service down');
      },
    });
    const slot = async () =>
      (await sql.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slotName('payments')]))
        .rowCount;
    for (let i = 0; i < 300 && !(await slot()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await sql.query('INSERT INTO payments VALUES (1)');
    await sql.query('INSERT INTO payments VALUES (2)');
    await until(
      () => seen.filter((e) => e.data.op === 'c').length >= 4,
      'the retries and the next change',
      20_000,
    );
    const ids = seen.map((e) => (e.data.after as { id: number }).id);
    // Change 1 three times (two failures), then change 2: nothing overtook it.
    expect(ids).toEqual([1, 1, 1, 2]);
    expect(new Set(seen.slice(0, 3).map((e) => e.id)).size).toBe(1);
    expect(lines.some((l) => l.includes('payment service down') && l.includes("onError: 'block'"))).toBe(
      true,
    );
  }, 60_000);

  it('reports a slot no function reads, with the SQL that drops it', async () => {
    await sql.query("SELECT pg_create_logical_replication_slot('triggerkit_removed_fn', 'pgoutput')");
    await sql.query('CREATE TABLE notes (id int PRIMARY KEY)');
    start('notes', { sources: [{ type: 'debezium', table: 'public.notes' }] });
    await until(() => lines.some((l) => l.includes('triggerkit_removed_fn')), 'the report');
    expect(lines.find((l) => l.includes('triggerkit_removed_fn'))).toContain(
      "SELECT pg_drop_replication_slot('triggerkit_removed_fn');",
    );
    expect(lines.some((l) => l.includes("pg_drop_replication_slot('triggerkit_notes')"))).toBe(false);
  }, 60_000);

  it('refuses a table that names no schema when the handler is defined', () => {
    expect(() =>
      defineHandler({ sources: [{ type: 'debezium', table: 'orders' }], handle: async () => {} }),
    ).toThrow(/table must name a schema and a table, such as 'public.orders'; got "orders"/);
  });
});
