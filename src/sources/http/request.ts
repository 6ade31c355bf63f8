/** Plain (non-CloudEvents) HTTP requests become one CloudEvent each; the webhook handshake is answered here. */
import { type CloudEvent, createCloudEvent, isJsonContentType } from '../../cloud-event.js';
import { TriggerError } from '../../errors.js';
import type { Batch, ControlResponse, HttpRequest, NormalizeOptions, SourceKind } from '../types.js';
import { cloudEventsMode, readCloudEvents } from './cloudevents-binding.js';

export const DEFAULT_HTTP_EVENT_TYPE = 'dev.triggerkit.http.request';

/** Turns an HTTP request into a batch: CloudEvents when the request carries them, else one webhook event. */
export function httpBatch(source: SourceKind, req: HttpRequest, options: NormalizeOptions): Batch {
  if (req.method === 'OPTIONS' && req.headers['webhook-request-origin'] !== undefined) {
    return { source, reply: 'http', http: req, items: [], control: webhookHandshake(req) };
  }
  const mode = cloudEventsMode(req);
  if (mode !== undefined) {
    const events = readCloudEvents(req, mode);
    return { source, reply: 'http', http: req, items: events.map((event) => ({ event, ref: event.id })) };
  }
  return { source, reply: 'http', http: req, items: [{ event: webhookEvent(req, options), ref: req.requestId }] };
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
  return createCloudEvent(
    {
      id: req.requestId,
      source: req.path,
      type: options.httpEventType ?? DEFAULT_HTTP_EVENT_TYPE,
      time: req.time,
      httpmethod: req.method,
      ...webhookPayload(req),
    },
    `${req.method} ${req.path}`,
  );
}

/** `datacontenttype` and `data` (JSON value or text) or `data_base64` (bytes) for a webhook body. */
function webhookPayload(req: HttpRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  const contentType = req.headers['content-type'];
  if (contentType === undefined) {
    // RFC 9110 §8.3: without a Content-Type the recipient may sniff the body or assume
    // application/octet-stream. JSON stays JSON; anything else is kept as bytes, never refused.
    try {
      return { datacontenttype: 'application/json', data: JSON.parse(req.body.toString('utf8')) };
    } catch {
      return { datacontenttype: 'application/octet-stream', data_base64: req.body.toString('base64') };
    }
  }
  if (isJsonContentType(contentType)) {
    try {
      return { datacontenttype: contentType, data: JSON.parse(req.body.toString('utf8')) };
    } catch (error) {
      throw new TriggerError(
        'E_SOURCE_INVALID',
        `The body of ${req.method} ${req.path} is not valid JSON (${(error as Error).message}); ` +
          'send JSON, or set a Content-Type such as text/plain.',
        { cause: error, details: { status: 400 } },
      );
    }
  }
  if (/^text\/|[+/]xml\b|x-www-form-urlencoded/i.test(contentType)) {
    return { datacontenttype: contentType, data: req.body.toString('utf8') };
  }
  return { datacontenttype: contentType, data_base64: req.body.toString('base64') };
}
