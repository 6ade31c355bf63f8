/**
 * Signature checks that hold whoever calls them: `toCloudEvents(raw, { http })` validates its options as
 * `defineHandler` does (an empty secret would let a forged delivery through), and the replay windows count
 * whole seconds, either way, as the vendors' libraries do.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTriggerError } from '../../../errors.js';
import { toCloudEvents } from '../../index.js';
import type { Batch } from '../../types.js';
import type { HttpSourceOptions } from '../options.js';

type Raw = { headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]>; body: string };
const fixture = (name: string): Raw =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/events/webhooks/${name}`, import.meta.url), 'utf8'),
  ) as Raw;
/** The request with these headers set (in `multiValueHeaders` too, where the envelope has them). */
const withHeaders = (raw: Raw, headers: Record<string, string>): Raw => {
  const copy = structuredClone(raw);
  for (const [name, value] of Object.entries(headers)) {
    if (copy.headers) copy.headers[name] = value;
    if (copy.multiValueHeaders) copy.multiValueHeaders[name] = [value];
  }
  return copy;
};
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');

/** The E_CONFIG thrown, or the batch. */
function attempt(raw: Raw, http: HttpSourceOptions, now?: number): Batch | { code: string; message: string } {
  try {
    return toCloudEvents(raw, { http, now });
  } catch (error) {
    if (!isTriggerError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('toCloudEvents(raw, { http }) validates its options', () => {
  it('GitHub: an empty secret is E_CONFIG, not a key a forged delivery is signed with', () => {
    const raw = fixture('github-push.json');
    const forged = withHeaders(raw, { 'x-hub-signature-256': `sha256=${hmac('', raw.body)}` });
    const result = attempt(forged, { path: '/webhooks/github', verify: { provider: 'github', secret: '' } });
    expect(result).toEqual({
      code: 'E_CONFIG',
      message:
        'Expected `http.verify.secret` to be a non-empty secret string (is the environment variable set?), got an empty string.',
    });
  });

  it('GitLab: an empty secret token is E_CONFIG, and an empty X-Gitlab-Token never matches one', () => {
    const forged = withHeaders(fixture('gitlab-merge-request.json'), { 'x-gitlab-token': '' });
    const http: HttpSourceOptions = { path: '/webhooks/gitlab', verify: { provider: 'gitlab', secret: '' } };
    expect(attempt(forged, http)).toMatchObject({ code: 'E_CONFIG' });
    // Options that skipped validation (a rotation list holding an unset variable) still refuse it.
    const rotation = { path: '/webhooks/gitlab', verify: { provider: 'gitlab', secret: ['real-token', ''] } };
    expect(attempt(forged, rotation as HttpSourceOptions)).toMatchObject({ code: 'E_CONFIG' });
  });

  it('valid options are validated once and keep working', () => {
    const raw = fixture('gitlab-merge-request.json');
    const token = raw.headers?.['x-gitlab-token'] ?? '';
    const http: HttpSourceOptions = {
      path: '/webhooks/gitlab',
      verify: { provider: 'gitlab', secret: token },
    };
    expect(token).not.toBe('');
    for (let i = 0; i < 2; i++) expect((attempt(raw, http) as Batch).items).toHaveLength(1);
  });
});

describe('replay windows: whole seconds, either way', () => {
  const NOW = Date.parse('2025-11-23T12:00:05Z');
  const T = Math.floor(NOW / 1000);
  const stripeRaw = fixture('stripe-payment-intent.json');
  const STRIPE = 'whsec_test_0123456789abcdefghijklmnopqrstuv';
  const stripe = (t: number) =>
    withHeaders(stripeRaw, { 'stripe-signature': `t=${t},v1=${hmac(STRIPE, `${t}.${stripeRaw.body}`)}` });
  const stripeHttp: HttpSourceOptions = {
    path: '/webhooks/stripe',
    verify: { provider: 'stripe', secret: STRIPE },
  };

  it('Stripe: 300.999 s old passes a 300 s window, as stripe-node counts (⌊now⌋ − t)', () => {
    expect((attempt(stripe(T - 300), stripeHttp, NOW + 999) as Batch).items).toHaveLength(1);
    const late = attempt(stripe(T - 301), stripeHttp, NOW + 999) as Batch;
    expect(JSON.parse(late.control?.body ?? '{}')).toEqual({
      error: 'signature_expired',
      message: 'Stripe-Signature t is 301 s old, more than the 300 s allowed either way',
    });
  });

  it('Stripe: a timestamp more than the tolerance in the future is refused', () => {
    expect((attempt(stripe(T + 300), stripeHttp, NOW) as Batch).items).toHaveLength(1);
    const ahead = attempt(stripe(T + 301), stripeHttp, NOW) as Batch;
    expect(JSON.parse(ahead.control?.body ?? '{}').message).toBe(
      'Stripe-Signature t is 301 s in the future, more than the 300 s allowed either way',
    );
  });

  it('Slack: 5 minutes either way, in whole seconds', () => {
    const raw = fixture('slack-app-mention.json');
    const SLACK = 'test-slack-signing-secret-8f14e45f';
    const http: HttpSourceOptions = { path: '/slack/events', verify: { provider: 'slack', secret: SLACK } };
    const slack = (ts: number) =>
      withHeaders(raw, {
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': `v0=${hmac(SLACK, `v0:${ts}:${raw.body}`)}`,
      });
    expect((attempt(slack(T - 300), http, NOW + 999) as Batch).items).toHaveLength(1);
    expect((attempt(slack(T + 300), http, NOW + 999) as Batch).items).toHaveLength(1);
    expect((attempt(slack(T + 301), http, NOW) as Batch).control?.statusCode).toBe(401);
  });
});
