/**
 * Send an event: to the bus as a CloudEvent, or as the raw event of a source a handler declares
 * (`POST /sources/<kind>`), pre-filled from the sample-event generator.
 */
import { useEffect, useState } from 'preact/hooks';
import { eventHref, getJson, postJson, pretty, type SendChoice } from './api.js';

export function SendPage() {
  const [choices, setChoices] = useState<SendChoice[]>([]);
  const [kind, setKind] = useState('bus');
  const [text, setText] = useState('');
  const [message, setMessage] = useState<preact.ComponentChildren>('');
  useEffect(
    () =>
      void getJson<SendChoice[]>('/ui/api/samples').then((all) => {
        setChoices(all);
        setText(pretty(all[0]?.sample ?? {}));
      }),
    [],
  );
  const choice = choices.find((c) => c.kind === kind);

  const pick = (next: string) => {
    setKind(next);
    setText(pretty(choices.find((c) => c.kind === next)?.sample ?? {}));
  };

  const submit = (e: Event) => {
    e.preventDefault();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      setMessage(`Not JSON: ${(error as Error).message}`);
      return;
    }
    const sent =
      kind === 'bus'
        ? postJson<{ accepted: string[] }>('/events', body, 'application/cloudevents+json').then((r) => {
            const event = body as { id: string; source: string };
            setMessage(
              <>
                Accepted <a href={eventHref(event.id, event.source)}>{r.accepted.join(', ')}</a>.
              </>,
            );
            setText(pretty({ ...event, id: `ui-${Date.now().toString(36)}` }));
          })
        : postJson<{ reached: { function: string; failed: number }[] }>(`/sources/${kind}`, {
            items: [body],
          }).then((r) =>
            setMessage(
              `Sent as ${kind} to ${r.reached.map((f) => `${f.function}${f.failed ? ' (failed)' : ''}`).join(', ') || 'no function'}.`,
            ),
          );
    sent.catch((error: Error) => setMessage(error.message));
  };

  return (
    <section aria-labelledby="send-title">
      <h1 id="send-title" tabIndex={-1}>
        Send an event
      </h1>
      <form class="stack" onSubmit={submit}>
        <label>
          Send to
          <select value={kind} onChange={(e) => pick(e.currentTarget.value)}>
            {choices.map((c) => (
              <option key={c.kind} value={c.kind}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {choice && <p class="meta">Reaches: {choice.functions.join(', ') || 'no function'}</p>}
        <label>
          {kind === 'bus' ? 'CloudEvent (JSON)' : 'Record data (JSON)'}
          <textarea
            rows={14}
            spellcheck={false}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Send</button>
      </form>
      <p role="status">{message}</p>
    </section>
  );
}
