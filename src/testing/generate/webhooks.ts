/**
 * The headers a webhook sender adds to a delivery, signed over the exact body bytes with your secret as
 * each sender does, so the HTTP sources' `verify` accepts the request (src/sources/http/webhooks/).
 * Timestamped schemes sign the event's time (`time`, default now): verification checks it against the
 * clock within the tolerance (300 s by default).
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 * @see https://docs.stripe.com/webhooks#verify-manually
 * @see https://api.slack.com/authentication/verifying-requests-from-slack
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createHmac } from 'node:crypto';
import type { Ids } from './kit.js';

/** Who signs the request, with which secret; per sender, what names the delivery. */
export type WebhookSigning =
  /** `event`: the `X-GitHub-Event` (default `push`). */
  | { readonly provider: 'github'; readonly secret: string; readonly event?: string }
  /** The secret token travels as is; `event`: the `X-Gitlab-Event` (default from the payload's `object_kind`). */
  | { readonly provider: 'gitlab'; readonly secret: string; readonly event?: string }
  | { readonly provider: 'stripe'; readonly secret: string }
  | { readonly provider: 'slack'; readonly secret: string }
  /** `topic`: `X-Shopify-Topic` (default `orders/create`); `shop`: the shop's domain. */
  | { readonly provider: 'shopify'; readonly secret: string; readonly topic?: string; readonly shop?: string }
  /** `secret`: `whsec_<base64>`; `id`: the `webhook-id` (default a new `msg_…`). */
  | { readonly provider: 'standard-webhooks'; readonly secret: string; readonly id?: string };

export type WebhookProvider = WebhookSigning['provider'];

const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/** GitLab's `X-Gitlab-Event` by the payload's `object_kind`. */
const GITLAB_HOOKS: Readonly<Record<string, string>> = {
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  issue: 'Issue Hook',
  note: 'Note Hook',
  merge_request: 'Merge Request Hook',
  wiki_page: 'Wiki Page Hook',
  pipeline: 'Pipeline Hook',
  build: 'Job Hook',
  deployment: 'Deployment Hook',
  release: 'Release Hook',
};

const SIGNERS: {
  readonly [P in WebhookProvider]: (
    body: string,
    signing: Extract<WebhookSigning, { provider: P }>,
    ids: Ids,
  ) => Record<string, string>;
} = {
  github: (body, { secret, event }, ids) => ({
    'user-agent': 'GitHub-Hookshot/9f1c2e7',
    'x-github-event': event ?? 'push',
    'x-github-delivery': ids.uuid('delivery', 0),
    'x-github-hook-id': ids.digits('hook', 0, 9),
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body, 'utf8').digest('hex')}`,
    'x-hub-signature-256': `sha256=${hmac(secret, body).toString('hex')}`,
  }),
  gitlab: (body, { secret, event }, ids) => ({
    'user-agent': 'GitLab/18.5.1',
    'x-gitlab-event': event ?? GITLAB_HOOKS[objectKind(body)] ?? 'System Hook',
    'x-gitlab-token': secret,
    'x-gitlab-instance': 'https://gitlab.com',
    'x-gitlab-webhook-uuid': ids.uuid('webhook', 0),
    'x-gitlab-event-uuid': ids.uuid('event', 0),
    'idempotency-key': ids.uuid('idempotency', 0),
  }),
  stripe: (body, { secret }, ids) => {
    const t = Math.floor(ids.time / 1000);
    return {
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'stripe-signature': `t=${t},v1=${hmac(secret, `${t}.${body}`).toString('hex')}`,
    };
  },
  slack: (body, { secret }, ids) => {
    const t = Math.floor(ids.time / 1000);
    return {
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(t),
      'x-slack-signature': `v0=${hmac(secret, `v0:${t}:${body}`).toString('hex')}`,
    };
  },
  shopify: (body, { secret, topic, shop }, ids) => ({
    'user-agent': 'Shopify-Captain-Hook',
    'x-shopify-topic': topic ?? 'orders/create',
    'x-shopify-hmac-sha256': hmac(secret, body).toString('base64'),
    'x-shopify-shop-domain': shop ?? 'triggerkit-test.myshopify.com',
    'x-shopify-api-version': '2025-10',
    'x-shopify-webhook-id': ids.uuid('webhook', 0),
    'x-shopify-event-id': ids.uuid('event', 0),
    'x-shopify-triggered-at': new Date(ids.time).toISOString(),
  }),
  'standard-webhooks': (body, { secret, id }, ids) => {
    const t = Math.floor(ids.time / 1000);
    const messageId = id ?? `msg_${ids.hex('message', 0, 27)}`;
    const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
    return {
      'user-agent': 'Svix-Webhooks/1.62.0',
      'webhook-id': messageId,
      'webhook-timestamp': String(t),
      'webhook-signature': `v1,${hmac(key, `${messageId}.${t}.${body}`).toString('base64')}`,
    };
  },
};

/** The sender's headers for `body` (lower-case names), its signature computed with `signing.secret`. */
export function signWebhook(body: string, signing: WebhookSigning, ids: Ids): Record<string, string> {
  const signer = SIGNERS[signing.provider] as
    | ((body: string, signing: WebhookSigning, ids: Ids) => Record<string, string>)
    | undefined;
  if (signer === undefined)
    throw new TypeError(
      `Cannot sign as webhook provider ${JSON.stringify(signing.provider)}; providers: ${Object.keys(SIGNERS).join(', ')}.`,
    );
  if (typeof signing.secret !== 'string' || signing.secret === '')
    throw new TypeError(`A ${signing.provider} webhook needs a non-empty secret to sign with.`);
  return signer(body, signing, ids);
}

function objectKind(body: string): string {
  try {
    const kind = (JSON.parse(body) as { object_kind?: unknown }).object_kind;
    return typeof kind === 'string' ? kind : '';
  } catch {
    return '';
  }
}
