/**
 * The emulator's read-and-repair routes over its store: an event's story, dead letters and their redrive,
 * and replay of archived events through the bus.
 */

import { explainFilter } from '../testing/outcomes.js';
import type { createBus } from './bus.js';
import type { Clock } from './clock.js';
import { functionsNamed, knownFunctions, type NamedFunction, resolveFunction } from './function-names.js';
import { HttpProblem, type Route, type RouteRequest, send } from './router.js';
import type { EventStory } from './store/queries.js';
import type { Store } from './store/store.js';

export interface StateRoutesContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly bus: ReturnType<typeof createBus>;
  readonly functions: () => readonly NamedFunction[];
  /** Starts a delivery pass. */
  readonly kick: () => void;
}

export function stateRoutes(context: StateRoutesContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/events',
      summary: 'the newest events and their deliveries (?handler=<function or handler name>&limit=50)',
      handle: (request) => serveList(context, request),
    },
    {
      method: 'GET',
      path: '/events/:id',
      summary: "an event's deliveries and traces (?source= when two sources sent the same id)",
      handle: (request) => serveStory(context, request),
    },
    {
      method: 'GET',
      path: '/dead-letters',
      summary: 'dead letters not yet redriven (?handler=<function or handler name>)',
      handle: ({ res, query }) =>
        send(res, 200, context.store.deadLetters({ handler: query.get('handler') ?? undefined })),
    },
    {
      method: 'POST',
      path: '/dead-letters/redrive',
      summary: 'send dead letters back to their handlers (all, or {"ids":[…]})',
      changesState: true,
      handle: (request) => serveRedrive(context, request),
    },
    {
      method: 'POST',
      path: '/replay',
      summary: 'archived events back through the bus (?from=&to=&handler=)',
      changesState: true,
      handle: (request) => replay(context, request),
    },
  ];
}

/** The most events `GET /events` lists at once. */
const MAX_LISTED = 1_000;

/**
 * The newest events, newest first, each with its deliveries; `?handler=` keeps those delivered to that
 * function (named by its key or its handler's name).
 */
function serveList({ store, functions }: StateRoutesContext, { res, query }: RouteRequest): void {
  const limit = query.get('limit') ?? '50';
  if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LISTED)
    throw new HttpProblem(
      400,
      'E_BAD_REQUEST',
      `?limit= must be a whole number from 1 to ${MAX_LISTED}, got ${JSON.stringify(limit)}.`,
    );
  const handler = query.get('handler');
  // A name no function has any more may still be a key the store's deliveries carry.
  const named = handler === null ? undefined : functionsNamed(functions(), handler).map((fn) => fn.name);
  const handlers = handler === null ? undefined : named?.length ? named : [handler];
  send(res, 200, store.recentEvents({ handlers, limit: Number(limit) }));
}

/**
 * One story per event. CloudEvents ids are unique per source only: when two sources sent the same id,
 * `?source=` picks one, and without it the answer is 300 listing each, so they are never mixed.
 */
function serveStory(context: StateRoutesContext, { res, params, query }: RouteRequest): void {
  const id = params.id ?? '';
  const source = query.get('source');
  const stories = context.store
    .stories(id)
    .filter((s) => source === null || s.event.source === source)
    .map((story) => withFilterReasons(story, context.functions()));
  const [only] = stories;
  if (only === undefined) {
    const of = source === null ? '' : ` from source ${JSON.stringify(source)}`;
    send(res, 404, { error: 'E_NOT_FOUND', message: `No event with id ${JSON.stringify(id)}${of}.` });
    return;
  }
  if (stories.length === 1) {
    send(res, 200, only);
    return;
  }
  const links = stories.map(
    (s) => `/events/${encodeURIComponent(id)}?source=${encodeURIComponent(s.event.source)}`,
  );
  send(
    res,
    300,
    {
      error: 'E_AMBIGUOUS_ID',
      message: `${stories.length} events have id ${JSON.stringify(id)}, from sources ${stories.map((s) => JSON.stringify(s.event.source)).join(', ')}; ask for one: ${links[0]}.`,
      events: stories.map((story, i) => ({ source: story.event.source, href: links[i], story })),
    },
    { location: links[0] as string },
  );
}

