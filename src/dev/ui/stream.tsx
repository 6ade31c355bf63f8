/**
 * The live event stream: a page of the newest events (100 at a time, older ones on request, so 10,000
 * stored events load as fast as 100), kept current by the server-sent events of `/ui/api/stream`, with
 * a filter by id, type or source, handler and outcome (applied by the server, and to pushed rows here).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type EventRow, eventHref, getJson, type HandlerInfo, STATUSES, time } from './api.js';
import { Outcome } from './outcome.js';

const PAGE = 100;

interface Filter {
  q: string;
  handler: string;
  status: string;
}

function matches(row: EventRow, f: Filter): boolean {
  const q = f.q.toLowerCase();
  if (q && ![row.id, row.type, row.source].some((v) => v.toLowerCase().includes(q))) return false;
  if (!f.handler && !f.status) return true;
  return row.deliveries.some(
    (d) => (!f.handler || d.handler === f.handler) && (!f.status || d.status === f.status),
  );
}

const query = (f: Filter, before?: number) =>
  new URLSearchParams({
    limit: String(PAGE),
    ...(f.q && { q: f.q }),
    ...(f.handler && { handler: f.handler }),
    ...(f.status && { status: f.status }),
    ...(before !== undefined && { before: String(before) }),
  }).toString();

/** Rows pushed by the stream replace the same seq, or are put in order at the top. */
function merge(rows: EventRow[], pushed: EventRow[], filter: Filter): EventRow[] {
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const oldest = rows.at(-1)?.seq ?? 0;
  for (const row of pushed)
    if (bySeq.has(row.seq) || (row.seq > oldest && matches(row, filter))) bySeq.set(row.seq, row);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq);
}

export function StreamPage() {
  const [filter, setFilter] = useState<Filter>({ q: '', handler: '', status: '' });
  const [rows, setRows] = useState<EventRow[]>([]);
  const [more, setMore] = useState(false);
  const [live, setLive] = useState('connecting…');
  const [error, setError] = useState('');
  const [handlers, setHandlers] = useState<HandlerInfo[]>([]);
  const [opened, setOpened] = useState(0);

  useEffect(() => void getJson<HandlerInfo[]>('/ui/api/handlers').then(setHandlers, () => {}), []);

  // The filter the stream's pushed rows are held to, without reopening the stream on each keystroke.
  const current = useRef(filter);
  current.current = filter;

  useEffect(() => {
    let stopped = false;
    getJson<EventRow[]>(`/ui/api/events?${query(filter)}`).then(
      (page) => {
        if (stopped) return;
        setRows(page);
        setMore(page.length === PAGE);
        setError('');
      },
      (e: Error) => setError(e.message),
    );
    return () => {
      stopped = true;
    };
  }, [filter, opened]);

  useEffect(() => {
    const stream = new EventSource('/ui/api/stream');
    // Loaded (again) once the stream listens: nothing received in between is missed.
    stream.onopen = () => {
      setLive('live');
      setOpened((n) => n + 1);
    };
    stream.onerror = () => setLive('reconnecting…');
    stream.addEventListener('events', (e) => {
      const pushed = JSON.parse((e as MessageEvent<string>).data) as EventRow[];
      setRows((rows) => merge(rows, pushed, current.current));
    });
    return () => stream.close();
  }, []);

  // The first time the list is on screen, for the browser test's timing (performance.getEntriesByName).
  useEffect(() => {
    if (rows.length > 0 && performance.getEntriesByName('events-listed').length === 0)
      performance.mark('events-listed');
  }, [rows]);

  const older = () =>
    getJson<EventRow[]>(`/ui/api/events?${query(filter, rows.at(-1)?.seq)}`).then((page) => {
      setRows((current) => [...current, ...page]);
      setMore(page.length === PAGE);
    });

  const handlerNames = useMemo(() => handlers.map((h) => h.name), [handlers]);
  const set = (key: keyof Filter) => (e: Event) =>
    setFilter({ ...filter, [key]: (e.currentTarget as HTMLInputElement).value });

  return (
    <section aria-labelledby="stream-title">
      <h1 id="stream-title" tabIndex={-1}>
        Events{' '}
        <span class="live" role="status">
          {live}
        </span>
      </h1>
      <form class="filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search id, type or source
          <input type="search" value={filter.q} onInput={set('q')} placeholder="order.created" />
        </label>
        <label>
          Handler
          <select value={filter.handler} onChange={set('handler')}>
            <option value="">any</option>
            {handlerNames.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select value={filter.status} onChange={set('status')}>
            <option value="">any</option>
            {STATUSES.map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </label>
      </form>
      {error && <p role="alert">{error}</p>}
      <table class="events">
        <caption class="visually-hidden">Events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Event</th>
            <th scope="col">Source</th>
            <th scope="col">Trigger</th>
            <th scope="col">Handlers</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <Row key={row.seq} row={row} />
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !error && <p>No events yet. Send one from “Send an event”, or POST /events.</p>}
      {more && (
        <button type="button" onClick={older}>
          Older events
        </button>
      )}
    </section>
  );
}

function Row({ row }: { row: EventRow }) {
  const triggers = [...new Set(row.deliveries.map((d) => d.transport ?? 'bus'))];
  return (
    <tr>
      <td data-label="Received">{time(row.receivedAt)}</td>
      <td data-label="Event">
        <a href={eventHref(row.id, row.source)}>{row.id}</a>
        <div class="type">{row.type}</div>
      </td>
      <td data-label="Source">{row.source}</td>
      <td data-label="Trigger">{triggers.join(', ') || '—'}</td>
      <td data-label="Handlers">
        <ul class="outcomes">
          {row.deliveries.map((d) => (
            <li key={d.handler}>
              {d.handler} <Outcome status={d.status} />
              {d.attempts > 1 && <span> ×{d.attempts}</span>}
              {d.ms !== null && <span class="ms"> {d.ms} ms</span>}
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}
