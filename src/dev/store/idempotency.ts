/**
 * The emulator's idempotency store: a table in its SQLite file. The delivery loop commits an event's
 * completion in the same transaction that records the delivery as delivered (`deferred`), so a crash
 * can never leave an event completed but still pending, or delivered but claimable again.
 */
import type Database from 'better-sqlite3';
import { type Claim, type IdempotencyStore, newToken } from '../../delivery/idempotency.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY, status TEXT NOT NULL, token TEXT NOT NULL,
  completed_at INTEGER, expires_at INTEGER NOT NULL, result TEXT);
`;

interface Row {
  status: 'in-progress' | 'completed';
  token: string;
  completed_at: number | null;
  expires_at: number;
  result: string | null;
}

export interface SqliteIdempotency {
  /** Completes at once: for the HTTP routes and the Invoke API. */
  readonly store: IdempotencyStore;
  /** For one delivery attempt: `complete` is held until `commit()`, which the caller runs in its transaction. */
  deferred(): { readonly store: IdempotencyStore; commit(): void };
}

/**
 * Claims still in progress when the owner of the state starts belong to attempts of a process that died
 * (the emulator runs every handler of its state file): they are dropped, as its running deliveries are
 * reset (`Store.recover`).
 */
export function dropUnfinishedClaims(db: Database.Database): void {
  db.exec(SCHEMA);
  db.prepare(`DELETE FROM idempotency WHERE status = 'in-progress'`).run();
}

/**
 * Creates the table if needed and returns the store over it (the emulator's is `store.idempotency`).
 *
 * @example
 * const idempotency = createSqliteIdempotency(db);
 */
export function createSqliteIdempotency(db: Database.Database): SqliteIdempotency {
  db.exec(SCHEMA);
  const select = db.prepare(
    'SELECT status, token, completed_at, expires_at, result FROM idempotency WHERE key = ?',
  );
  const upsert = db.prepare(
    `INSERT OR REPLACE INTO idempotency (key, status, token, completed_at, expires_at, result) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const remove = db.prepare('DELETE FROM idempotency WHERE key = ? AND token = ?');

  const claim = db.transaction((key: string, now: number, lockMs: number): Claim => {
    const row = select.get(key) as Row | undefined;
    if (row === undefined || row.expires_at <= now) {
      const token = newToken();
      upsert.run(key, 'in-progress', token, null, now + lockMs, null);
      return { status: 'fresh', token };
    }
    if (row.status === 'in-progress') return { status: 'in-progress', expiresAt: row.expires_at };
    return {
      status: 'completed',
      completedAt: row.completed_at ?? 0,
      expiresAt: row.expires_at,
      ...(row.result !== null && { result: row.result }),
    };
  });
  const complete = (key: string, token: string, now: number, ttlMs: number, result: string | undefined) =>
    void upsert.run(key, 'completed', token, now, now + ttlMs, result ?? null);

  const base = {
    // IMMEDIATE: the read and the write of a claim hold the write lock together.
    claim: async (key: string, now: number, lockMs: number) => claim.immediate(key, now, lockMs),
    release: async (key: string, token: string) => void remove.run(key, token),
  };
  return {
    store: { ...base, complete: async (...args) => complete(...args) },
    deferred() {
      let held: Parameters<typeof complete> | undefined;
      return {
        store: {
          ...base,
          complete: async (...args) => {
            held = args;
          },
        },
        commit() {
          if (held !== undefined) complete(...held);
          held = undefined;
        },
      };
    },
  };
}
