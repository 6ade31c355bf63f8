/**
 * What the web UI reads of the store beyond the JSON routes: a page of event summaries (filtered, newest
 * first, paged by a cursor so 10,000 events load as fast as 10), the summaries of events that changed
 * since a mark (for the live stream), and counts per handler.
 */
import type Database from 'better-sqlite3';

/** One row of the stream: the event, and per handler its outcome, attempts, live trigger and duration. */
export interface EventRow {
  readonly seq: number;
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly receivedAt: string;
  readonly deliveries: readonly {
    handler: string;
    status: string;
    attempts: number;
    /** The live trigger that delivered it (`aws:sqs`…); null: the bus. */
    transport: string | null;
    /** The last attempt's duration in ms, when one was made. */
    ms: number | null;
  }[];
}

export interface EventFilter {
  /** Matched against id, type and source (a substring). */
  readonly text?: string;
  readonly handler?: string;
  readonly status?: string;
  /** Only events older than this `seq` (the cursor of the next page). */
  readonly before?: number;
  readonly limit: number;
}

/** A point in the store's history: everything up to it has been seen. */
export interface Mark {
  readonly seq: number;
  readonly trace: number;
}

export function createWebQueries(db: Database.Database) {
  const q = {
    page: db.prepare(
      `SELECT seq, id, source, type, received_at FROM events e
       WHERE (@before IS NULL OR seq < @before)
         AND (@text IS NULL OR instr(lower(id), @text) > 0 OR instr(lower(type), @text) > 0
              OR instr(lower(source), @text) > 0)
         AND (@handler IS NULL AND @status IS NULL OR EXISTS (SELECT 1 FROM deliveries d
              WHERE d.event_seq = e.seq AND (@handler IS NULL OR d.handler = @handler)
                AND (@status IS NULL OR d.status = @status)))
       ORDER BY seq DESC LIMIT @limit`,
    ),
    bySeq: db.prepare('SELECT seq, id, source, type, received_at FROM events WHERE seq = ?'),
    deliveries: db.prepare(
      'SELECT handler, status, attempts, transport FROM deliveries WHERE event_seq = ? ORDER BY id',
    ),
    durations: db.prepare(
      `SELECT handler, json_extract(detail, '$.ms') AS ms FROM traces
       WHERE event_id = ? AND source = ? AND stage LIKE 'attempt-%' ORDER BY id`,
    ),
    mark: db.prepare(
      'SELECT (SELECT ifnull(max(seq), 0) FROM events) AS seq, (SELECT ifnull(max(id), 0) FROM traces) AS trace',
    ),
    newEvents: db.prepare('SELECT seq FROM events WHERE seq > ? ORDER BY seq LIMIT 500'),
    traced: db.prepare(
      `SELECT DISTINCT e.seq FROM traces t JOIN events e ON e.id = t.event_id AND e.source = t.source
       WHERE t.id > ? AND t.id <= ? AND e.seq <= ?`,
    ),
    counts: db.prepare('SELECT handler, status, count(*) AS n FROM deliveries GROUP BY handler, status'),
  };

  function row(raw: RawEvent): EventRow {
    const ms = new Map<string, number>();
    for (const t of q.durations.all(raw.id, raw.source) as { handler: string; ms: number | null }[])
      if (typeof t.ms === 'number') ms.set(t.handler, t.ms);
    const deliveries = q.deliveries.all(raw.seq) as Omit<EventRow['deliveries'][number], 'ms'>[];
    return {
      seq: raw.seq,
      id: raw.id,
      source: raw.source,
      type: raw.type,
      receivedAt: new Date(raw.received_at).toISOString(),
      deliveries: deliveries.map((d) => ({ ...d, ms: ms.get(d.handler) ?? null })),
    };
  }

  return {
    page(filter: EventFilter): EventRow[] {
      const raws = q.page.all({
        before: filter.before ?? null,
        text: filter.text ? filter.text.toLowerCase() : null,
        handler: filter.handler || null,
        status: filter.status || null,
        limit: filter.limit,
      }) as RawEvent[];
      return raws.map(row);
    },
    mark: () => q.mark.get() as Mark,
    /** The events received or traced after `since`, up to `now` (a mark taken just before). */
    changedSince(since: Mark, now: Mark): EventRow[] {
      const seqs = new Set<number>();
      for (const r of q.newEvents.all(since.seq) as { seq: number }[]) if (r.seq <= now.seq) seqs.add(r.seq);
      for (const r of q.traced.all(since.trace, now.trace, now.seq) as { seq: number }[]) seqs.add(r.seq);
      return [...seqs]
        .sort((a, b) => a - b)
        .flatMap((seq) => {
          const raw = q.bySeq.get(seq) as RawEvent | undefined;
          return raw === undefined ? [] : [row(raw)];
        });
    },
    /** Deliveries per handler (function key) and status. */
    counts(): Map<string, Record<string, number>> {
      const counts = new Map<string, Record<string, number>>();
      for (const r of q.counts.all() as { handler: string; status: string; n: number }[]) {
        const byStatus = counts.get(r.handler) ?? {};
        byStatus[r.status] = r.n;
        counts.set(r.handler, byStatus);
      }
      return counts;
    },
  };
}

export type WebQueries = ReturnType<typeof createWebQueries>;

interface RawEvent {
  seq: number;
  id: string;
  source: string;
  type: string;
  received_at: number;
}
