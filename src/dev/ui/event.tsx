/**
 * One event's story: the CloudEvent, then per handler a timeline — matched or filtered (with the
 * handler's filter), each attempt with its outcome, duration, transform result, schema problems by JSON
 * pointer, error and stack, each retry with its due time, the dead letter — and Rerun.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import {
  type DeadLetter,
  getJson,
  type HandlerInfo,
  postJson,
  pretty,
  type Story,
  storyPath,
  type TraceRow,
  time,
} from './api.js';
import { Outcome } from './outcome.js';

export function EventPage({ id, source }: { id: string; source: string }) {
  const [story, setStory] = useState<Story>();
  const [handlers, setHandlers] = useState<HandlerInfo[]>([]);
  const [letters, setLetters] = useState<DeadLetter[]>([]);
  const [message, setMessage] = useState('');

  const load = useCallback(() => {
    getJson<Story>(storyPath(id, source)).then(setStory, (e: Error) => setMessage(e.message));
    getJson<DeadLetter[]>('/dead-letters').then(
      (all) => setLetters(all.filter((d) => d.envelope.id === id && d.envelope.source === source)),
      () => {},
    );
  }, [id, source]);
  useEffect(() => {
    load();
    getJson<HandlerInfo[]>('/ui/api/handlers').then(setHandlers, () => {});
    const stream = new EventSource('/ui/api/stream');
    stream.addEventListener('events', (e) => {
      const rows = JSON.parse((e as MessageEvent<string>).data) as { id: string; source: string }[];
      if (rows.some((r) => r.id === id && r.source === source)) load();
    });
    return () => stream.close();
  }, [load, id, source]);

  const act = (work: Promise<unknown>, done: string) =>
    work.then(
      () => {
        setMessage(done);
        load();
      },
      (e: Error) => setMessage(e.message),
    );
  const rerun = (handler?: string) =>
    act(postJson('/ui/api/rerun', { id, source, handler }), `Rerun of ${id} started.`);
  const redrive = (letter: number) =>
    act(postJson('/dead-letters/redrive', { ids: [letter] }), `Dead letter ${letter} redriven.`);

  if (story === undefined)
    return (
      <section>
        <h1 tabIndex={-1}>Event {id}</h1>
        <p role="status">{message || 'Loading…'}</p>
      </section>
    );
  const names = [...new Set(story.deliveries.map((d) => d.handler))];
  return (
    <section aria-labelledby="event-title">
      <h1 id="event-title" tabIndex={-1}>
        Event <code>{id}</code>
      </h1>
      <p class="meta">
        {story.event.type} from {story.event.source}, received {time(story.receivedAt)}
      </p>
      <p class="actions">
        <button type="button" onClick={() => rerun()}>
          Rerun
        </button>
        <span role="status">{message}</span>
      </p>
      <div class="columns">
        <section aria-labelledby="cloudevent">
          <h2 id="cloudevent">CloudEvent</h2>
          <pre>{pretty(story.event)}</pre>
        </section>
        <section aria-labelledby="timelines">
          <h2 id="timelines">Handlers</h2>
          {names.length === 0 && <p>No function listens for this event.</p>}
          {names.map((name) => (
            <Timeline
              key={name}
              name={name}
              story={story}
              info={handlers.find((h) => h.name === name)}
              letters={letters.filter((d) => d.handler === name)}
              rerun={() => rerun(name)}
              redrive={redrive}
            />
          ))}
        </section>
      </div>
    </section>
  );
}

function Timeline(props: {
  name: string;
  story: Story;
  info: HandlerInfo | undefined;
  letters: DeadLetter[];
  rerun: () => void;
  redrive: (id: number) => void;
}) {
  const { name, story, info, letters } = props;
  const delivery = story.deliveries.filter((d) => d.handler === name).at(-1);
  const traces = story.traces.filter((t) => t.handler === name);
  return (
    <article class="timeline" aria-label={`Handler ${name}`}>
      <h3>
        {name} {delivery && <Outcome status={delivery.status} />}
        <button type="button" class="small" onClick={props.rerun}>
          Rerun {name}
        </button>
      </h3>
      {delivery?.nextAt && <p>Next attempt due {time(delivery.nextAt)}</p>}
      <ol>
        {traces.map((trace, i) => (
          <li key={i}>
            <Step trace={trace} filter={info?.filter} />
          </li>
        ))}
      </ol>
      {letters.map((letter) => (
        <div class="dead-letter" key={letter.id}>
          <h4>Dead letter {letter.id}</h4>
          <p>{letter.reason}</p>
          <button type="button" onClick={() => props.redrive(letter.id)}>
            Redrive dead letter {letter.id}
          </button>
          <details>
            <summary>Envelope</summary>
            <pre>{pretty(letter.envelope)}</pre>
          </details>
        </div>
      ))}
    </article>
  );
}

function Step({ trace, filter }: { trace: TraceRow; filter: unknown }) {
  const d = trace.detail as Record<string, string | number | undefined> & {
    problems?: { pointer: string; message: string }[];
  };
  const when = <time dateTime={new Date(trace.at).toISOString()}>{time(trace.at)}</time>;
  if (trace.stage === 'filtered')
    return (
      <>
        {when} <Outcome status="filtered" />{' '}
        {typeof d.reason === 'string' ? d.reason : "the handler's filter did not match"}
        {filter !== undefined && filter !== null && (
          <details>
            <summary>Filter</summary>
            <pre>{pretty(filter)}</pre>
          </details>
        )}
      </>
    );
  if (trace.stage === 'retry-scheduled')
    return (
      <>
        {when} retry scheduled, due {time(String(d.at))}
      </>
    );
  if (trace.stage === 'dead-lettered')
    return (
      <>
        {when} dead-lettered: {d.reason}
      </>
    );
  if (!trace.stage.startsWith('attempt-'))
    return (
      <>
        {when} {trace.stage}
      </>
    );
  return (
    <>
      {when} attempt {trace.stage.slice(8)} <Outcome status={String(d.outcome)} />
      {d.ms !== undefined && <span class="ms"> {d.ms} ms</span>}
      {d.transport && <span> via {d.transport}</span>}
      {d.error && (
        <p class="error">
          {d.stage} failed: {d.error}
          {d.location && <span> (at {d.location})</span>}
        </p>
      )}
      {d.problems && (
        <table class="problems">
          <caption>Schema problems</caption>
          <thead>
            <tr>
              <th scope="col">JSON pointer</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {d.problems.map((p) => (
              <tr key={p.pointer + p.message}>
                <td>
                  <code>{p.pointer}</code>
                </td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.stack && (
        <details>
          <summary>Stack</summary>
          <pre>{d.stack}</pre>
        </details>
      )}
      {d.input && (
        <details>
          <summary>Transform result (what the handler received)</summary>
          <pre>{d.input}</pre>
        </details>
      )}
    </>
  );
}
