/** Reading the emulator's state back: an event's story, dead letters, redrive and replay. */
import type { CloudEvent } from '../../cloud-event.js';
import type { DeadLetterEnvelope } from '../../delivery/dead-letter.js';
import type { DeadLetterRow, Store, TraceRow } from './store.js';

export interface EventStory {
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

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Everything the store knows of the events with this id (ids are unique per source; the newest first). */
export function eventStory(store: Store, id: string): EventStory | undefined {
  const row = store.db.prepare('SELECT * FROM events WHERE id = ? ORDER BY seq DESC LIMIT 1').get(id) as
    | { seq: number; body: string; received_at: number }
    | undefined;
  if (row === undefined) return undefined;
  const deliveries = store.db
    .prepare('SELECT handler, status, attempts, next_at FROM deliveries WHERE event_seq = ? ORDER BY id')
    .all(row.seq) as { handler: string; status: string; attempts: number; next_at: number }[];
  const traces = store.db
    .prepare('SELECT event_id, handler, stage, at, detail FROM traces WHERE event_id = ? ORDER BY id')
    .all(id) as { event_id: string; handler: string | null; stage: string; at: number; detail: string }[];
  return {
    event: JSON.parse(row.body) as CloudEvent,
    receivedAt: new Date(row.received_at).toISOString(),
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

export function listDeadLetters(
  store: Store,
  options: { handler?: string; includeRedriven?: boolean } = {},
): DeadLetterRow[] {
  const rows = store.db
    .prepare(
      `SELECT * FROM dead_letters WHERE (? IS NULL OR handler = ?) AND (? = 1 OR redriven_at IS NULL) ORDER BY id`,
    )
    .all(
      options.handler ?? null,
      options.handler ?? null,
      options.includeRedriven ? 1 : 0,
    ) as RawDeadLetter[];
  return rows.map(toDeadLetter);
}

export function getDeadLetter(store: Store, id: number): DeadLetterRow | undefined {
  const row = store.db.prepare('SELECT * FROM dead_letters WHERE id = ?').get(id) as
    | RawDeadLetter
    | undefined;
  return row && toDeadLetter(row);
}

/**
 * Sends dead letters back to their handler: a new pending delivery of the original event (the `dl*`
 * extensions are the dead letter's, not the event's), due now. Returns the redriven dead-letter ids.
 */
export function redriveDeadLetters(store: Store, ids: readonly number[], now: number): number[] {
  const done: number[] = [];
  store.db.transaction(() => {
    for (const id of ids) {
      const row = store.db
        .prepare(
          `SELECT dl.id, dl.handler, d.event_seq, e.id AS event_id FROM dead_letters dl
           JOIN deliveries d ON d.id = dl.delivery_id JOIN events e ON e.seq = d.event_seq
           WHERE dl.id = ? AND dl.redriven_at IS NULL`,
        )
        .get(id) as { id: number; handler: string; event_seq: number; event_id: string } | undefined;
      if (row === undefined) continue;
      store.db
        .prepare(`INSERT INTO deliveries (event_seq, handler, status, next_at) VALUES (?, ?, 'pending', ?)`)
        .run(row.event_seq, row.handler, now);
      store.db.prepare('UPDATE dead_letters SET redriven_at = ? WHERE id = ?').run(now, id);
      store.trace(row.event_id, row.handler, 'redriven', now, { deadLetter: id });
      done.push(id);
    }
  })();
  return done;
}

/** Archived events received in [from, to), oldest first, for replay. */
export function archivedEvents(store: Store, from: number, to: number): CloudEvent[] {
  const rows = store.db
    .prepare('SELECT body FROM events WHERE received_at >= ? AND received_at < ? ORDER BY seq')
    .all(from, to) as { body: string }[];
  return rows.map((r) => JSON.parse(r.body) as CloudEvent);
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
