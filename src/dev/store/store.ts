/**
 * The emulator's durable state in SQLite (WAL): the archive of accepted events, one delivery row per
 * event and handler (its attempts and next due time), dead letters, per-event traces, the SQS endpoint's
 * queues, the SNS endpoint's topics and subscriptions, the Kinesis streams, the live schedules' next times
 * and the idempotency records. An event is committed here before the emulator acknowledges it,
 * so a crash loses nothing that was acknowledged. All SQL lives in this folder: the rest of the emulator
 * goes through these methods.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type CloudEvent, toStructuredJson } from '../../cloud-event.js';
import { type DeadLetterEnvelope, eventOfDeadLetter } from '../../delivery/dead-letter.js';
import type { Transport } from '../../sources/types.js';
import { groupCommitOf } from './group-commit.js';
import { createSqliteIdempotency, dropUnfinishedClaims, type SqliteIdempotency } from './idempotency.js';
import { checkStateIntegrity } from './integrity.js';
import { type KinesisStore, openKinesisStore } from './kinesis-streams.js';
import { acquireStateLock, type StateLock } from './lock.js';
import { createQueries, type StateReader } from './queries.js';
import { createPruner, type PruneResult, type Retention } from './retention.js';
import { openScheduleStore, type ScheduleStore } from './schedules.js';
import { createSchema } from './schema.js';
import { openSnsStore, type SnsStore } from './sns-topics.js';
import { openSqsStore, type SqsStore } from './sqs-queues.js';
import { createTraceWriter, type TraceSubject } from './traces.js';

export type { DeadLetterRow, EventStory, StateReader, TraceRow } from './queries.js';
export type { PruneResult, Retention } from './retention.js';
export type { TraceSubject } from './traces.js';

/** `failed`: a call's event whose caller was answered with the failure (a webhook's 5xx, an Invoke error), not retried here. */
export type DeliveryStatus = 'pending' | 'running' | 'delivered' | 'filtered' | 'failed' | 'dead-lettered';

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
  /** How a live trigger delivered the event (`aws:sqs`, `aws:sns`…); undefined: the bus. */
  readonly transport?: Transport;
}

/** An event a live trigger delivered, whose retry or dead letter the store now takes over. */
export interface Adopted {
  readonly event: CloudEvent;
  readonly handler: string;
  readonly transport: Transport;
  readonly receivedAt: number;
  /** Attempts made so far. */
  readonly attempts: number;
  readonly firstAttemptAt: number;
  readonly lastAttemptAt: number;
  /** `running` (default): the caller retries or dead-letters it next; else how it already ended. */
  readonly status?: 'running' | 'delivered' | 'filtered' | 'failed';
}

export interface Store extends StateReader {
  /** The database itself, for tests that read its tables; the emulator goes through the methods. */
  readonly db: Database.Database;
  /** The SQS endpoint's queues and messages. */
  readonly queues: SqsStore;
  /** The Kinesis endpoint's streams, shards and records, and the stream mappings' checkpoints. */
  readonly streams: KinesisStore;
  /** The SNS endpoint's topics, subscriptions and owed Lambda deliveries. */
  readonly topics: SnsStore;
  /** The live schedules' next fire times. */
  readonly schedules: ScheduleStore;
  /** The idempotency records handlers claim and complete. */
  readonly idempotency: SqliteIdempotency;
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T;
  /**
   * Runs `fn` in the next group commit (store/group-commit.ts): the writes of one turn of the event loop
   * share a transaction. Resolves with `fn`'s result once it is committed, never before: answer a client
   * after the `await`. Rejects with `fn`'s error (its writes undone alone) or the commit's.
   */
  write<T>(fn: () => T): Promise<T>;
  /**
   * What the owner does at start: attempts left running by a process that died run again (at least once,
   * as the same attempt), and the idempotency claims it left in progress are dropped.
   */
  recover(): void;
  accept(
    event: CloudEvent,
    receivedAt: number,
    routes: readonly { handler: string; matched: boolean }[],
  ): number;
  /**
   * Archives an event a live trigger delivered and returns its delivery row: `running`, so that `retry`
   * or `deadLetter` takes it over (the row is the event's retry from then on), or already ended.
   */
  adopt(adopted: Adopted): DeliveryRow;
  claimDue(now: number, limit?: number): DeliveryRow[];
  complete(id: number, status: 'delivered' | 'filtered'): void;
  retry(id: number, at: number): void;
  deadLetter(delivery: DeliveryRow, envelope: DeadLetterEnvelope, now: number): void;
  /**
   * Sends dead letters back to their handler: a new pending delivery of the original event (the `dl*`
   * extensions are the dead letter's, not the event's), due now; an event retention deleted is rebuilt
   * from the envelope. Returns the redriven dead-letter ids.
   */
  redrive(ids: readonly number[], now: number): number[];
  trace(
    event: TraceSubject,
    handler: string | null,
    stage: string,
    at: number,
    detail?: Record<string, unknown>,
  ): void;
  nextDueAt(): number | undefined;
  /**
   * Deletes finished events (every delivery delivered, filtered or dead-lettered) received before
   * `now - maxAgeMs` or beyond the newest `maxEvents` finished ones, with their deliveries and traces, in
   * chunks with the event loop free between them (store/retention.ts). Missing bounds take the defaults
   * (7 days, 100,000 events); 0 turns a bound off. Stops early, quietly, when the store is closed.
   */
  prune(now: number, retention: Partial<Retention>, options?: { chunkSize?: number }): Promise<PruneResult>;
  close(): void;
}

