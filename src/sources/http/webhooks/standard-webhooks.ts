/**
 * Standard Webhooks (and Svix, which sends the same scheme as `svix-*`): `webhook-signature` is a
 * space-separated list of `v1,<base64>`, each an HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw body>`
 * keyed with the base64-decoded secret (`whsec_<base64>`). Asymmetric `v1a` signatures are not checked
 * (any listed `v1` that matches verifies).
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import type { HttpRequest } from '../../types.js';
import { asObject, type ProviderEvent, text, toTime, type WebhookProvider } from './provider.js';
import {
  anyMatches,
  fromBase64,
  hmacSha256,
  invalid,
  missing,
  staleTimestamp,
  VERIFIED,
} from './signature.js';

/** The three headers, by the prefix the sender uses. */
function headersOf(req: HttpRequest) {
  const prefix =
    req.headers['webhook-id'] === undefined && req.headers['svix-id'] !== undefined ? 'svix' : 'webhook';
  return {
    prefix,
    id: req.headers[`${prefix}-id`],
    timestamp: req.headers[`${prefix}-timestamp`],
    signature: req.headers[`${prefix}-signature`],
  };
}

export function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

export const standardWebhooks: WebhookProvider = {
  name: 'standard-webhooks',
  detect: (req) =>
    (req.headers['webhook-id'] !== undefined && req.headers['webhook-signature'] !== undefined) ||
    (req.headers['svix-id'] !== undefined && req.headers['svix-signature'] !== undefined),
  verify(req, context) {
    const { prefix, id, timestamp, signature } = headersOf(req);
    for (const [name, value] of [
      ['id', id],
      ['timestamp', timestamp],
      ['signature', signature],
    ] as const) {
      if (value === undefined) return missing(`no ${prefix}-${name} header`);
    }
    const given: Buffer[] = [];
    for (const entry of (signature as string).split(' ')) {
      const comma = entry.indexOf(',');
      if (entry.slice(0, comma) !== 'v1') continue;
      const bytes = fromBase64(entry.slice(comma + 1));
      if (bytes !== undefined) given.push(bytes);
    }
    if (given.length === 0) return invalid(`${prefix}-signature has no v1,<base64> signature`);
    const stale = staleTimestamp(timestamp as string, `${prefix}-timestamp`, context);
    if (stale !== undefined) return stale;
    const signed = `${id}.${timestamp}.`;
    return anyMatches(given, context.secrets, (secret) =>
      hmacSha256(standardWebhooksKey(secret), signed, req.body),
    )
      ? VERIFIED
      : invalid(`no v1 signature in ${prefix}-signature matches the body`);
  },
  toEvent(req, payload) {
    const { id, timestamp } = headersOf(req);
    const body = asObject(payload);
    // The spec's recommended payload is { type, timestamp, data }; `type` is already full-stop delimited.
    const event: ProviderEvent = {
      id: id || req.requestId,
      source: req.path,
      type: text(body.type) ?? 'dev.triggerkit.webhook',
      time: toTime(body.timestamp) ?? toTime(timestamp) ?? req.time,
    };
    return event;
  },
};
