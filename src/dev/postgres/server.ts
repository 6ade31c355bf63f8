/**
 * The PostgreSQL side of a feed: connections (text values, UTC), the publication a slot reads, the slot
 * itself with its exported snapshot, and the slots of ours that no function uses any more.
 */
import pg from 'pg';

/** Every value as PostgreSQL's text (values.ts converts them), timestamps in UTC, ISO dates. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };
const SESSION = '-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=3';

/** Connection settings for `url` (`postgres://user:pass@host:port/db`). */
export function connectionConfig(url: string): pg.ClientConfig {
  return { connectionString: url, options: SESSION, types: TEXT_TYPES as pg.CustomTypesConfig };
}

/** `localhost:5432/shop`: what the banner names the server by (never the password). */
export function serverLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || '/'}`;
  } catch {
    return 'an unreadable --postgres URL';
  }
}

/** `public.orders` → `"public"."orders"`. */
export const qualified = (table: string) => {
  const dot = table.indexOf('.');
  return `${pg.escapeIdentifier(table.slice(0, dot))}.${pg.escapeIdentifier(table.slice(dot + 1))}`;
};

/**
 * The publication the slot reads: the declared tables (every table when none is declared), inserts,
 * updates and deletes — truncates are left out, as Debezium skips them by default (`skipped.operations=t`).
 */
export async function ensurePublication(client: pg.Client, name: string, tables: readonly string[]) {
  const exists = (await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name])).rowCount;
  const target = tables.length === 0 ? 'ALL TABLES' : `TABLE ${tables.map(qualified).join(', ')}`;
  const id = pg.escapeIdentifier(name);
  if (!exists) {
    await client.query(`CREATE PUBLICATION ${id} FOR ${target} WITH (publish = 'insert, update, delete')`);
  } else if (tables.length > 0) {
    await client.query(`ALTER PUBLICATION ${id} SET ${target}`);
  }
}

/** The tables a publication covers, as `schema.table`. */
export async function publishedTables(client: pg.Client, name: string): Promise<string[]> {
  const { rows } = await client.query<{ schemaname: string; tablename: string }>(
    'SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2',
    [name],
  );
  return rows.map((r) => `${r.schemaname}.${r.tablename}`);
}

/** The slot's confirmed flush LSN, or undefined when there is no such slot in this database. */
export async function slotOf(client: pg.Client, slot: string): Promise<{ confirmed: string } | undefined> {
  const { rows } = await client.query<{ confirmed: string }>(
    'SELECT confirmed_flush_lsn::text AS confirmed FROM pg_replication_slots WHERE slot_name = $1 AND database = current_database()',
    [slot],
  );
  return rows[0];
}

export interface CreatedSlot {
  /** The replication connection that created it: its exported snapshot lives until it runs another command. */
  readonly replication: pg.Client;
  readonly consistentPoint: string;
  readonly snapshotName: string;
}

/**
 * Creates a logical slot for `pgoutput` and exports its snapshot: what a transaction sees after `SET
 * TRANSACTION SNAPSHOT` is exactly the database at the slot's consistent point, so the snapshot and the
 * changes streamed after it neither overlap nor leave a gap (what Debezium does).
 * @see https://www.postgresql.org/docs/current/protocol-replication.html
 */
export async function createSlot(url: string, slot: string): Promise<CreatedSlot> {
  const replication = new pg.Client({ ...connectionConfig(url), replication: 'database' } as pg.ClientConfig);
  await replication.connect();
  try {
    const { rows } = await replication.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT ${pg.escapeIdentifier(slot)} LOGICAL pgoutput EXPORT_SNAPSHOT`,
    );
    const row = rows[0] as { consistent_point: string; snapshot_name: string };
    return { replication, consistentPoint: row.consistent_point, snapshotName: row.snapshot_name };
  } catch (error) {
    await replication.end();
    throw error;
  }
}

/** Drops a slot of ours (to take a new snapshot); waits for a feed of a previous run to let go of it. */
export async function dropSlot(client: pg.Client, slot: string): Promise<void> {
  await client.query(
    'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
  );
}

/** Slots named `triggerkit_…` in this database that no feed here reads: they keep WAL until dropped. */
export async function strayedSlots(client: pg.Client, used: ReadonlySet<string>): Promise<string[]> {
  const { rows } = await client.query<{ slot_name: string }>(
    "SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'triggerkit\\_%' AND database = current_database() ORDER BY 1",
  );
  return rows.map((r) => r.slot_name).filter((name) => !used.has(name));
}
