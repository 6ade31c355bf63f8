/**
 * The emulator's read-and-repair routes over its store: an event's story, dead letters and their redrive,
 * and replay of archived events through the bus.
 */
import type { ServerResponse } from 'node:http';
import type { createBus } from './bus.js';
import type { Clock } from './clock.js';
import { archivedEvents, eventStory, listDeadLetters, redriveDeadLetters } from './store/queries.js';
import type { Store } from './store/store.js';

export interface StateRoutesContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly bus: ReturnType<typeof createBus>;
  readonly functionNames: () => string[];
  /** Starts a delivery pass. */
  readonly kick: () => void;
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Answers the request when it is one of these routes; false otherwise. */
export function serveStateRoute(
  context: StateRoutesContext,
  method: string,
  url: URL,
  res: ServerResponse,
): boolean {
  const { store, clock } = context;
  const path = url.pathname;
  if (method === 'GET' && path.startsWith('/events/')) {
    const id = decodeURIComponent(path.slice('/events/'.length));
    const story = eventStory(store, id);
    if (story) send(res, 200, story);
    else send(res, 404, { error: 'E_NOT_FOUND', message: `No event with id ${JSON.stringify(id)}.` });
    return true;
  }
  if (method === 'GET' && path === '/dead-letters') {
    send(res, 200, listDeadLetters(store));
    return true;
  }
  if (method === 'POST' && path === '/dead-letters/redrive') {
    const redriven = redriveDeadLetters(
      store,
      listDeadLetters(store).map((d) => d.id),
      clock.now(),
    );
    context.kick();
    send(res, 200, { redriven });
    return true;
  }
  if (method === 'POST' && path === '/replay') {
    replay(context, url.searchParams, res);
    return true;
  }
  return false;
}

/**
 * Replays archived events received in [from, to) through the bus (or to one handler), as EventBridge
 * replays do: each replayed event carries a `replayname` extension so handlers can tell.
 */
function replay(context: StateRoutesContext, params: URLSearchParams, res: ServerResponse): void {
  const { store, clock, bus } = context;
  const from = Date.parse(params.get('from') ?? '');
  const to = params.get('to') === null ? clock.now() : Date.parse(params.get('to') ?? '');
  const handler = params.get('handler') ?? undefined;
  if (Number.isNaN(from) || Number.isNaN(to)) {
    send(res, 400, {
      error: 'E_CONFIG',
      message: 'Replay needs ?from=<ISO time>[&to=<ISO time>][&handler=<function>].',
    });
    return;
  }
  const names = context.functionNames();
  if (handler !== undefined && !names.includes(handler)) {
    send(res, 404, {
      error: 'E_NOT_FOUND',
      message: `No function ${JSON.stringify(handler)}; known: ${names.join(', ')}.`,
    });
    return;
  }
  const replayname = `replay-${new Date(clock.now()).toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const events = archivedEvents(store, from, to).filter((e) => e.replayname === undefined);
  store.db.transaction(() => {
    for (const event of events) bus.accept(Object.freeze({ ...event, replayname }), clock.now(), handler);
  })();
  context.kick();
  send(res, 202, { replayname, replayed: events.map((e) => e.id) });
}
