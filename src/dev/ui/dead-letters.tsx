/** Dead letters not yet redriven: redrive one, the selected ones, or all. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { type DeadLetter, eventHref, getJson, postJson, time } from './api.js';

export function DeadLettersPage() {
  const [letters, setLetters] = useState<DeadLetter[]>();
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [message, setMessage] = useState('');
  const load = useCallback(
    () => getJson<DeadLetter[]>('/dead-letters').then(setLetters, (e: Error) => setMessage(e.message)),
    [],
  );
  useEffect(() => void load(), [load]);

  const redrive = (ids?: number[]) =>
    postJson<{ redriven: number[] }>('/dead-letters/redrive', ids === undefined ? {} : { ids }).then(
      ({ redriven }) => {
        setMessage(`Redriven: ${redriven.length === 0 ? 'none' : redriven.join(', ')}.`);
        setChosen(new Set());
        void load();
      },
      (e: Error) => setMessage(e.message),
    );
  const toggle = (id: number) => {
    const next = new Set(chosen);
    if (!next.delete(id)) next.add(id);
    setChosen(next);
  };

  return (
    <section aria-labelledby="dl-title">
      <h1 id="dl-title" tabIndex={-1}>
        Dead letters
      </h1>
      <p class="actions">
        <button type="button" disabled={chosen.size === 0} onClick={() => redrive([...chosen])}>
          Redrive selected ({chosen.size})
        </button>
        <button type="button" disabled={!letters?.length} onClick={() => redrive()}>
          Redrive all
        </button>
        <span role="status">{message}</span>
      </p>
      {letters?.length === 0 && <p>No dead letters.</p>}
      {letters !== undefined && letters.length > 0 && (
        <table class="letters">
          <caption class="visually-hidden">Dead letters, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Select</th>
              <th scope="col">Dead-lettered</th>
              <th scope="col">Event</th>
              <th scope="col">Handler</th>
              <th scope="col">Why</th>
              <th scope="col">Redrive</th>
            </tr>
          </thead>
          <tbody>
            {letters.map((d) => (
              <tr key={d.id}>
                <td data-label="Select">
                  <input
                    type="checkbox"
                    aria-label={`Select dead letter ${d.id}`}
                    checked={chosen.has(d.id)}
                    onChange={() => toggle(d.id)}
                  />
                </td>
                <td data-label="Dead-lettered">{time(d.createdAt)}</td>
                <td data-label="Event">
                  <a href={eventHref(d.envelope.id, d.envelope.source)}>{d.envelope.id}</a>
                  <div class="type">{d.envelope.type}</div>
                </td>
                <td data-label="Handler">{d.handler}</td>
                <td data-label="Why">
                  {d.reason}: {String(d.envelope.dlerror ?? '')}
                </td>
                <td data-label="Redrive">
                  <button type="button" onClick={() => redrive([d.id])}>
                    Redrive {d.id}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
