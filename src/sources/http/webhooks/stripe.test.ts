import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../../cloud-event.js';
import { isTriggerError } from '../../../errors.js';
import { toCloudEvents } from '../../index.js';
import type { Batch } from '../../types.js';
import type { HttpSourceOptions } from '../options.js';

type Raw = { headers: Record<string, string>; body: string };

const raw = fixture<Raw>('webhooks/stripe-payment-intent.json');

// Test-only secrets in Stripe's format; Stripe keys the HMAC with the whole string, prefix included.
const SECRET = 'whsec_test_0123456789abcdefghijklmnopqrstuv';
const NEXT_SECRET = 'whsec_test_zyxwvutsrqponmlkjihgfedcba987654';
const NOW = Date.parse('2025-11-23T12:00:05Z');
const T = Math.floor(NOW / 1000) - 4;
const OPTIONS: HttpSourceOptions = {
  path: '/webhooks/stripe',
  verify: { provider: 'stripe', secret: SECRET },
};

const v1 = (t: number, body = raw.body, secret = SECRET) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
const withSignature = (header: string, body = raw.body): Raw => ({
  ...raw,
  body,
  headers: { ...raw.headers, 'stripe-signature': header },
});
const run = (request: Raw, http: HttpSourceOptions = OPTIONS, now: number | undefined = NOW): Batch =>
  toCloudEvents(request, { http, now });

function refusedWith(batch: Batch, code: string): string {
  expect(batch.items).toEqual([]);
  expect(batch.control?.statusCode).toBe(401);
  const body = JSON.parse(batch.control?.body ?? '{}');
  expect(body.error).toBe(code);
  return body.message;
}

describe('Stripe: valid signatures', () => {
  it('maps the event: id = body id, type com.stripe.<type>, time = created, subject = data.object.id', () => {
    const batch = run(withSignature(`t=${T},v1=${v1(T)}`));
    expect(batch.source).toBe('aws:lambda-url');
    const [item] = batch.items;
    expect(item?.ref).toBe('evt_3QnZk2Lk9x7ZfT1a0w8YbC4d');
    expect(item?.event).toStrictEqual({
      specversion: '1.0',
      id: 'evt_3QnZk2Lk9x7ZfT1a0w8YbC4d',
      source: 'https://api.stripe.com/v1/events',
      type: 'com.stripe.payment_intent.succeeded',
      subject: 'pi_3QnZk2Lk9x7ZfT1a0F1gH2iJ',
      time: '2025-11-23T11:59:50.000Z',
      datacontenttype: 'application/json',
      data: JSON.parse(raw.body),
    });
    expect(cloudEventProblems(item?.event)).toEqual([]);
  });

  it('accepts any of several v1 signatures (Stripe sends one per active secret while you roll it) and ignores v0', () => {
    const header = `t=${T},v0=${'0'.repeat(64)},v1=${v1(T, raw.body, NEXT_SECRET)},v1=${v1(T)}`;
    expect(run(withSignature(header)).items).toHaveLength(1);
  });

  it('rotation on our side: any listed secret verifies', () => {
    const rotating: HttpSourceOptions = {
      ...OPTIONS,
      verify: { provider: 'stripe', secret: [NEXT_SECRET, SECRET] },
    };
    expect(run(withSignature(`t=${T},v1=${v1(T)}`), rotating).items).toHaveLength(1);
  });

  it('accepts a timestamp exactly at the edge of the tolerance, either way', () => {
    const now = (T + 300) * 1000;
    expect(run(withSignature(`t=${T},v1=${v1(T)}`), OPTIONS, now).items).toHaveLength(1);
    expect(run(withSignature(`t=${T},v1=${v1(T)}`), OPTIONS, (T - 300) * 1000).items).toHaveLength(1);
  });
});

describe('Stripe: refused (401)', () => {
  it('tampered body', () => {
    const tampered = raw.body.replace('18025', '1');
    expect(refusedWith(run(withSignature(`t=${T},v1=${v1(T)}`, tampered)), 'signature_invalid')).toBe(
      'no v1 signature in Stripe-Signature matches the body',
    );
  });

  it('a signature over the same body with another t (replayed with a fresh timestamp)', () => {
    refusedWith(run(withSignature(`t=${T + 1},v1=${v1(T)}`)), 'signature_invalid');
  });

  it('expired: older than the 300 s default tolerance, or a custom one', () => {
    const old = T - 301;
    expect(refusedWith(run(withSignature(`t=${old},v1=${v1(old)}`)), 'signature_expired')).toMatch(
      /more than the 300 s allowed/,
    );
    const strict: HttpSourceOptions = {
      ...OPTIONS,
      verify: { provider: 'stripe', secret: SECRET, toleranceSeconds: 2 },
    };
    refusedWith(run(withSignature(`t=${T},v1=${v1(T)}`), strict), 'signature_expired');
  });

  it('missing header', () => {
    const { 'stripe-signature': _, ...headers } = raw.headers;
    expect(refusedWith(run({ ...raw, headers }), 'signature_missing')).toBe('no Stripe-Signature header');
  });

  it.each([
    ['no t', `v1=${'a'.repeat(64)}`],
    ['no v1', `t=${T}`],
    ['only v0', `t=${T},v0=${'a'.repeat(64)}`],
    ['non-numeric t', `t=soon,v1=${'a'.repeat(64)}`],
    ['short v1', `t=${T},v1=abc`],
  ])('malformed header: %s', (_, header) => {
    refusedWith(run(withSignature(header)), 'signature_invalid');
  });

  it('without a clock the window cannot be checked: a 500 configuration error, never a silent pass', () => {
    try {
      toCloudEvents(withSignature(`t=${T},v1=${v1(T)}`), { http: OPTIONS });
      expect.unreachable('expected a TriggerError');
    } catch (error) {
      expect(isTriggerError(error) && error.code).toBe('E_CONFIG');
      expect(isTriggerError(error) && error.details).toEqual({ status: 500 });
    }
  });
});
