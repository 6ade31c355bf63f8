/**
 * What the webhook samples carry when the caller gives no payload: a delivery of each sender in its
 * documented shape, and the secret it is signed with unless `--secret` says otherwise.
 */
import type { WebhookProvider } from './webhooks.js';

const REPOSITORY = {
  id: 123456789,
  name: 'shop',
  full_name: 'octo-org/shop',
  html_url: 'https://github.com/octo-org/shop',
  url: 'https://api.github.com/repos/octo-org/shop',
  owner: { login: 'octo-org', url: 'https://api.github.com/users/octo-org' },
};

export const WEBHOOK_PAYLOADS: Readonly<Record<WebhookProvider, unknown>> = {
  github: {
    ref: 'refs/heads/main',
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: '9fceb02d0ae598e95dc970b74767f19372d61af8',
    repository: REPOSITORY,
    pusher: { name: 'octocat', email: 'octocat@example.com' },
    sender: { login: 'octocat', url: 'https://api.github.com/users/octocat' },
    head_commit: { id: '9fceb02d0ae598e95dc970b74767f19372d61af8', message: 'Round totals half-even' },
    commits: [],
  },
  gitlab: {
    object_kind: 'push',
    event_name: 'push',
    ref: 'refs/heads/main',
    checkout_sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    user_username: 'mira',
    project: { id: 4815162, name: 'storefront', web_url: 'https://gitlab.com/acme/storefront' },
    repository: { name: 'storefront', homepage: 'https://gitlab.com/acme/storefront' },
    commits: [],
    total_commits_count: 0,
  },
  stripe: {
    id: 'evt_1QnZk2Lk9x7ZfT1a0w8YbC4d',
    object: 'event',
    api_version: '2025-10-29.clover',
    created: 1763899190,
    data: {
      object: {
        id: 'pi_3QnZk2Lk9x7ZfT1a0F1gH2iJ',
        object: 'payment_intent',
        amount: 4250,
        currency: 'eur',
        status: 'succeeded',
        metadata: { orderId: 'ord-1001' },
      },
    },
    livemode: false,
    pending_webhooks: 1,
    type: 'payment_intent.succeeded',
  },
  slack: {
    token: 'verification-token',
    team_id: 'T0A1B2C3D',
    api_app_id: 'A0K9J8H7G',
    event: {
      type: 'app_mention',
      user: 'U0L1M2N3O',
      text: '<@U0BOT> ship order ord-1001',
      ts: '1763899197.000200',
      channel: 'C0P1Q2R3S',
      event_ts: '1763899197.000200',
    },
    type: 'event_callback',
    event_id: 'Ev0T1U2V3W4X',
    event_time: 1763899197,
  },
  shopify: {
    id: 5830192837461,
    admin_graphql_api_id: 'gid://shopify/Order/5830192837461',
    email: 'buyer@example.com',
    currency: 'EUR',
    total_price: '42.50',
    financial_status: 'paid',
    name: '#1001',
  },
  'standard-webhooks': {
    type: 'invoice.paid',
    timestamp: '2025-11-23T11:59:59.512Z',
    data: { invoiceId: 'inv_8f2k1', amount: 4250, currency: 'eur' },
  },
};

/** Secrets for local use only, in each sender's format. */
export const WEBHOOK_SECRETS: Readonly<Record<WebhookProvider, string>> = {
  github: 'triggerkit-test-secret',
  gitlab: 'triggerkit-test-token',
  stripe: 'whsec_triggerkit_test_secret',
  slack: 'triggerkit-test-signing-secret',
  shopify: 'triggerkit-test-secret',
  'standard-webhooks': `whsec_${Buffer.from('triggerkit-test-secret-32-bytes!').toString('base64')}`,
};