/** How long a write waits for another connection's lock, in ms. */
export const BUSY_TIMEOUT_MS = 100;

/** True for the store failures a client can retry: locked by another connection, disk full, I/O. */
export function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN)/.test(code);
}

/**
 * Opens (or creates) the store in `dir`/state.db, holding the folder's lock until `close` (pass `lock`
 * when the caller took it already): one process at a time writes a state folder. `:memory:` keeps
 * nothing and locks nothing. A file that fails SQLite's quick_check is refused (`E_CONFIG`, naming the
 * file and how to recover) before anything writes to it.
 *
 * @example
 * const store = openStore('.triggerkit');
 */
export function openStore(dir: string, options: { lock?: StateLock } = {}): Store {
  const memory = dir === ':memory:';
  const lock = memory ? undefined : (options.lock ?? acquireStateLock(dir));
  let db: Database.Database;
  try {
    if (!memory) checkStateIntegrity(join(dir, 'state.db'));
    // A write that finds the database locked (another connection writing) waits at most this long, then
    // fails: the request answers 503 and the delivery is tried again, instead of the whole event loop
    // stalling for better-sqlite3's default 5 s per write.
    db = new Database(memory ? ':memory:' : join(dir, 'state.db'), { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL survives a crash of this process with every committed transaction (not a power cut).
    db.pragma('synchronous = NORMAL');
    createSchema(db);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const queries = createQueries(db);
  const queues = openSqsStore(db);
  const streams = openKinesisStore(db);
  const topics = openSnsStore(db);
  const schedules = openScheduleStore(db);
  const idempotency = createSqliteIdempotency(db);

  const s = {
    insertEvent: db.prepare(
      'INSERT INTO events (id, source, type, received_at, body) VALUES (?, ?, ?, ?, ?)',
    ),
    insertDelivery: db.prepare(
      'INSERT INTO deliveries (event_seq, handler, status, next_at) VALUES (?, ?, ?, ?)',
    ),
    insertAdopted: db.prepare(
      `INSERT INTO deliveries (event_seq, handler, status, attempts, next_at, first_attempt_at, last_attempt_at, transport)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    selectDue: db.prepare(
      `SELECT d.*, e.body, e.received_at FROM deliveries d JOIN events e ON e.seq = d.event_seq
       WHERE d.status = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?`,
    ),
    claim: db.prepare(
      `UPDATE deliveries SET status = 'running', attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, ?),
       last_attempt_at = ? WHERE id = ? AND status = 'pending'`,
    ),
    finish: db.prepare('UPDATE deliveries SET status = ? WHERE id = ?'),
    reschedule: db.prepare(`UPDATE deliveries SET status = 'pending', next_at = ? WHERE id = ?`),
    insertDeadLetter: db.prepare(
      'INSERT INTO dead_letters (delivery_id, handler, reason, created_at, envelope) VALUES (?, ?, ?, ?, ?)',
    ),
    nextDue: db.prepare(`SELECT min(next_at) AS at FROM deliveries WHERE status = 'pending'`),
    // The event (and its delivery) may have been deleted by retention: then the envelope is read.
    redrivable: db.prepare(
      `SELECT dl.handler, e.seq AS event_seq, e.id AS event_id, e.source, CASE WHEN e.seq IS NULL THEN dl.envelope END AS envelope
       FROM dead_letters dl LEFT JOIN deliveries d ON d.id = dl.delivery_id LEFT JOIN events e ON e.seq = d.event_seq
       WHERE dl.id = ? AND dl.redriven_at IS NULL`,
    ),
    markRedriven: db.prepare('UPDATE dead_letters SET redriven_at = ? WHERE id = ?'),
    // The emulator died, not the handler, and no outcome was recorded, so the same attempt runs again
    // (same ctx.attempt) rather than spending one of `maxAttempts` on the crash.
    resetRunning: db.prepare(
      `UPDATE deliveries SET status = 'pending', attempts = max(attempts - 1, 0) WHERE status = 'running'`,
    ),
  };

  const transaction = <T>(fn: () => T): T => db.transaction(fn)();
  /** `fn` atomically: its own transaction, or (already in one: a group's write, a batch) no savepoint more. */
  const atomic = <T>(fn: () => T): T => (db.inTransaction ? fn() : db.transaction(fn)());
  const group = groupCommitOf(db);
  const traces = createTraceWriter(db);
  const trace = traces.trace;
  /**
   * Archives again the event of a dead letter whose event retention deleted, as received at its first
   * attempt (so `maxEventAge` still counts from about when it arrived); returns its new seq.
   */
  const restore = (envelope: string, now: number): { seq: number; id: string; source: string } => {
    const dead = JSON.parse(envelope) as DeadLetterEnvelope;
    const event = eventOfDeadLetter(dead);
    const at = Date.parse(dead.dlfirstattempt) || now;
    const seq = s.insertEvent.run(
      event.id,
      event.source,
      event.type,
      at,
      JSON.stringify(event),
    ).lastInsertRowid;
    return { seq: Number(seq), id: event.id, source: event.source };
  };

  return {
    ...queries,
    db,
    queues,
    streams,
    topics,
    schedules,
    idempotency,
    transaction,
    write: (fn) => group.write(fn),
    recover() {
      transaction(() => {
        s.resetRunning.run();
        topics.recover();
        dropUnfinishedClaims(db);
      });
    },
    /** Archives an event and schedules one delivery per handler (or records it filtered), atomically. */
    accept(event, receivedAt, routes) {
      return atomic(() => {
        const body = JSON.stringify(event);
        const seq = Number(
          s.insertEvent.run(event.id, event.source, event.type, receivedAt, body).lastInsertRowid,
        );
        trace(event, null, 'received', receivedAt, { source: event.source, type: event.type });
        for (const route of routes) {
          s.insertDelivery.run(seq, route.handler, route.matched ? 'pending' : 'filtered', receivedAt);
          trace(event, route.handler, route.matched ? 'matched' : 'filtered', receivedAt);
        }
        return seq;
      });
    },
    adopt(adopted) {
      return transaction(() => {
        const { event, handler, transport } = adopted;
        const seq = Number(
          s.insertEvent.run(event.id, event.source, event.type, adopted.receivedAt, JSON.stringify(event))
            .lastInsertRowid,
        );
        const id = Number(
          s.insertAdopted.run(
            seq,
            handler,
            adopted.status ?? 'running',
            adopted.attempts,
            adopted.lastAttemptAt,
            adopted.firstAttemptAt,
            adopted.lastAttemptAt,
            transport,
          ).lastInsertRowid,
        );
        return {
          id,
          eventSeq: seq,
          handler,
          status: adopted.status ?? 'running',
          attempts: adopted.attempts,
          nextAt: adopted.lastAttemptAt,
          receivedAt: adopted.receivedAt,
          firstAttemptAt: adopted.firstAttemptAt,
          lastAttemptAt: adopted.lastAttemptAt,
          event,
          transport,
        };
      });
    },
    /**
     * Marks up to `limit` due deliveries running and returns them, in the transaction that commits the
     * queued writes (the accepts that made them due, the settles of those that ran).
     */
    claimDue(now, limit = 64) {
      return group.commit(() => {
        const rows = s.selectDue.all(now, limit) as RawDelivery[];
        for (const row of rows) s.claim.run(now, now, row.id);
        return rows.map((row) => toDelivery(row, now));
      }) as DeliveryRow[];
    },
    complete(id, status) {
      s.finish.run(status, id);
      traces.settled(id, false);
    },
    retry(id, at) {
      s.reschedule.run(at, id);
      traces.settled(id, true);
    },
    deadLetter(delivery, envelope, now) {
      transaction(() => {
        s.finish.run('dead-lettered', delivery.id);
        s.insertDeadLetter.run(
          delivery.id,
          delivery.handler,
          envelope.dlreason,
          now,
          toStructuredJson(envelope),
        );
      });
      traces.settledWith({ id: delivery.event.id, source: delivery.event.source, handler: delivery.handler });
    },
    redrive(ids, now) {
      return transaction(() =>
        ids.filter((id) => {
          const row = s.redrivable.get(id) as
            | { handler: string; event_seq: number; event_id: string; source: string; envelope: null }
            | { handler: string; event_seq: null; event_id: null; source: null; envelope: string }
            | undefined;
          if (row === undefined) return false;
          const event =
            row.envelope === null
              ? { seq: row.event_seq, id: row.event_id, source: row.source }
              : restore(row.envelope, now);
          s.insertDelivery.run(event.seq, row.handler, 'pending', now);
          s.markRedriven.run(now, id);
          trace({ id: event.id, source: event.source }, row.handler, 'redriven', now, { deadLetter: id });
          return true;
        }),
      );
    },
    trace,
    /** When the next pending delivery is due, if any. */
    nextDueAt() {
      return ((s.nextDue.get() as { at: number | null }).at ?? undefined) as number | undefined;
    },
    prune: createPruner(db),
    close() {
      // What was queued commits before the file closes; a failure has rejected its writers already.
      try {
        group.commit();
      } catch {}
      db.close();
      lock?.release();
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
  transport: Transport | null;
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
    ...(row.transport !== null && { transport: row.transport }),
  };
}