/**
 * A filtered handler's trace says which part of its filter the event missed (`data.total was 12`), worked
 * out when the story is read, so that accepting an event costs nothing more.
 */
function withFilterReasons(story: EventStory, functions: readonly NamedFunction[]): EventStory {
  if (!story.traces.some((t) => t.stage === 'filtered')) return story;
  const traces = story.traces.map((trace) => {
    if (trace.stage !== 'filtered' || trace.handler === null) return trace;
    const [fn] = functionsNamed(functions, trace.handler);
    if (fn === undefined) return trace;
    return {
      ...trace,
      detail: { ...trace.detail, reason: explainFilter(fn.handler.definition, story.event) },
    };
  });
  return { ...story, traces };
}

/** Redrives the dead letters listed as `{"ids":[1,2]}` (or `?ids=1,2`), or all of them. */
function serveRedrive(context: StateRoutesContext, { res, body, query }: RouteRequest): void {
  const { store, clock } = context;
  let ids: unknown = query.get('ids')?.split(',');
  if (body.length > 0) {
    try {
      ids = (JSON.parse(body.toString('utf8')) as { ids?: unknown })?.ids;
    } catch (error) {
      throw new HttpProblem(
        400,
        'E_BAD_REQUEST',
        `The body must be JSON such as {"ids":[1,2]}: ${(error as Error).message}.`,
      );
    }
  }
  const chosen = ids === undefined || ids === null ? store.deadLetters().map((d) => d.id) : parseIds(ids);
  const redriven = store.redrive(chosen, clock.now());
  context.kick();
  send(res, 200, { redriven });
}

function parseIds(ids: unknown): number[] {
  const list = Array.isArray(ids) ? ids : [ids];
  const bad = list.find((id) => !/^[1-9]\d*$/.test(String(id).trim()));
  if (bad !== undefined)
    throw new HttpProblem(
      400,
      'E_BAD_REQUEST',
      `Dead-letter ids are positive integers (GET /dead-letters lists them), got ${JSON.stringify(bad ?? ids)}.`,
    );
  return list.map((id) => Number(String(id).trim()));
}

/**
 * Replays archived events received in [from, to) through the bus (or to one handler), as EventBridge
 * replays do: each replayed event carries a `replayname` extension so handlers can tell.
 */
function replay(context: StateRoutesContext, { res, query }: RouteRequest): void {
  const { store, clock, bus } = context;
  const from = Date.parse(query.get('from') ?? '');
  const to = query.get('to') === null ? clock.now() : Date.parse(query.get('to') ?? '');
  const handler = query.get('handler') ?? undefined;
  if (Number.isNaN(from) || Number.isNaN(to)) {
    send(res, 400, {
      error: 'E_CONFIG',
      message: 'Replay needs ?from=<ISO time>[&to=<ISO time>][&handler=<function>].',
    });
    return;
  }
  const fn = handler === undefined ? undefined : resolveFunction(context.functions(), handler);
  if (handler !== undefined && fn === undefined) {
    send(res, 404, {
      error: 'E_NOT_FOUND',
      message: `No function ${JSON.stringify(handler)}; known: ${knownFunctions(context.functions())}.`,
    });
    return;
  }
  const replayname = `replay-${new Date(clock.now()).toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const events = store.archived(from, to).filter((e) => e.replayname === undefined);
  store.transaction(() => {
    for (const event of events) bus.accept(Object.freeze({ ...event, replayname }), clock.now(), fn?.name);
  });
  context.kick();
  send(res, 202, { replayname, replayed: events.map((e) => e.id) });
}
