/**
 * Reading the emulator's state back: an event's story, dead letters, the archive for replay. The same
 * queries serve the running emulator and `triggerkit dlq`, which opens the file read-only (`openStateReader`)
 * so that it never changes the state of an emulator that is running on it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CloudEvent } from '../../cloud-event.js';
import type { DeadLetterEnvelope } from '../../delivery/dead-letter.js';
import { TriggerError } from '../../errors.js';
import { hasColumn } from './schema.js';

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

/** One event (CloudEvents identity: source + id), every copy of it received, and what became of them. */
export interface EventStory {
  /** The newest copy received. */
  readonly event: CloudEvent;
  readonly receivedAt: string;
  readonly deliveries: readonly {
    handler: string;
    status: string;
    attempts: number;
    nextAt: string | null;
  }[];
  readonly traces: readonly TraceRow[];
}

/** An event as `GET /events` lists it: what came, and what became of it in each function. */
export interface EventSummary {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly receivedAt: string;
  readonly deliveries: readonly { handler: string; status: string; attempts: number }[];
}

export interface DeliverySummary {
  readonly id: number;
  readonly eventId: string;
  readonly handler: string;
  readonly status: string;
  readonly attempts: number;
}

/** What can be read from the state, by the emulator or by another process. */
export interface StateReader {
  /** The stories of the events with this id: one per source (ids are unique per source), newest first. */
  stories(id: string): EventStory[];
  /**
   * Dead letters, oldest first; `handler` is a function's key or the handler name its envelopes carry
   * (`dlhandler`), so either name of a function finds its dead letters.
   */
  deadLetters(options?: { handler?: string; includeRedriven?: boolean }): DeadLetterRow[];
  /** The newest events received (at most `limit`), or those delivered to one of `handlers` (function keys). */
  recentEvents(options: { handlers?: readonly string[]; limit: number }): EventSummary[];
  getDeadLetter(id: number): DeadLetterRow | undefined;
  /** Archived events received in [from, to), oldest first, for replay. */
  archived(from: number, to: number): CloudEvent[];
  /** Every delivery, oldest first. */
  deliveries(): DeliverySummary[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function createQueries(db: Database.Database): StateReader {
  const tracedBySource = hasColumn(db, 'traces', 'source');
  const q = {
    copies: db.prepare('SELECT seq, source, body, received_at FROM events WHERE id = ? ORDER BY seq DESC'),
    deliveries: db.prepare(
      `SELECT d.handler, d.status, d.attempts, d.next_at FROM deliveries d JOIN events e ON e.seq = d.event_seq
       WHERE e.id = ? AND e.source = ? ORDER BY d.id`,
    ),
    // Traces written before traces had a source belong to the id's only source, if it has one.
    traces: db.prepare(
      tracedBySource
        ? `SELECT event_id, handler, stage, at, detail FROM traces
           WHERE event_id = @id AND (source = @source OR (source IS NULL AND @single = 1)) ORDER BY id`
        : 'SELECT event_id, handler, stage, at, detail FROM traces WHERE event_id = @id AND @single = 1 ORDER BY id',
    ),
    deadLetters: db.prepare(
      `SELECT * FROM dead_letters WHERE (@handler IS NULL OR handler = @handler
         OR json_extract(envelope, '$.dlhandler') = @handler)
       AND (@all = 1 OR redriven_at IS NULL) ORDER BY id`,
    ),
    recent: db.prepare(
      `SELECT seq, id, source, type, received_at FROM events e
       WHERE @handlers IS NULL OR EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq
         AND d.handler IN (SELECT value FROM json_each(@handlers)))
       ORDER BY seq DESC LIMIT @limit`,
    ),
    deliveriesOf: db.prepare(
      'SELECT handler, status, attempts FROM deliveries WHERE event_seq = ? ORDER BY id',
    ),
    deadLetter: db.prepare('SELECT * FROM dead_letters WHERE id = ?'),
    archived: db.prepare('SELECT body FROM events WHERE received_at >= ? AND received_at < ? ORDER BY seq'),
    all: db.prepare(
      'SELECT d.id, e.id AS event_id, d.handler, d.status, d.attempts FROM deliveries d JOIN events e ON e.seq = d.event_seq ORDER BY d.id',
    ),
  };

  function story(id: string, source: string, newest: RawEvent, single: boolean): EventStory {
    const deliveries = q.deliveries.all(id, source) as RawDelivery[];
    const traces = q.traces.all({ id, source, single: single ? 1 : 0 }) as RawTrace[];
    return {
      event: JSON.parse(newest.body) as CloudEvent,
      receivedAt: new Date(newest.received_at).toISOString(),
      deliveries: deliveries.map((d) => ({
        handler: d.handler,
        status: d.status,
        attempts: d.attempts,
        nextAt: d.status === 'pending' ? iso(d.next_at) : null,
      })),
      traces: traces.map((t) => ({
        eventId: t.event_id,
        handler: t.handler,
        stage: t.stage,
        at: t.at,
        detail: JSON.parse(t.detail),
      })),
    };
  }

  return {
    stories(id) {
      const newestBySource = new Map<string, RawEvent>();
      for (const row of q.copies.all(id) as RawEvent[])
        if (!newestBySource.has(row.source)) newestBySource.set(row.source, row);
      const single = newestBySource.size === 1;
      return [...newestBySource].map(([source, newest]) => story(id, source, newest, single));
    },
    deadLetters(options = {}) {
      const rows = q.deadLetters.all({
        handler: options.handler ?? null,
        all: options.includeRedriven ? 1 : 0,
      }) as RawDeadLetter[];
      return rows.map(toDeadLetter);
    },
    recentEvents({ handlers, limit }) {
      const rows = q.recent.all({
        handlers: handlers === undefined ? null : JSON.stringify(handlers),
        limit,
      }) as (Omit<RawEvent, 'body'> & { id: string; type: string })[];
      return rows.map((row) => ({
        id: row.id,
        source: row.source,
        type: row.type,
        receivedAt: new Date(row.received_at).toISOString(),
        deliveries: q.deliveriesOf.all(row.seq) as EventSummary['deliveries'][number][],
      }));
    },
    getDeadLetter(id) {
      const row = q.deadLetter.get(id) as RawDeadLetter | undefined;
      return row && toDeadLetter(row);
    },
    archived(from, to) {
      return (q.archived.all(from, to) as { body: string }[]).map((r) => JSON.parse(r.body) as CloudEvent);
    },
    deliveries() {
      return (q.all.all() as (Omit<DeliverySummary, 'eventId'> & { event_id: string })[]).map(
        ({ event_id, ...d }) => ({ ...d, eventId: event_id }),
      );
    },
  };
}

/**
 * Opens the state in `dir` read-only: no lock is taken and nothing is written, so it is safe while an
 * emulator runs on the same folder.
 *
 * @example
 * const state = openStateReader('.triggerkit');
 * console.log(state.deadLetters());
 * state.close();
 */
export function openStateReader(dir: string): StateReader & { close(): void } {
  const file = join(dir, 'state.db');
  if (!existsSync(file)) {
    throw new TriggerError(
      'E_CONFIG',
      `No emulator state in ${dir} (no state.db); run \`triggerkit dev\` first, or pass --state-dir.`,
      { path: dir },
    );
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return { ...createQueries(db), close: () => db.close() };
}

// Functions over a store, kept for callers written before the store had these methods.

/** Everything the store knows of the event with this id: the newest source's story when several share it. */
export function eventStory(store: StateReader, id: string): EventStory | undefined {
  return store.stories(id)[0];
}

export function listDeadLetters(
  store: StateReader,
  options: { handler?: string; includeRedriven?: boolean } = {},
): DeadLetterRow[] {
  return store.deadLetters(options);
}

export function getDeadLetter(store: StateReader, id: number): DeadLetterRow | undefined {
  return store.getDeadLetter(id);
}

/** Sends dead letters back to their handlers; returns the ids redriven (see `Store.redrive`). */
export function redriveDeadLetters(
  store: { redrive(ids: readonly number[], now: number): number[] },
  ids: readonly number[],
  now: number,
): number[] {
  return store.redrive(ids, now);
}

export function archivedEvents(store: StateReader, from: number, to: number): CloudEvent[] {
  return store.archived(from, to);
}

interface RawEvent {
  seq: number;
  source: string;
  body: string;
  received_at: number;
}

interface RawDelivery {
  handler: string;
  status: string;
  attempts: number;
  next_at: number;
}

interface RawTrace {
  event_id: string;
  handler: string | null;
  stage: string;
  at: number;
  detail: string;
}

interface RawDeadLetter {
  id: number;
  handler: string;
  reason: string;
  created_at: number;
  redriven_at: number | null;
  envelope: string;
}

function toDeadLetter(row: RawDeadLetter): DeadLetterRow {
  return {
    id: row.id,
    handler: row.handler,
    reason: row.reason,
    createdAt: row.created_at,
    redrivenAt: row.redriven_at,
    envelope: JSON.parse(row.envelope) as DeadLetterEnvelope,
  };
}
