/**
 * Retention of the emulator's store. An event is finished when every delivery of it is `delivered`,
 * `filtered` or `dead-lettered`; finished events received longer ago than `maxAgeMs`, and those beyond
 * the newest `maxEvents` finished ones, are deleted with their deliveries and traces. An event with a
 * `pending` or `running` delivery is never deleted, nor is a dead letter (its envelope holds the whole
 * event, and redrive rebuilds the event from it) or an SQS message. Deletes run in chunks, one short
 * transaction each, with the event loop free between them: a prune of a million rows never holds the
 * emulator's requests and deliveries for longer than one chunk.
 */
import type Database from 'better-sqlite3';
import { parseDuration } from '../../delivery/policy.js';
import { TriggerError } from '../../errors.js';

export interface Retention {
  /** Finished events received longer ago than this (ms of emulated time) are deleted; 0 keeps any age. */
  readonly maxAgeMs: number;
  /** Only the newest this many finished events are kept; 0 keeps any number. */
  readonly maxEvents: number;
}

/** Seven days and 100,000 finished events: about 76 MB at ~760 bytes an event. */
export const DEFAULT_RETENTION: Retention = Object.freeze({ maxAgeMs: 7 * 86_400_000, maxEvents: 100_000 });

/** Events looked at per transaction: about 2-4 ms with their deliveries and traces (500 took ~15 ms). */
export const PRUNE_CHUNK = 100;

export interface PruneResult {
  readonly events: number;
  readonly deliveries: number;
  readonly traces: number;
  /** The transactions it took: one per chunk. */
  readonly transactions: number;
}

/**
 * Fills in the defaults and checks the bounds.
 *
 * @example
 * resolveRetention({ maxEvents: 0 }); // { maxAgeMs: 604800000, maxEvents: 0 }: no bound on the count
 */
export function resolveRetention(retention: Partial<Retention> = {}): Retention {
  const maxAgeMs = retention.maxAgeMs ?? DEFAULT_RETENTION.maxAgeMs;
  const maxEvents = retention.maxEvents ?? DEFAULT_RETENTION.maxEvents;
  if (!(maxAgeMs >= 0) || !Number.isFinite(maxAgeMs))
    throw new TriggerError(
      'E_CONFIG',
      `Expected \`retention.maxAgeMs\` to be a number of milliseconds, 0 or more (0: keep any age), got ${maxAgeMs}.`,
    );
  if (!Number.isSafeInteger(maxEvents) || maxEvents < 0)
    throw new TriggerError(
      'E_CONFIG',
      `Expected \`retention.maxEvents\` to be a whole number, 0 or more (0: keep any number), got ${maxEvents}.`,
    );
  return Object.freeze({ maxAgeMs, maxEvents });
}

const OFF = /^\s*(0|off)\s*$/i;

/**
 * Reads `--retain-age` (a duration: `7d`, `12h`, `30m`; a number is ms) and `--retain-events` (a whole
 * number); `0` or `off` turns a bound off, undefined takes the default. Throws `E_CONFIG` naming the flag.
 *
 * @example
 * parseRetentionFlags('12h', 'off'); // { maxAgeMs: 43200000, maxEvents: 0 }
 */
export function parseRetentionFlags(age: unknown, events: unknown): Retention {
  const text = (value: unknown) => JSON.stringify(String(value));
  let maxAgeMs: number | undefined;
  if (age !== undefined) {
    try {
      maxAgeMs = OFF.test(String(age)) ? 0 : parseDuration(age, '--retain-age');
    } catch {
      throw new TriggerError(
        'E_CONFIG',
        `--retain-age must be a duration such as 7d, 12h or 30m (0 or off: keep events of any age), got ${text(age)}.`,
      );
    }
  }
  let maxEvents: number | undefined;
  if (events !== undefined) {
    const count = String(events).trim();
    maxEvents = OFF.test(count) ? 0 : /^\d+$/.test(count) ? Number(count) : Number.NaN;
    if (!Number.isSafeInteger(maxEvents))
      throw new TriggerError(
        'E_CONFIG',
        `--retain-events must be a whole number such as 100000 (0 or off: keep any number), got ${text(events)}.`,
      );
  }
  return resolveRetention({ maxAgeMs, maxEvents });
}

