/**
 * Shopify webhooks: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body, keyed with the
 * app's client secret. Topic from `X-Shopify-Topic` (`orders/create` → `com.shopify.orders.create`).
 * The id is `X-Shopify-Event-Id`, the header Shopify says stays the same across duplicate deliveries,
 * else `X-Shopify-Webhook-Id`.
 * @see https://shopify.dev/docs/apps/build/webhooks/subscribe/https
 * @see https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates
 */
import { asObject, type ProviderEvent, text, toTime, type WebhookProvider } from './provider.js';
import { anyMatches, fromBase64, hmacSha256, invalid, missing, VERIFIED } from './signature.js';

const HEADER = 'X-Shopify-Hmac-Sha256';

export const shopify: WebhookProvider = {
  name: 'shopify',
  detect: (req) => req.headers['x-shopify-topic'] !== undefined,
  verify(req, { secrets }) {
    const header = req.headers['x-shopify-hmac-sha256'];
    if (header === undefined) return missing(`no ${HEADER} header`);
    const given = fromBase64(header);
    if (given === undefined) return invalid(`${HEADER} must be base64`);
    return anyMatches([given], secrets, (secret) => hmacSha256(secret, req.body))
      ? VERIFIED
      : invalid(`${HEADER} does not match the body`);
  },
  toEvent(req, payload) {
    const h = req.headers;
    const topic = h['x-shopify-topic'] ?? 'unknown';
    const shop = h['x-shopify-shop-domain'];
    const webhookId = h['x-shopify-webhook-id'];
    const extensions: Record<string, string> = {};
    if (webhookId !== undefined) extensions.shopifywebhookid = webhookId;
    if (h['x-shopify-api-version'] !== undefined) extensions.shopifyapiversion = h['x-shopify-api-version'];
    const event: ProviderEvent = {
      id: h['x-shopify-event-id'] || webhookId || req.requestId,
      source: shop === undefined ? 'https://shopify.com' : `https://${shop}`,
      type: `com.shopify.${topic.replaceAll('/', '.')}`,
      subject: resourceId(payload, req.body),
      time: toTime(h['x-shopify-triggered-at']) ?? req.time,
      extensions,
    };
    return event;
  },
};

/**
 * The resource id as sent. Shopify ids pass 2^53 (`820982911946154508` in its own samples), which
 * `JSON.parse` rounds to `820982911946154500`: such an id is read from `admin_graphql_api_id`
 * (`gid://shopify/Order/<id>`), else from the body's first `"id":` integer that parses to the same number.
 * (`data.id` stays the parsed number, rounded, as any JSON reader gives it.)
 */
function resourceId(payload: unknown, body: Uint8Array): string | undefined {
  const object = asObject(payload);
  const id = object.id;
  if (typeof id !== 'number' || Number.isSafeInteger(id)) return text(id);
  const gid = object.admin_graphql_api_id;
  const fromGid = typeof gid === 'string' ? /\/(\d+)$/.exec(gid)?.[1] : undefined;
  if (fromGid !== undefined && Number(fromGid) === id) return fromGid;
  for (const match of Buffer.from(body)
    .toString('utf8')
    .matchAll(/"id"\s*:\s*(-?\d+)(?![\d.eE])/g)) {
    if (Number(match[1]) === id) return match[1];
  }
  return text(id);
}
