/** Each function: what feeds it (live triggers), its filter, schema, retry policy and delivery counts. */
import { useEffect, useState } from 'preact/hooks';
import { getJson, type HandlerInfo, pretty } from './api.js';
import { Outcome } from './outcome.js';

export function HandlersPage() {
  const [handlers, setHandlers] = useState<HandlerInfo[]>();
  const [error, setError] = useState('');
  useEffect(
    () =>
      void getJson<HandlerInfo[]>('/ui/api/handlers').then(setHandlers, (e: Error) => setError(e.message)),
    [],
  );
  return (
    <section aria-labelledby="handlers-title">
      <h1 id="handlers-title" tabIndex={-1}>
        Handlers
      </h1>
      {error && <p role="alert">{error}</p>}
      {handlers?.length === 0 && <p>No handlers are loaded.</p>}
      <div class="cards">
        {handlers?.map((h) => (
          <article class="card" key={h.name} aria-labelledby={`h-${h.name}`}>
            <h2 id={`h-${h.name}`}>
              {h.name}
              {h.handler !== h.name && <span class="meta"> ({h.handler})</span>}
            </h2>
            <dl>
              <dt>Listens to</dt>
              <dd>{h.listensTo}</dd>
              <dt>Deliveries</dt>
              <dd>
                {Object.keys(h.counts).length === 0
                  ? 'none yet'
                  : Object.entries(h.counts).map(([status, n]) => (
                      <span key={status} class="count">
                        <Outcome status={status} /> {n}
                      </span>
                    ))}
              </dd>
              <dt>Retry policy</dt>
              <dd>
                <pre>{pretty(h.retry)}</pre>
              </dd>
              {h.deadLetter !== null && (
                <>
                  <dt>Dead letters</dt>
                  <dd>{pretty(h.deadLetter)}</dd>
                </>
              )}
            </dl>
            <details>
              <summary>Sources</summary>
              <pre>{pretty(h.sources)}</pre>
            </details>
            <details>
              <summary>Filter</summary>
              <pre>{h.filter === null ? 'none: every event' : pretty(h.filter)}</pre>
            </details>
            <details>
              <summary>Schema</summary>
              <pre>{h.schema === null ? 'none' : pretty(h.schema)}</pre>
            </details>
          </article>
        ))}
      </div>
    </section>
  );
}
