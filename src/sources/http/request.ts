/**
 * One HTTP request (from any envelope) to a batch: guards and signature → control messages → the
 * CloudEvents HTTP binding → a known webhook provider's mapping → one plain webhook event.
 */
import { type CloudEvent, createCloudEvent, isJsonContentType } from '../../cloud-event.js';
import { isMediaType } from '../kit/payload.js';
import type { Batch, HttpRequest, NormalizeOptions, SourceKind } from '../types.js';
import { controlBatch, eventBatch } from './batch.js';
import { parseJsonBody, tryJson, utf8Text } from './body.js';
import { checkHttpRequest, denialResponse } from './check.js';
import { cloudEventsMode, isTextual, readCloudEvents } from './cloudevents-binding.js';
import { isWebhookHandshake, webhookHandshake } from './handshake.js';
import { type HttpSourceOptions, validateHttpSourceOptions } from './options.js';
import { compilePathTemplate, matchPathTemplate } from './path-template.js';
import { snsRequestToBatch } from './sns-subscription.js';
import { readPayload, type WebhookProvider } from './webhooks/provider.js';
import { detectProvider, WEBHOOK_PROVIDER_TABLE } from './webhooks/providers.js';

export const DEFAULT_HTTP_EVENT_TYPE = 'dev.triggerkit.http.request';

/**
 * Turns an HTTP request into a batch. With `options` (the handler's HTTP source), the request must pass
 * its guards and signature first; a refused one becomes a `control` answer (401/403/405/413) with no items.
 * The webhook handshake, GitHub `ping`, Slack `url_verification` are `control` answers too. A source declared
 * for SNS (`verify: { provider: 'sns' }`) gives a batch that waits for `settleHttpBatch`. Then a
 * CloudEvents request gives its events; a known provider's delivery (the configured `verify.provider`, else
 * recognized by its headers) gives one mapped event; anything else one plain webhook event.
 * Throws `TriggerError` `E_SOURCE_INVALID` (`details.status` 400/415) for a request that cannot be read,
 * `E_CONFIG` for options that `validateHttpSourceOptions` refuses (an empty secret).
 *
 * @example
 * const batch = httpRequestToBatch(source.kind, req, { path: '/hooks/stripe', verify: { provider: 'stripe', secret } }, { now: Date.now() });
 * if (batch.control) return batch.control; // refused, or answered by the transport
 */
export function httpRequestToBatch(
  kind: SourceKind,
  req: HttpRequest,
  options: HttpSourceOptions | undefined,
  normalizeOptions: NormalizeOptions,
): Batch {
  if (options !== undefined) {
    options = validated(options);
    req = withPathParameters(req, options.path);
    const checked = checkHttpRequest(req, options, normalizeOptions.now);
    if (!checked.ok) return controlBatch(kind, req, denialResponse(checked));
    if (options.verify?.provider === 'sns') return snsRequestToBatch(kind, req, options.verify);
  }
  if (isWebhookHandshake(req)) return controlBatch(kind, req, webhookHandshake(req));
  const mode = cloudEventsMode(req);
  if (mode !== undefined) return eventBatch(kind, req, readCloudEvents(req, mode));
  const verify = options?.verify;
  const provider: WebhookProvider | undefined =
    verify === undefined || verify.provider === 'sns'
      ? detectProvider(req)
      : WEBHOOK_PROVIDER_TABLE[verify.provider];
  if (provider !== undefined) {
    const payload = readPayload(req, provider.name);
    const control = provider.control?.(req, payload);
    if (control !== undefined) return controlBatch(kind, req, control);
    return eventBatch(kind, req, [providerEvent(provider, req, payload)]);
  }
  const type = options?.eventType ?? normalizeOptions.httpEventType ?? DEFAULT_HTTP_EVENT_TYPE;
  return eventBatch(kind, req, [webhookEvent(req, type)]);
}

/** The request with the `{name}` values of its source's path, when the path matches the template. */
function withPathParameters(req: HttpRequest, path: string): HttpRequest {
  const pathParameters = matchPathTemplate(compilePathTemplate(path, 'http.path'), req.path);
  return pathParameters === undefined ? req : Object.freeze({ ...req, pathParameters });
}

/** Options already checked, by identity: a handler's source is validated once, not per request. */
const VALIDATED = new WeakMap<object, HttpSourceOptions>();

/**
 * `toCloudEvents(raw, { http })` takes options from any caller, not only from `defineHandler`: they are
 * validated the same way, so an empty secret is `E_CONFIG` here rather than a key that any forged
 * signature (an HMAC keyed with "") matches.
 */
function validated(options: HttpSourceOptions): HttpSourceOptions {
  let checked = VALIDATED.get(options);
  if (checked === undefined) {
    checked = validateHttpSourceOptions(options, 'http');
    VALIDATED.set(options, checked);
  }
  return checked;
}

/** A provider's mapping, with the payload as JSON `data`. */
function providerEvent(provider: WebhookProvider, req: HttpRequest, payload: unknown): CloudEvent {
  const { extensions, ...attributes } = provider.toEvent(req, payload);
  return createCloudEvent(
    { ...attributes, ...extensions, datacontenttype: 'application/json', data: payload },
    `${provider.name} delivery ${req.method} ${req.path}`,
  );
}

/**
 * id = the platform's request id (stable across redelivery of the same recorded request),
 * source = the request path, data = the body (JSON when the content type says so, text, or base64 bytes).
 */
function webhookEvent(req: HttpRequest, type: string): CloudEvent {
  return createCloudEvent(
    {
      id: req.requestId,
      source: req.path,
      type,
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
  const bytes = {
    datacontenttype: contentType ?? 'application/octet-stream',
    data_base64: req.body.toString('base64'),
  };
  if (contentType !== undefined && !isMediaType(contentType)) {
    // A Content-Type that is no media type (`json`, `foo`) declares nothing usable: the bytes as sent.
    return { datacontenttype: 'application/octet-stream', data_base64: req.body.toString('base64') };
  }
  if (contentType === undefined) {
    // RFC 9110 §8.3: without a Content-Type the recipient may sniff the body or assume
    // application/octet-stream. JSON stays JSON; anything else is kept as bytes, never refused.
    const text = utf8Text(req.body);
    const json = text === undefined ? undefined : tryJson(text);
    return json === undefined ? bytes : { datacontenttype: 'application/json', data: json.value };
  }
  if (isJsonContentType(contentType)) {
    const hint = '; send JSON, or set a Content-Type such as text/plain';
    return {
      datacontenttype: contentType,
      data: parseJsonBody(req.body, `The body of ${req.method} ${req.path}`, hint),
    };
  }
  // Text that is not UTF-8 is kept as its bytes: decoding it would replace what was sent.
  const text = isTextual(contentType) ? utf8Text(req.body) : undefined;
  return text === undefined ? bytes : { datacontenttype: contentType, data: text };
}
