/**
 * The emulator's tables: the archive of accepted events, one delivery row per event and handler, dead
 * letters, and traces. Traces carry the event's `source` as well as its `id`: CloudEvents ids are unique
 * per source only, so two producers may send the same id and their stories must not mix.
 * The indexes on `events (id, source)` and `deliveries (event_seq)` also serve retention (store/retention.ts),
 * which looks both up for every event it deletes.
 */
import type Database from 'better-sqlite3';

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
CREATE INDEX IF NOT EXISTS deliveries_event ON deliveries (event_seq);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id INTEGER, handler TEXT NOT NULL, reason TEXT NOT NULL,
  created_at INTEGER NOT NULL, redriven_at INTEGER, envelope TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS traces (
  id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, handler TEXT, stage TEXT NOT NULL,
  at INTEGER NOT NULL, detail TEXT NOT NULL, source TEXT);
CREATE INDEX IF NOT EXISTS traces_event ON traces (event_id);
`;

/** Creates the tables, and adds the columns later versions introduced to a state file made before them. */
export function createSchema(db: Database.Database): void {
  db.exec(SCHEMA);
  if (!hasColumn(db, 'traces', 'source')) db.exec('ALTER TABLE traces ADD COLUMN source TEXT');
  db.exec('CREATE INDEX IF NOT EXISTS events_id ON events (id, source)');
  // How the event reached the handler (a live trigger's `aws:sqs`…); null: the bus.
  if (!hasColumn(db, 'deliveries', 'transport')) db.exec('ALTER TABLE deliveries ADD COLUMN transport TEXT');
}

export function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).some(
    (c) => c.name === column,
  );
}
