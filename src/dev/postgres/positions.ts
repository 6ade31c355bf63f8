/**
 * Where each replication slot stands, in the emulator's SQLite file beside its other state: whether the
 * slot's initial snapshot was delivered whole, the last change handled (its transaction's commit LSN and
 * its own LSN, so a transaction PostgreSQL sends again after a crash resumes after it) and the LSN
 * confirmed to PostgreSQL. Written after a change is handled, before PostgreSQL hears of it.
 */
import type Database from 'better-sqlite3';

/** A WAL position as PostgreSQL writes it (`16/B374D848`, zero-padded or not) → a number to compare. */
export function lsnOf(text: string | null | undefined): bigint {
  if (!text) return 0n;
  const [high = '0', low = '0'] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

/** A WAL position as PostgreSQL writes it: `16/B374D848`. */
export function lsnText(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export interface SlotPosition {
  readonly slot: string;
  /** The snapshot was delivered whole (or none was asked for): streaming starts from the slot. */
  readonly snapshotDone: boolean;
  /** Commit LSN of the transaction of the last change handled, and that change's LSN. */
  readonly commitLsn: bigint;
  readonly changeLsn: bigint;
  /** The end of the last transaction handled whole: what PostgreSQL is told is flushed. */
  readonly flushedLsn: bigint;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pg_slots (
  slot TEXT PRIMARY KEY, server TEXT NOT NULL, snapshot_done INTEGER NOT NULL DEFAULT 0,
  commit_lsn TEXT NOT NULL DEFAULT '0/0', change_lsn TEXT NOT NULL DEFAULT '0/0',
  flushed_lsn TEXT NOT NULL DEFAULT '0/0', updated_at INTEGER NOT NULL);
`;

type Row = {
  slot: string;
  snapshot_done: number;
  commit_lsn: string;
  change_lsn: string;
  flushed_lsn: string;
};

export type SlotPositions = ReturnType<typeof openSlotPositions>;

/** The positions table, created if missing. */
export function openSlotPositions(db: Database.Database) {
  db.exec(SCHEMA);
  const select = db.prepare<[string], Row>('SELECT * FROM pg_slots WHERE slot = ?');
  const reset = db.prepare(
    `INSERT INTO pg_slots (slot, server, snapshot_done, updated_at) VALUES (?, ?, 0, ?)
     ON CONFLICT (slot) DO UPDATE SET server = excluded.server, snapshot_done = 0, commit_lsn = '0/0',
       change_lsn = '0/0', flushed_lsn = '0/0', updated_at = excluded.updated_at`,
  );
  const snapshotDone = db.prepare(
    'UPDATE pg_slots SET snapshot_done = 1, flushed_lsn = ?, commit_lsn = ?, updated_at = ? WHERE slot = ?',
  );
  const handled = db.prepare(
    'UPDATE pg_slots SET commit_lsn = ?, change_lsn = ?, updated_at = ? WHERE slot = ?',
  );
  const flushed = db.prepare('UPDATE pg_slots SET flushed_lsn = ?, updated_at = ? WHERE slot = ?');
  return {
    get(slot: string): SlotPosition | undefined {
      const row = select.get(slot);
      return (
        row && {
          slot,
          snapshotDone: row.snapshot_done === 1,
          commitLsn: lsnOf(row.commit_lsn),
          changeLsn: lsnOf(row.change_lsn),
          flushedLsn: lsnOf(row.flushed_lsn),
        }
      );
    },
    /** A new slot: nothing delivered yet. */
    reset(slot: string, server: string, now: number): void {
      reset.run(slot, server, now);
    },
    /** The snapshot taken at `lsn` (the slot's consistent point) was delivered whole. */
    snapshotDone(slot: string, lsn: bigint, now: number): void {
      snapshotDone.run(lsnText(lsn), lsnText(lsn), now, slot);
    },
    handled(slot: string, commitLsn: bigint, changeLsn: bigint, now: number): void {
      handled.run(lsnText(commitLsn), lsnText(changeLsn), now, slot);
    },
    flushed(slot: string, lsn: bigint, now: number): void {
      flushed.run(lsnText(lsn), now, slot);
    },
  };
}
