/**
 * Writing traces under the event's CloudEvents identity, source + id. A caller that names the event
 * (`{ id, source }`, a CloudEvent) is taken at its word. One that gives the id alone — as the delivery
 * loop does — is attributed from what the store knows of the delivery it is working on:
 *
 * - right after `retry` or `deadLetter`, the trace that follows is that delivery's;
 * - an attempt's trace belongs to the one delivery of that id and handler that is running; when several
 *   are (two sources sent the same id and both run now), the trace waits for the call that settles its
 *   delivery (`complete`, `retry`, `deadLetter`), which the loop makes in the same synchronous step.
 */
import type Database from 'better-sqlite3';

/** The event a trace is about: its id, or (exactly) its id and source — a CloudEvent will do. */
export type TraceSubject = string | { readonly id: string; readonly source: string };

interface Subject {
  readonly id: string;
  readonly source: string;
  readonly handler: string;
}

interface Held {
  readonly id: string;
  readonly handler: string;
  readonly row: readonly [string, number, string];
}

export function createTraceWriter(db: Database.Database) {
  const s = {
    insert: db.prepare(
      'INSERT INTO traces (event_id, source, handler, stage, at, detail) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    running: db.prepare(
      `SELECT DISTINCT e.source FROM deliveries d JOIN events e ON e.seq = d.event_seq
       WHERE e.id = ? AND d.handler = ? AND d.status = 'running'`,
    ),
    newest: db.prepare('SELECT source FROM events WHERE id = ? ORDER BY seq DESC LIMIT 1'),
    delivery: db.prepare(
      'SELECT e.id, e.source, d.handler FROM deliveries d JOIN events e ON e.seq = d.event_seq WHERE d.id = ?',
    ),
  };
  /** Set by `retry` and `deadLetter`: the trace that follows is about this delivery. */
  let next: Subject | undefined;
  const held: Held[] = [];

  const write = (id: string, source: string | null, handler: string | null, row: Held['row']) =>
    void s.insert.run(id, source, handler, ...row);

  function settle(subject: Subject): void {
    for (let i = 0; i < held.length; ) {
      const h = held[i] as Held;
      if (h.id === subject.id && h.handler === subject.handler) {
        write(h.id, subject.source, h.handler, h.row);
        held.splice(i, 1);
      } else i++;
    }
  }

  return {
    trace(
      subject: TraceSubject,
      handler: string | null,
      stage: string,
      at: number,
      detail: Record<string, unknown> = {},
    ) {
      const row = [stage, at, JSON.stringify(detail)] as const;
      const hint = next;
      next = undefined;
      if (typeof subject !== 'string') return write(subject.id, subject.source, handler, row);
      const id = subject;
      if (hint !== undefined && hint.id === id && hint.handler === handler)
        return write(id, hint.source, handler, row);
      const running = handler === null ? [] : (s.running.all(id, handler) as { source: string }[]);
      if (running.length === 1) return write(id, (running[0] as { source: string }).source, handler, row);
      if (running.length > 1 && handler !== null) return void held.push({ id, handler, row });
      write(id, (s.newest.get(id) as { source: string } | undefined)?.source ?? null, handler, row);
    },
    /** The delivery loop is done with this delivery (by id): traces waiting for it are written. */
    settled(deliveryId: number, traceFollows: boolean): void {
      if (held.length === 0 && !traceFollows) return;
      const subject = s.delivery.get(deliveryId) as Subject | undefined;
      if (subject === undefined) return;
      settle(subject);
      if (traceFollows) next = subject;
    },
    /** As `settled`, for a delivery whose event is at hand. */
    settledWith(subject: Subject): void {
      settle(subject);
      next = subject;
    },
  };
}
