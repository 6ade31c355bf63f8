/** Replay: the events received in a time range back through the bus, to every handler or to one. */
import { useEffect, useState } from 'preact/hooks';
import { getJson, type HandlerInfo, postJson } from './api.js';

/** A `datetime-local` value (local time, to the minute) for a moment. */
const local = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

export function ReplayPage() {
  const [handlers, setHandlers] = useState<HandlerInfo[]>([]);
  const [from, setFrom] = useState(local(Date.now() - 3_600_000));
  const [to, setTo] = useState(local(Date.now() + 60_000));
  const [handler, setHandler] = useState('');
  const [message, setMessage] = useState('');
  useEffect(() => void getJson<HandlerInfo[]>('/ui/api/handlers').then(setHandlers, () => {}), []);

  const submit = (e: Event) => {
    e.preventDefault();
    const params = new URLSearchParams({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...(handler && { handler }),
    });
    postJson<{ replayname: string; replayed: string[] }>(`/replay?${params}`, {}).then(
      (r) => setMessage(`${r.replayname}: ${r.replayed.length} events replayed.`),
      (error: Error) => setMessage(error.message),
    );
  };

  return (
    <section aria-labelledby="replay-title">
      <h1 id="replay-title" tabIndex={-1}>
        Replay
      </h1>
      <p>
        Events received in the range go through the bus again, each with a <code>replayname</code> extension
        so handlers can tell.
      </p>
      <form class="stack" onSubmit={submit}>
        <label>
          From
          <input
            type="datetime-local"
            required
            value={from}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </label>
        <label>
          To
          <input type="datetime-local" required value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          Handler
          <select value={handler} onChange={(e) => setHandler(e.currentTarget.value)}>
            <option value="">every handler on the bus</option>
            {handlers.map((h) => (
              <option key={h.name}>{h.name}</option>
            ))}
          </select>
        </label>
        <button type="submit">Replay</button>
      </form>
      <p role="status">{message}</p>
    </section>
  );
}