const UNFINISHED = `status IN ('pending', 'running')`;

/** The store's `prune`: see the file's comment. */
export function createPruner(db: Database.Database) {
  const s = {
    // (received_at, seq) is the order of the events_received index: a range scan from the cursor.
    aged: db.prepare(
      `SELECT seq, received_at AS at FROM events WHERE received_at < @cutoff AND (received_at, seq) > (@at, @seq)
       ORDER BY received_at, seq LIMIT @limit`,
    ),
    after: db.prepare('SELECT seq FROM events WHERE seq > ? ORDER BY seq LIMIT ?').pluck(),
    finished: db
      .prepare(
        `SELECT (SELECT count(*) FROM events) - (SELECT count(DISTINCT event_seq) FROM deliveries WHERE ${UNFINISHED})`,
      )
      .pluck(),
    unfinished: db.prepare(`SELECT 1 FROM deliveries WHERE event_seq = ? AND ${UNFINISHED} LIMIT 1`),
    deleteDeliveries: db.prepare('DELETE FROM deliveries WHERE event_seq = ?'),
    deleteEvent: db.prepare('DELETE FROM events WHERE seq = ? RETURNING id'),
    // Traces are keyed by the event's id, which two events may share: they go with the last of them.
    deleteTraces: db.prepare(
      'DELETE FROM traces WHERE event_id = @id AND NOT EXISTS (SELECT 1 FROM events WHERE id = @id)',
    ),
  };

  return async function prune(
    now: number,
    retention: Partial<Retention>,
    options: { chunkSize?: number } = {},
  ): Promise<PruneResult> {
    const { maxAgeMs, maxEvents } = resolveRetention(retention);
    const limit = options.chunkSize ?? PRUNE_CHUNK;
    const result = { events: 0, deliveries: 0, traces: 0, transactions: 0 };
    /** Runs one chunk in its own transaction; false once the store is closed under it. */
    const chunk = <T>(fn: () => T): T | undefined => {
      if (!db.open) return undefined;
      result.transactions++;
      return db.transaction(fn)();
    };
    const removeIfFinished = (seq: number): boolean => {
      if (s.unfinished.get(seq) !== undefined) return false;
      result.deliveries += s.deleteDeliveries.run(seq).changes;
      const { id } = s.deleteEvent.get(seq) as { id: string };
      result.traces += s.deleteTraces.run({ id }).changes;
      result.events++;
      return true;
    };

    if (maxAgeMs > 0) {
      const cursor = { cutoff: now - maxAgeMs, at: Number.MIN_SAFE_INTEGER, seq: 0, limit };
      for (let more = true; more; ) {
        more =
          chunk(() => {
            const rows = s.aged.all(cursor) as { seq: number; at: number }[];
            for (const row of rows) removeIfFinished(row.seq);
            const last = rows.at(-1);
            if (last !== undefined) Object.assign(cursor, { at: last.at, seq: last.seq });
            return rows.length === limit;
          }) ?? false;
        if (more) await nextTurn();
      }
    }
    if (maxEvents > 0 && db.open) {
      // The oldest finished events beyond the newest `maxEvents` finished ones.
      let excess = (s.finished.get() as number) - maxEvents;
      let seq = 0;
      while (excess > 0) {
        const more = chunk(() => {
          const rows = s.after.all(seq, limit) as number[];
          for (const row of rows) {
            if (excess === 0) break;
            seq = row;
            if (removeIfFinished(row)) excess--;
          }
          return rows.length === limit;
        });
        if (!more) break;
        await nextTurn();
      }
    }
    return result;
  };
}

/** Lets every request, delivery and timer waiting on the event loop run before the next chunk. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
