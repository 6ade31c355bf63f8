/**
 * Webhook deliveries signed for real, as each sender signs them, so a handler whose HTTP source has
 * `verify: { provider, secret }` accepts them: API Gateway HTTP API requests (payload 2.0) to
 * `/webhooks/<provider>` unless `path` says otherwise. A timestamped signature (Stripe, Slack, Standard
 * Webhooks) is made at `time` (default now) and must be within the source's tolerance of the clock
 * `invoke` verifies with.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type HttpRequestOptions, make, requestOf } from './events-shared.js';
import type { WebhookProvider, WebhookSigning } from './generate/webhooks.js';

/** A delivery: the sender's `payload` (sent as JSON, or as is when a string), signed with `secret`. */
export interface WebhookOptions extends Omit<HttpRequestOptions, 'body'> {
  readonly secret: string;
  readonly payload: unknown;
}

/** What names a delivery beside the secret: the GitHub or GitLab event, the Shopify topic and shop, the message id. */
interface Naming {
  readonly event?: string;
  readonly topic?: string;
  readonly shop?: string;
  readonly id?: string;
}

function delivery(provider: WebhookProvider, o: WebhookOptions & Naming): APIGatewayProxyEventV2 {
  const { secret, payload, event, topic, shop, id, ...request } = o;
  const naming = Object.entries({ event, topic, shop, id }).filter(([, v]) => v !== undefined);
  return make('aws:apigateway:v2', {
    path: `/webhooks/${provider}`,
    ...requestOf({ ...request, body: payload }),
    webhook: { ...Object.fromEntries(naming), provider, secret } as WebhookSigning,
  });
}

export const webhookFactories = {
  /** `X-Hub-Signature-256` (and the SHA-1 `X-Hub-Signature`); `event` is `X-GitHub-Event` (default `push`). */
  github: (o: WebhookOptions & { readonly event?: string }) => delivery('github', o),
  /** `secret` is the hook's secret token (`X-Gitlab-Token`); `event` defaults from the payload's `object_kind`. */
  gitlab: (o: WebhookOptions & { readonly event?: string }) => delivery('gitlab', o),
  /** `Stripe-Signature: t=…,v1=…` with the endpoint secret (`whsec_…`). */
  stripe: (o: WebhookOptions) => delivery('stripe', o),
  /** `X-Slack-Signature: v0=…` over `v0:<timestamp>:<body>` with the app's signing secret. */
  slack: (o: WebhookOptions) => delivery('slack', o),
  /** `X-Shopify-Hmac-Sha256`; `topic` is `X-Shopify-Topic` (default `orders/create`). */
  shopify: (o: WebhookOptions & { readonly topic?: string; readonly shop?: string }) =>
    delivery('shopify', o),
  /** `webhook-signature: v1,…` keyed with the `whsec_<base64>` secret (Svix and other Standard Webhooks senders). */
  standardWebhooks: (o: WebhookOptions & { readonly id?: string }) => delivery('standard-webhooks', o),
};
