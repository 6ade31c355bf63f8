/**
 * Properties of signature verification, for every provider: arbitrary headers and bodies never make it
 * throw (a refusal is an answer, not an exception), and a signature over one body never verifies another.
 * Signatures are made here with node:crypto, independently of the code under test.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTriggerError } from '../../../errors.js';
import type { HttpRequest } from '../../types.js';
import { checkHttpRequest } from '../check.js';
import type { HttpSourceOptions, WebhookProviderName } from '../options.js';

const NOW = 1_763_899_205_000;
const TS = String(Math.floor(NOW / 1000) - 1);
const SECRET = 'test-property-secret';
const SW_KEY = Buffer.from('test-standard-webhooks-key');
const SW_SECRET = `whsec_${SW_KEY.toString('base64')}`;
const hmac = (key: string | Buffer, ...parts: (string | Buffer)[]) => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** How each provider's sender signs a body: the headers it adds. */
const SENDERS: Record<WebhookProviderName, (body: Buffer) => Record<string, string>> = {
  github: (body) => ({ 'x-hub-signature-256': `sha256=${hmac(SECRET, body).toString('hex')}` }),
  gitlab: () => ({ 'x-gitlab-token': SECRET }),
  stripe: (body) => ({ 'stripe-signature': `t=${TS},v1=${hmac(SECRET, `${TS}.`, body).toString('hex')}` }),
  slack: (body) => ({
    'x-slack-request-timestamp': TS,
    'x-slack-signature': `v0=${hmac(SECRET, `v0:${TS}:`, body).toString('hex')}`,
  }),
  'standard-webhooks': (body) => ({
    'webhook-id': 'msg_1',
    'webhook-timestamp': TS,
    'webhook-signature': `v1,${hmac(SW_KEY, `msg_1.${TS}.`, body).toString('base64')}`,
  }),
  shopify: (body) => ({ 'x-shopify-hmac-sha256': hmac(SECRET, body).toString('base64') }),
};

const PROVIDERS = Object.keys(SENDERS) as WebhookProviderName[];
/** GitLab's token signs no body, so "another body" cannot fail for it. */
const BODY_SIGNING = PROVIDERS.filter((p) => p !== 'gitlab');

const optionsFor = (provider: WebhookProviderName): HttpSourceOptions => ({
  path: '/hook',
  verify: { provider, secret: provider === 'standard-webhooks' ? SW_SECRET : SECRET },
});

const request = (headers: Record<string, string>, body: Buffer): HttpRequest => ({
  method: 'POST',
  path: '/hook',
  query: '',
  headers,
  body,
  requestId: 'req-1',
  time: undefined,
  sourceIp: '203.0.113.1',
});

/** Header names the providers read, so arbitrary values land where the parsers look. */
const HEADER_NAMES = [
  'x-hub-signature-256',
  'x-gitlab-token',
  'stripe-signature',
  'x-slack-signature',
  'x-slack-request-timestamp',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'svix-id',
  'svix-timestamp',
  'svix-signature',
  'x-shopify-hmac-sha256',
];
const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.stringMatching(/^(t=\d{1,12},)?(v[01]=[0-9a-f]{0,70},?){0,3}$/),
  fc.stringMatching(/^(v1a?,[A-Za-z0-9+/=]{0,50} ?){0,3}$/),
  fc.stringMatching(/^(sha256=|v0=)[0-9a-fA-F]{0,66}$/),
  fc.constant(TS),
);
const headers = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { noNullPrototype: true }),
    fc.dictionary(fc.string(), fc.string(), { noNullPrototype: true }),
  )
  .map(([known, other]) => ({ ...other, ...known }));

describe('signature verification under arbitrary input', () => {
  it('never throws for arbitrary headers and bodies, and does not verify them', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROVIDERS), headers, fc.uint8Array(), (provider, h, bytes) => {
        try {
          const result = checkHttpRequest(request(h, Buffer.from(bytes)), optionsFor(provider), NOW);
          // Only a token equal to the secret could pass, and arbitrary strings are not it.
          if (h['x-gitlab-token'] !== SECRET) expect(result.ok).toBe(false);
        } catch (error) {
          if (!isTriggerError(error)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('verifies what the sender signed, and never another body with that signature', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BODY_SIGNING), fc.uint8Array(), fc.uint8Array(), (provider, a, b) => {
        fc.pre(!Buffer.from(a).equals(Buffer.from(b)));
        const signedA = SENDERS[provider](Buffer.from(a));
        expect(checkHttpRequest(request(signedA, Buffer.from(a)), optionsFor(provider), NOW).ok).toBe(true);
        const result = checkHttpRequest(request(signedA, Buffer.from(b)), optionsFor(provider), NOW);
        expect(result).toMatchObject({ ok: false, statusCode: 401, code: 'signature_invalid' });
      }),
      { numRuns: 1000 },
    );
  });

  it('never verifies with another secret', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDERS),
        fc.uint8Array(),
        fc.string({ minLength: 1 }),
        (provider, a, other) => {
          fc.pre(other !== SECRET && other.trim() !== '');
          const options: HttpSourceOptions = { path: '/hook', verify: { provider, secret: other } };
          if (provider === 'standard-webhooks') return; // its secrets are keys, covered by the fixture tests
          const result = checkHttpRequest(
            request(SENDERS[provider](Buffer.from(a)), Buffer.from(a)),
            options,
            NOW,
          );
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
