/**
 * The web UI's routes: the page and its files at `/ui/`, and the JSON it reads beyond the emulator's
 * own routes (`/events/<id>`, `/dead-letters`, `/replay`, `POST /events`, `/sources/<kind>`, which it
 * calls as any client would): a filtered page of events, the live stream, the handlers, the send form's
 * samples, and Rerun. Rerun, like every route that changes state, refuses what a page of another site
 * could send (guard.ts).
 */

import { HttpProblem, type Route, type RouteRequest, send } from '../router.js';
import type { EmulatorFunction } from '../run-delivery.js';
import type { Store } from '../store/store.js';
import { describeHandlers, sendChoices } from './handlers.js';
import { createWebQueries } from './queries.js';
import { serveUiFile, UI_DIR } from './static.js';
import { createStream } from './stream.js';

export interface WebRoutesContext {
  readonly store: Store;
  readonly now: () => number;
  readonly functions: () => readonly EmulatorFunction[];
  readonly listensTo: (fn: EmulatorFunction) => string;
  /** Starts a delivery pass. */
  readonly kick: () => void;
  /** Where the built UI is; default the package's `dist/ui`. */
  readonly dir?: string;
}

/** The most events one page of the stream holds. */
const MAX_PAGE = 500;

export function webRoutes(context: WebRoutesContext) {
  const queries = createWebQueries(context.store.db);
  const stream = createStream(queries);
  const dir = context.dir ?? UI_DIR;
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/ui/api/events',
      summary: 'a page of events, newest first (?q=&handler=&status=&before=<seq>&limit=100)',
      handle: ({ res, query }) => send(res, 200, queries.page(readFilter(query))),
    },
    {
      method: 'GET',
      path: '/ui/api/stream',
      summary: 'server-sent events: each event received or whose story moved on',
      handle: ({ res }) => stream.open(res),
    },
    {
      method: 'GET',
      path: '/ui/api/handlers',
      summary: 'each function: sources, live triggers, filter, schema, retry policy, counts',
      handle: ({ res }) =>
        send(res, 200, describeHandlers(context.functions(), context.listensTo, queries.counts())),
    },
    {
      method: 'GET',
      path: '/ui/api/samples',
      summary: "the send form's choices: the bus and each declared source kind, with a sample",
      handle: ({ res }) => send(res, 200, sendChoices(context.functions(), context.now())),
    },
    {
      method: 'POST',
      path: '/ui/api/rerun',
      summary: 'runs a stored event again through its handlers ({"id","source","handler"?})',
      changesState: true,
      handle: (request) => rerun(context, request),
    },
    // Last: `/ui/*file` would take the API's paths too.
    {
      method: 'GET',
      path: '/ui/*file',
      summary: 'the web UI: the live event stream, events, handlers, dead letters, replay, send',
      handle: (request) => serveUiFile(dir, request),
    },
  ];
  return { routes, close: () => stream.close() };
}

function readFilter(query: URLSearchParams) {
  const limit = Number(query.get('limit') ?? 100);
  const before = query.get('before');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new HttpProblem(400, 'E_BAD_REQUEST', `?limit= must be a whole number from 1 to ${MAX_PAGE}.`);
  if (before !== null && !/^\d+$/.test(before))
    throw new HttpProblem(
      400,
      'E_BAD_REQUEST',
      `?before= must be an event's seq, got ${JSON.stringify(before)}.`,
    );
  return {
    text: query.get('q') ?? undefined,
    handler: query.get('handler') ?? undefined,
    status: query.get('status') ?? undefined,
    before: before === null ? undefined : Number(before),
    limit,
  };
}

/**
 * A new copy of the stored event, pending for each function that received it before (or the one
 * named), whatever its filter says: the event runs again as it came, and its story shows both runs.
 */
function rerun(context: WebRoutesContext, { res, body }: RouteRequest): void {
  let asked: { id?: unknown; source?: unknown; handler?: unknown };
  try {
    asked = JSON.parse(body.toString('utf8')) as typeof asked;
  } catch (error) {
    throw new HttpProblem(400, 'E_BAD_REQUEST', `The body must be JSON: ${(error as Error).message}.`);
  }
  if (typeof asked?.id !== 'string' || typeof asked.source !== 'string')
    throw new HttpProblem(400, 'E_BAD_REQUEST', 'Rerun takes {"id":"<event id>","source":"<source>"}.');
  const { id, source } = asked;
  const story = context.store.stories(id).find((s) => s.event.source === source);
  if (story === undefined)
    throw new HttpProblem(404, 'E_NOT_FOUND', `No event with id ${JSON.stringify(id)} from ${source}.`);
  const known = new Set(context.functions().map((fn) => fn.name));
  const ran = story.deliveries.filter((d) => d.status !== 'filtered').map((d) => d.handler);
  const handlers =
    typeof asked.handler === 'string' ? [asked.handler] : [...new Set(ran)].filter((h) => known.has(h));
  const unknown = handlers.find((h) => !known.has(h));
  if (unknown !== undefined || handlers.length === 0)
    throw new HttpProblem(
      404,
      'E_NOT_FOUND',
      unknown === undefined
        ? `Event ${id} reached no function to run again; name one: {"handler":"<function>"}.`
        : `No function ${JSON.stringify(unknown)}; known: ${[...known].join(', ')}.`,
    );
  context.store.accept(
    story.event,
    context.now(),
    handlers.map((handler) => ({ handler, matched: true })),
  );
  context.kick();
  send(res, 202, { rerun: id, handlers });
}
