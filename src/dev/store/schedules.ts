/**
 * The live schedules' next fire times, in a table of their own in the emulator's SQLite file, so a
 * restart resumes each schedule where it was. Plain data in, plain data out; times are passed in (ms).
 */
import type Database from 'better-sqlite3';

export interface ScheduleRow {
  /** The schedule rule's name (`<function>-schedule-<n>`). */
  readonly rule: string;
  /** The expression the next time was computed for: another expression starts afresh. */
  readonly expression: string;
  /** When it fires next; null when it never fires again (a cron expression whose years are past). */
  readonly nextAt: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schedules (
  rule TEXT PRIMARY KEY, expression TEXT NOT NULL, next_at INTEGER);
`;

/**
 * Creates the schedules table (idempotent) and returns the queries over it; the store opens it as
 * `store.schedules`.
 *
 * @example
 * openStore('.triggerkit').schedules.save('nightly-schedule-1', 'cron(0 3 * * ? *)', Date.UTC(2026, 0, 2, 3));
 */
export function openScheduleStore(db: Database.Database) {
  db.exec(SCHEMA);
  const s = {
    get: db.prepare('SELECT rule, expression, next_at AS nextAt FROM schedules WHERE rule = ?'),
    save: db.prepare(
      `INSERT INTO schedules (rule, expression, next_at) VALUES (?, ?, ?)
       ON CONFLICT (rule) DO UPDATE SET expression = excluded.expression, next_at = excluded.next_at`,
    ),
  };
  return {
    get: (rule: string) => s.get.get(rule) as ScheduleRow | undefined,
    save(rule: string, expression: string, nextAt: number | undefined): void {
      s.save.run(rule, expression, nextAt ?? null);
    },
  };
}

export type ScheduleStore = ReturnType<typeof openScheduleStore>;
