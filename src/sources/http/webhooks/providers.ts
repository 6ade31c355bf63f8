/** The webhook providers, by the name `verify.provider` uses; detection order for sources without `verify`. */
import type { HttpRequest } from '../../types.js';
import type { WebhookProviderName } from '../options.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import type { WebhookProvider } from './provider.js';
import { shopify } from './shopify.js';
import { slack } from './slack.js';
import { standardWebhooks } from './standard-webhooks.js';
import { stripe } from './stripe.js';

export const WEBHOOK_PROVIDER_TABLE: Readonly<Record<WebhookProviderName, WebhookProvider>> = {
  github,
  gitlab,
  stripe,
  slack,
  'standard-webhooks': standardWebhooks,
  shopify,
};

const DETECTION_ORDER: readonly WebhookProvider[] = [
  github,
  gitlab,
  stripe,
  slack,
  shopify,
  standardWebhooks,
];

/** The provider whose headers the request carries, if any (`X-GitHub-Event`, `Stripe-Signature`, …). */
export function detectProvider(req: HttpRequest): WebhookProvider | undefined {
  return DETECTION_ORDER.find((provider) => provider.detect(req));
}
