/**
 * One live PostgreSQL feed: a function's declared tables, read through its own publication and logical
 * replication slot (`triggerkit_<function>`), delivered as Debezium PostgreSQL change events in commit
 * order. At first start (or when the previous snapshot was cut short) the slot is created with an
 * exported snapshot and the tables are read in it (`op: 'r'`, Debezium's `snapshot.mode=initial`);
 * then the slot streams. A lost connection, or a slot a stopping feed still holds, is retried every
 * second.
 */
import pg from 'pg';
import { type ChangeEnvelope, toEnvelope } from './envelope.js';
import { lsnOf, type SlotPositions } from './positions.js';
import {
  connectionConfig,
  createSlot,
  dropSlot,
  ensurePublication,
  publishedTables,
  qualified,
  slotOf,
} from './server.js';
import { startStream } from './stream.js';
import { toRow } from './values.js';

export interface FeedOptions {
  readonly url: string;
  readonly slot: string;
  /** `schema.table`; none: every table (a publication `FOR ALL TABLES` needs a superuser). */
  readonly tables: readonly string[];
  readonly snapshotMode: 'initial' | 'no_data';
  readonly positions: SlotPositions;
  /** The key of this slot's row in `positions` (server and slot). */
  readonly key: string;
  readonly now: () => number;
  /** Hands one change to the function until it is handled; false when the feed stopped first. */
  deliver(envelope: ChangeEnvelope, stopped: () => boolean): Promise<boolean>;
  log(line: string): void;
}

export interface Feed {
  stop(): Promise<void>;
}

const RETRY_MS = 1_000;

export function startFeed(options: FeedOptions): Feed {
  const { positions, key, slot, url } = options;
  const db = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
  let stopped = false;
  let stream: { stop(): Promise<void> } | undefined;
  let lastProblem = '';
  /** The change being handled: `stop` waits for it, so the store outlives every invocation. */
  let inflight: Promise<boolean> = Promise.resolve(true);
  const deliver = (envelope: ChangeEnvelope) => {
    inflight = options.deliver(envelope, () => stopped);
    return inflight;
  };

  /** Publication, slot and (when needed) the snapshot: afterwards the slot streams from `positions`. */
  async function prepare(): Promise<void> {
    const client = new pg.Client(connectionConfig(url));
    await client.connect();
    try {
      await ensurePublication(client, slot, options.tables);
      const existing = await slotOf(client, slot);
      const state = positions.get(key);
      if (existing !== undefined && state?.snapshotDone) return;
      if (existing !== undefined && options.snapshotMode === 'no_data') {
        positions.reset(key, url, options.now());
        positions.snapshotDone(key, lsnOf(existing.confirmed), options.now());
        return;
      }
      // No slot, or a snapshot cut short (its exported snapshot is gone): a new slot, a new snapshot.
      if (existing !== undefined) await dropSlot(client, slot);
      const created = await createSlot(url, slot);
      positions.reset(key, url, options.now());
      try {
        if (options.snapshotMode === 'initial') {
          if (
            !(await snapshot(created.snapshotName, created.consistentPoint, () => created.replication.end()))
          )
            return;
        }
        positions.snapshotDone(key, lsnOf(created.consistentPoint), options.now());
      } finally {
        await created.replication.end().catch(() => undefined);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * Reads every published table in the slot's exported snapshot and delivers each row as `op: 'r'`.
   * The exported snapshot only lives until the slot's connection runs another command: once imported,
   * `release` closes that connection. False when the feed stopped before the snapshot was delivered.
   */
  async function snapshot(name: string, consistentPoint: string, release: () => Promise<void>) {
    const reader = new pg.Client(connectionConfig(url));
    await reader.connect();
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await reader.query(`SET TRANSACTION SNAPSHOT ${pg.escapeLiteral(name)}`);
      await release();
      const xmin = (
        await reader.query<{ x: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x')
      ).rows[0]?.x;
      const tsMs = Math.floor(options.now());
      const reads = [];
      for (const table of await publishedTables(reader, slot)) {
        const result = await reader.query(`SELECT * FROM ${qualified(table)}`);
        const columns = result.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID }));
        for (const row of result.rows) reads.push({ table, columns, row: row as Record<string, unknown> });
      }
      await reader.query('COMMIT');
      for (const [i, read] of reads.entries()) {
        const dot = read.table.indexOf('.');
        const envelope = toEnvelope(
          'r',
          null,
          toRow(read.row, read.columns),
          {
            name: slot,
            db,
            schema: read.table.slice(0, dot),
            table: read.table.slice(dot + 1),
            tsMs,
            snapshot: i === reads.length - 1 ? 'last' : 'true',
            txId: xmin === undefined ? null : Number(xmin),
            lsn: lsnOf(consistentPoint),
            lastCommitLsn: null,
          },
          options.now(),
        );
        if (!(await deliver(envelope))) return false;
      }
      return true;
    } finally {
      await reader.end().catch(() => undefined);
    }
  }

  async function run(): Promise<void> {
    while (!stopped) {
      try {
        await prepare();
        const from = positions.get(key);
        if (stopped || from === undefined || !from.snapshotDone) continue;
        const current = startStream({
          url,
          slot,
          db,
          from,
          now: options.now,
          deliver,
          handled: (commitLsn, changeLsn) => positions.handled(key, commitLsn, changeLsn, options.now()),
          flushed: (lsn) => positions.flushed(key, lsn, options.now()),
          log: options.log,
        });
        stream = current;
        if (stopped) await current.stop();
        await current.done;
        lastProblem = '';
      } catch (error) {
        const problem = error instanceof Error ? error.message : String(error);
        if (!stopped && problem !== lastProblem)
          options.log(`triggerkit: PostgreSQL feed ${slot}: ${problem}; trying again every second.`);
        lastProblem = problem;
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
    }
  }

  const running = run();
  return {
    async stop() {
      stopped = true;
      await stream?.stop();
      await inflight.catch(() => undefined);
      await running;
    },
  };
}
