/**
 * The emulator's durable state in SQLite (WAL): the archive of accepted events, one delivery row per
 * event and handler (its attempts and next due time), dead letters, and per-event traces. An event is
 * committed here before the emulator acknowledges it, so a crash loses nothing that was acknowledged.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type CloudEvent, toStructuredJson } from '../../cloud-event.js';
import type { DeadLetterEnvelope } from '../../delivery/dead-letter.js';

export type DeliveryStatus = 'pending' | 'running' | 'delivered' | 'filtered' | 'dead-lettered';

export interface DeliveryRow {
  readonly id: number;
  readonly eventSeq: number;
  readonly handler: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAt: number;
  readonly receivedAt: number;
  readonly firstAttemptAt: number | null;
  readonly lastAttemptAt: number | null;
  readonly event: CloudEvent;
}

export interface TraceRow {
  readonly eventId: string;
  readonly handler: string | null;
  readonly stage: string;
  readonly at: number;
  readonly detail: Record<string, unknown>;
}

export interface DeadLetterRow {
  readonly id: number;
  readonly handler: string;
  readonly reason: string;
  readonly createdAt: number;
  readonly redrivenAt: number | null;
  readonly envelope: DeadLetterEnvelope;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL, source TEXT NOT NULL, type TEXT NOT NULL,
  received_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_received ON events (received_at);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_seq INTEGER NOT NULL REFERENCES events (seq), handler TEXT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
  first_attempt_at INTEGER, last_attempt_at INTEGER);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_at);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id INTEGER, handler TEXT NOT NULL, reason TEXT NOT NULL,
  created_at INTEGER NOT NULL, redriven_at INTEGER, envelope TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS traces (
  id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, handler TEXT, stage TEXT NOT NULL,
  at INTEGER NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS traces_event ON traces (event_id);
`;

/**
 * Opens (or creates) the store in `dir`/state.db.
 *
 * @example
 * const store = openStore('.triggerkit');
 */
export interface Store {
  readonly db: Database.Database;
  accept(
    event: CloudEvent,
    receivedAt: number,
    routes: readonly { handler: string; matched: boolean }[],
  ): number;
  claimDue(now: number, limit?: number): DeliveryRow[];
  complete(id: number, status: 'delivered' | 'filtered'): void;
  retry(id: number, at: number): void;
  deadLetter(delivery: DeliveryRow, envelope: DeadLetterEnvelope, now: number): void;
  trace(
    eventId: string,
    handler: string | null,
    stage: string,
    at: number,
    detail?: Record<string, unknown>,
  ): void;
  nextDueAt(): number | undefined;
  close(): void;
}

export function openStore(dir: string): Store {
  if (dir !== ':memory:') mkdirSync(dir, { recursive: true });
  const db: Database.Database = new Database(dir === ':memory:' ? ':memory:' : join(dir, 'state.db'));
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL survives a crash of this process with every committed transaction (not a power cut).
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  // Attempts that were running when the process died are tried again: delivery is at least once. The
  // emulator died, not the handler, and no outcome was recorded, so the same attempt runs again (same
  // ctx.attempt) rather than spending one of `maxAttempts` on the crash.
  db.prepare(
    `UPDATE deliveries SET status = 'pending', attempts = max(attempts - 1, 0) WHERE status = 'running'`,
  ).run();

  const insertEvent = db.prepare(
    'INSERT INTO events (id, source, type, received_at, body) VALUES (?, ?, ?, ?, ?)',
  );
  const insertDelivery = db.prepare(
    `INSERT INTO deliveries (event_seq, handler, status, next_at) VALUES (?, ?, ?, ?)`,
  );
  const insertTrace = db.prepare(
    'INSERT INTO traces (event_id, handler, stage, at, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const selectDue = db.prepare(
    `SELECT d.*, e.body, e.received_at FROM deliveries d JOIN events e ON e.seq = d.event_seq
     WHERE d.status = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?`,
  );
  const claim = db.prepare(
    `UPDATE deliveries SET status = 'running', attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, ?),
     last_attempt_at = ? WHERE id = ? AND status = 'pending'`,
  );
  const finish = db.prepare('UPDATE deliveries SET status = ? WHERE id = ?');
  const reschedule = db.prepare(`UPDATE deliveries SET status = 'pending', next_at = ? WHERE id = ?`);
  const insertDeadLetter = db.prepare(
    'INSERT INTO dead_letters (delivery_id, handler, reason, created_at, envelope) VALUES (?, ?, ?, ?, ?)',
  );
  const nextDue = db.prepare(`SELECT min(next_at) AS at FROM deliveries WHERE status = 'pending'`);

  return {
    db,
    /** Archives an event and schedules one delivery per handler (or records it filtered), atomically. */
    accept(
      event: CloudEvent,
      receivedAt: number,
      routes: readonly { handler: string; matched: boolean }[],
    ): number {
      return db.transaction(() => {
        const seq = Number(
          insertEvent.run(event.id, event.source, event.type, receivedAt, JSON.stringify(event))
            .lastInsertRowid,
        );
        insertTrace.run(
          event.id,
          null,
          'received',
          receivedAt,
          JSON.stringify({ source: event.source, type: event.type }),
        );
        for (const route of routes) {
          insertDelivery.run(seq, route.handler, route.matched ? 'pending' : 'filtered', receivedAt);
          insertTrace.run(event.id, route.handler, route.matched ? 'matched' : 'filtered', receivedAt, '{}');
        }
        return seq;
      })();
    },
    /** Marks up to `limit` due deliveries running and returns them. */
    claimDue(now: number, limit = 64): DeliveryRow[] {
      return db.transaction(() => {
        const rows = selectDue.all(now, limit) as RawDelivery[];
        for (const row of rows) claim.run(now, now, row.id);
        return rows.map((row) => toDelivery(row, now));
      })();
    },
    complete(id: number, status: 'delivered' | 'filtered'): void {
      finish.run(status, id);
    },
    retry(id: number, at: number): void {
      reschedule.run(at, id);
    },
    deadLetter(delivery: DeliveryRow, envelope: DeadLetterEnvelope, now: number): void {
      db.transaction(() => {
        finish.run('dead-lettered', delivery.id);
        insertDeadLetter.run(
          delivery.id,
          delivery.handler,
          envelope.dlreason,
          now,
          toStructuredJson(envelope),
        );
      })();
    },
    trace(
      eventId: string,
      handler: string | null,
      stage: string,
      at: number,
      detail: Record<string, unknown> = {},
    ): void {
      insertTrace.run(eventId, handler, stage, at, JSON.stringify(detail));
    },
    /** When the next pending delivery is due, if any. */
    nextDueAt(): number | undefined {
      const row = nextDue.get() as { at: number | null };
      return row.at ?? undefined;
    },
    close(): void {
      db.close();
    },
  };
}

interface RawDelivery {
  id: number;
  event_seq: number;
  handler: string;
  status: DeliveryStatus;
  attempts: number;
  next_at: number;
  first_attempt_at: number | null;
  last_attempt_at: number | null;
  body: string;
  received_at: number;
}

function toDelivery(row: RawDelivery, now: number): DeliveryRow {
  return {
    id: row.id,
    eventSeq: row.event_seq,
    handler: row.handler,
    status: 'running',
    attempts: row.attempts + 1,
    nextAt: row.next_at,
    receivedAt: row.received_at,
    firstAttemptAt: row.first_attempt_at ?? now,
    lastAttemptAt: now,
    event: JSON.parse(row.body) as CloudEvent,
  };
}
