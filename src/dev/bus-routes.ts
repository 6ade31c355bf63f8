/**
 * `/events`: the bus's HTTP face. `POST` takes CloudEvents in any mode of the HTTP binding and commits
 * them before the 202; `OPTIONS` answers the CloudEvents webhook handshake — and only it: a CORS
 * preflight or any other bare `OPTIONS` gets 204 and nothing is stored.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/http-webhook.md#4-abuse-protection
 */
import { type CloudEvent, fromStructured, isJsonContentType } from '../cloud-event.js';
import { TriggerError } from '../errors.js';
import { fromApiGatewayV2 } from '../sources/aws/apigateway-v2.js';
import { parseJsonBody } from '../sources/http/body.js';
import { cloudEventsMode } from '../sources/http/cloudevents-binding.js';
import { toCloudEvents } from '../sources/index.js';
import type { HttpRequest } from '../sources/types.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH, toApiGatewayV2Event } from './http-ingress.js';
import { HttpProblem, type Route, type RouteRequest, send } from './router.js';
import type { Unreceived } from './unreceived.js';

export interface BusRoutesContext {
  /**
   * Stores the events (committed when it resolves), then starts their delivery; resolves to the events
   * no function received (none listens on the bus, or every listener filtered them out), explained.
   */
  readonly publishAll: (events: readonly CloudEvent[]) => Promise<readonly Unreceived[]>;
}

const TAKES =
  'POST /events takes CloudEvents: binary mode (ce-specversion, ce-id, ce-source, ce-type headers), ' +
  'structured (Content-Type: application/cloudevents+json) or batch (application/cloudevents-batch+json)';

export function busRoutes(context: BusRoutesContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/events',
      summary: 'the CloudEvents bus: binary, structured or batch mode',
      changesState: true,
      accepts: TAKES,
      handle: (request) => accept(context, request),
    },
    {
      method: 'OPTIONS',
      path: '/events',
      summary: 'the CloudEvents webhook handshake (WebHook-Request-Origin)',
      handle: handshake,
    },
  ];
}

async function accept(context: BusRoutesContext, { req, body, res }: RouteRequest): Promise<void> {
  // A large body is read in several passes (decoded, scanned, parsed), each a few ms per megabyte: let
  // other requests in between them, as between the slices below.
  const pause = body.length > LARGE_BODY ? nextTurn : noPause;
  const v2 = toApiGatewayV2Event(req, body, '$default');
  await pause();
  const request = fromApiGatewayV2(v2);
  const mode = cloudEventsMode(request);
  if (mode === undefined)
    throw new HttpProblem(
      415,
      'E_SOURCE_INVALID',
      `${TAKES}; got Content-Type ${JSON.stringify(request.headers['content-type'] ?? '(none)')} without ce-* headers.`,
    );
  const type = request.headers['content-type'];
  const json = mode !== 'binary' || type === undefined || isJsonContentType(type);
  await pause();
  if (json && jsonDepthExceeds(body, MAX_JSON_DEPTH))
    throw new HttpProblem(
      400,
      'E_SOURCE_INVALID',
      `The request body nests JSON deeper than ${MAX_JSON_DEPTH} levels; no event needs that many.`,
    );
  await pause();
  const events = mode === 'batch' ? await readBatchInSlices(request) : undefined;
  const accepted = events ?? toCloudEvents(v2).items.map((item) => item.event);
  // Committed to the store before the 202: an acknowledged event survives a crash of the emulator.
  const unreceived = await context.publishAll(accepted);
  // `unreceived` only when some event reached no function: the answer of a delivered event is unchanged.
  send(res, 202, {
    accepted: accepted.map((event) => event.id),
    ...(unreceived.length > 0 && { unreceived }),
  });
}

/** Bodies larger than this are read with pauses between passes. */
const LARGE_BODY = 64 * 1024;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const noPause = () => Promise.resolve();

/** Batch entries read per turn of the event loop. */
const READ_SLICE = 256;

/**
 * A batch-mode body (a JSON array of CloudEvents) read as the HTTP binding reads it, entry by entry
 * with the same checks and messages, but a slice at a time with the event loop free in between: a
 * 30,000-event batch within the body limit does not hold other requests back while it is read.
 * `undefined` for a body that is not a JSON array: the binding then refuses it with its own message.
 */
async function readBatchInSlices(request: HttpRequest): Promise<CloudEvent[] | undefined> {
  const format = (request.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!format.endsWith('+json')) return undefined;
  const parsed = parseJsonBody(request.body, 'The request body');
  if (!Array.isArray(parsed)) return undefined;
  const events: CloudEvent[] = [];
  for (let at = 0; at < parsed.length; at += READ_SLICE) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    const end = Math.min(parsed.length, at + READ_SLICE);
    for (let i = at; i < end; i++) {
      try {
        events.push(fromStructured(parsed[i], `batch entry [${i}]`));
      } catch (error) {
        throw new TriggerError('E_SOURCE_INVALID', (error as Error).message, {
          cause: error,
          details: { status: 400 },
        });
      }
    }
  }
  return events;
}

/** The handshake is answered; anything else (a CORS preflight) gets 204 and is never taken as an event. */
function handshake({ req, body, res }: RouteRequest): void {
  if (req.headers['webhook-request-origin'] !== undefined) {
    const control = toCloudEvents(toApiGatewayV2Event(req, body, '$default')).control;
    if (control !== undefined) {
      res.writeHead(control.statusCode, control.headers);
      res.end(control.body);
      return;
    }
  }
  res.writeHead(204, { allow: 'POST, OPTIONS' }).end();
}
