/**
 * `/events`: the bus's HTTP face. `POST` takes CloudEvents in any mode of the HTTP binding and commits
 * them before the 202; `OPTIONS` answers the CloudEvents webhook handshake — and only it: a CORS
 * preflight or any other bare `OPTIONS` gets 204 and nothing is stored.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/http-webhook.md#4-abuse-protection
 */
import { type CloudEvent, isJsonContentType } from '../cloud-event.js';
import { fromApiGatewayV2 } from '../sources/aws/apigateway-v2.js';
import { cloudEventsMode } from '../sources/http/cloudevents-binding.js';
import { toCloudEvents } from '../sources/index.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH, toApiGatewayV2Event } from './http-ingress.js';
import { HttpProblem, type Route, type RouteRequest, send } from './router.js';

export interface BusRoutesContext {
  /** Stores the events in one transaction, then starts their delivery. */
  readonly publishAll: (events: readonly CloudEvent[]) => void;
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

function accept(context: BusRoutesContext, { req, body, res }: RouteRequest): void {
  const v2 = toApiGatewayV2Event(req, body, '$default');
  const request = fromApiGatewayV2(v2);
  const mode = cloudEventsMode(request);
  if (mode === undefined) {
    send(res, 415, {
      error: 'E_SOURCE_INVALID',
      message: `${TAKES}; got Content-Type ${JSON.stringify(request.headers['content-type'] ?? '(none)')} without ce-* headers.`,
    });
    return;
  }
  const type = request.headers['content-type'];
  const json = mode !== 'binary' || type === undefined || isJsonContentType(type);
  if (json && jsonDepthExceeds(body, MAX_JSON_DEPTH))
    throw new HttpProblem(
      400,
      'E_SOURCE_INVALID',
      `The request body nests JSON deeper than ${MAX_JSON_DEPTH} levels; no event needs that many.`,
    );
  const batch = toCloudEvents(v2);
  // Committed to the store before the 202: an acknowledged event survives a crash of the emulator.
  context.publishAll(batch.items.map((item) => item.event));
  send(res, 202, { accepted: batch.items.map((i) => i.event.id) });
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
