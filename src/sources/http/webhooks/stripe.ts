/**
 * Stripe webhooks: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, each `v1` an HMAC-SHA256 of
 * `<t>.<raw body>` keyed with the endpoint secret as it is (`whsec_…`, not decoded). Any `v1` may match
 * (Stripe sends one per active secret while you roll it); `v0` (test scheme) is ignored; `t` must be within
 * the tolerance of now (default 300 s, as Stripe's libraries).
 * @see https://docs.stripe.com/webhooks#verify-manually
 */
import { asObject, at, type ProviderEvent, text, toTime, type WebhookProvider } from './provider.js';
import { anyMatches, fromHex, hmacSha256, invalid, missing, staleTimestamp, VERIFIED } from './signature.js';

const HEADER = 'Stripe-Signature';

export const stripe: WebhookProvider = {
  name: 'stripe',
  detect: (req) => req.headers['stripe-signature'] !== undefined,
  verify(req, context) {
    const header = req.headers['stripe-signature'];
    if (header === undefined) return missing(`no ${HEADER} header`);
    let timestamp: string | undefined;
    const signatures: Buffer[] = [];
    for (const item of header.split(',')) {
      const eq = item.indexOf('=');
      const key = item.slice(0, eq).trim();
      const value = item.slice(eq + 1).trim();
      if (key === 't') timestamp = value;
      else if (key === 'v1') {
        const bytes = fromHex(value);
        if (bytes !== undefined) signatures.push(bytes);
      }
    }
    if (timestamp === undefined) return invalid(`${HEADER} has no t=<timestamp>`);
    if (signatures.length === 0) return invalid(`${HEADER} has no v1=<64 hex digits> signature`);
    const stale = staleTimestamp(timestamp, `${HEADER} t`, context);
    if (stale !== undefined) return stale;
    const signed = timestamp;
    return anyMatches(signatures, context.secrets, (secret) => hmacSha256(secret, signed, '.', req.body))
      ? VERIFIED
      : invalid(`no v1 signature in ${HEADER} matches the body`);
  },
  toEvent(req, payload) {
    const body = asObject(payload);
    const event: ProviderEvent = {
      id: text(body.id) ?? req.requestId,
      // The event's own API resource is <source>/<id>.
      source: 'https://api.stripe.com/v1/events',
      type: `com.stripe.${text(body.type) ?? 'event'}`,
      // Snapshot events carry the object in data.object; thin events (v2) name it in related_object.
      subject: text(at(body, 'data.object.id')) ?? text(at(body, 'related_object.id')),
      time: toTime(body.created) ?? req.time,
      extensions: typeof body.account === 'string' ? { stripeaccount: body.account } : undefined,
    };
    return event;
  },
};
