/** The emulator's web UI: a page per hash route (`#/`, `#/event?…`, `#/handlers`…), preact, no router library. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DeadLettersPage } from './dead-letters.js';
import { EventPage } from './event.js';
import { HandlersPage } from './handlers.js';
import { ReplayPage } from './replay.js';
import { SendPage } from './send.js';
import { StreamPage } from './stream.js';
import './style.css';

const PAGES = [
  ['#/', 'Events'],
  ['#/handlers', 'Handlers'],
  ['#/dead-letters', 'Dead letters'],
  ['#/replay', 'Replay'],
  ['#/send', 'Send an event'],
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const changed = () => setHash(location.hash || '#/');
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function Page({ hash }: { hash: string }) {
  const [path = '', search = ''] = hash.slice(1).split('?');
  const params = new URLSearchParams(search);
  if (path === '/event') return <EventPage id={params.get('id') ?? ''} source={params.get('source') ?? ''} />;
  if (path === '/handlers') return <HandlersPage />;
  if (path === '/dead-letters') return <DeadLettersPage />;
  if (path === '/replay') return <ReplayPage />;
  if (path === '/send') return <SendPage />;
  return <StreamPage />;
}

function App() {
  const hash = useHash();
  const current = PAGES.find(([href]) => href !== '#/' && hash.startsWith(href))?.[0] ?? '#/';
  useEffect(() => document.querySelector<HTMLElement>('main h1')?.focus(), [hash]);
  return (
    <>
      <header>
        <strong class="brand">triggerkit dev</strong>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={href === current ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page hash={hash} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
