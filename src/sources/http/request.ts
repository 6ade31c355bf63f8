/** Plain (non-CloudEvents) HTTP requests become one CloudEvent each; the webhook handshake is answered here. */
import { type CloudEvent, createCloudEvent, isJsonContentType } from '../../cloud-event.js';
import { TriggerError } from '../../errors.js';
import type { Batch, ControlResponse, HttpRequest, NormalizeOptions, SourceKind } from '../types.js';
import { cloudEventsMode, readCloudEvents } from './cloudevents-binding.js';

export const DEFAULT_HTTP_EVENT_TYPE = 'dev.triggerkit.http.request';

/** Turns an HTTP request into a batch: CloudEvents when the request carries them, else one webhook event. */
export function httpBatch(source: SourceKind, req: HttpRequest, options: NormalizeOptions): Batch {
  if (req.method === 'OPTIONS' && req.headers['webhook-request-origin'] !== undefined) {
    return { source, http: req, items: [], control: webhookHandshake(req) };
  }
  const mode = cloudEventsMode(req);
  if (mode !== undefined) {
    const events = readCloudEvents(req, mode);
    return { source, http: req, items: events.map((event) => ({ event, ref: event.id })) };
  }
  return { source, http: req, items: [{ event: webhookEvent(req, options), ref: req.requestId }] };
}

/**
 * Abuse-protection handshake of the CloudEvents webhook spec: allow the origin that asks.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/http-webhook.md#4-abuse-protection
 */
function webhookHandshake(req: HttpRequest): ControlResponse {
  const headers: Record<string, string> = {
    'webhook-allowed-origin': req.headers['webhook-request-origin'] ?? '*',
    allow: 'POST, OPTIONS',
  };
  const rate = req.headers['webhook-request-rate'];
  if (rate !== undefined) headers['webhook-allowed-rate'] = rate;
  return { statusCode: 200, headers, body: '' };
}

/**
 * id = the platform's request id (stable across redelivery of the same recorded request),
 * source = the request path, data = the body (JSON when the content type says so, text, or base64 bytes).
 */
function webhookEvent(req: HttpRequest, options: NormalizeOptions): CloudEvent {
  const contentType = req.headers['content-type'];
  const payload: Record<string, unknown> = {};
  if (req.body.length > 0) {
    if (contentType === undefined || isJsonContentType(contentType)) {
      try {
        payload.data = JSON.parse(req.body.toString('utf8'));
      } catch (error) {
        throw new TriggerError(
          'E_SOURCE_INVALID',
          `The body of ${req.method} ${req.path} is not valid JSON (${(error as Error).message}); ` +
            'send JSON, or set a Content-Type such as text/plain.',
          { cause: error, details: { status: 400 } },
        );
      }
    } else if (/^text\/|[+/]xml\b|x-www-form-urlencoded/i.test(contentType)) {
      payload.data = req.body.toString('utf8');
    } else {
      payload.data_base64 = req.body.toString('base64');
    }
  }
  return createCloudEvent(
    {
      id: req.requestId,
      source: req.path,
      type: options.httpEventType ?? DEFAULT_HTTP_EVENT_TYPE,
      time: req.time,
      datacontenttype: req.body.length > 0 ? (contentType ?? 'application/json') : undefined,
      httpmethod: req.method,
      ...payload,
    },
    `${req.method} ${req.path}`,
  );
}
