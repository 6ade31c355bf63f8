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
      subject: text(asObject(payload).id),
      time: toTime(h['x-shopify-triggered-at']) ?? req.time,
      extensions,
    };
    return event;
  },
};
