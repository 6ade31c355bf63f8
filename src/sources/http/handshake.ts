/**
 * The abuse-protection handshake of the CloudEvents webhook spec (used by Azure Event Grid): the sender asks
 * with `OPTIONS` and `WebHook-Request-Origin`; we grant at once (`200`, `WebHook-Allowed-Origin`,
 * `WebHook-Allowed-Rate`, `Allow`). A `WebHook-Request-Callback` URL is for granting later by calling it;
 * since we grant in the response, it needs no call (and the pure normalizer does no I/O). Which origins
 * are granted is the source's `allow.origins` (checked by the guards, which answer 403 to others).
 * @see https://github.com/cloudevents/spec/blob/main/cloudevents/http-webhook.md#4-abuse-protection
 */
import type { ControlResponse, HttpRequest } from '../types.js';

/** True for a handshake request (an `OPTIONS` without the header is not one, e.g. a CORS preflight). */
export function isWebhookHandshake(req: HttpRequest): boolean {
  return req.method === 'OPTIONS' && req.headers['webhook-request-origin'] !== undefined;
}

/**
 * §4.2: `WebHook-Allowed-Origin` is the requested origin; `WebHook-Allowed-Rate` MUST answer a
 * `WebHook-Request-Rate` and SHOULD be sent anyway: the requested rate when it is a positive integer, else
 * `*` (no limit is enforced here). `Allow` SHOULD list POST.
 */
export function webhookHandshake(req: HttpRequest): ControlResponse {
  const requested = req.headers['webhook-request-rate']?.trim();
  return {
    statusCode: 200,
    headers: {
      'webhook-allowed-origin': req.headers['webhook-request-origin']?.trim() || '*',
      'webhook-allowed-rate': requested !== undefined && /^[1-9]\d{0,8}$/.test(requested) ? requested : '*',
      allow: 'POST, OPTIONS',
    },
    body: '',
  };
}
