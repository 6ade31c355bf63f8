import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../../cloud-event.js';
import { toCloudEvents } from '../../index.js';
import type { Batch } from '../../types.js';
import type { HttpSourceOptions } from '../options.js';

/** An API Gateway REST (v1) event: headers in the sender's case, and again in multiValueHeaders. */
type Raw = { headers: Record<string, string>; multiValueHeaders: Record<string, string[]>; body: string };

const raw = fixture<Raw>('webhooks/shopify-orders-create.json');
const withHeader = (request: Raw, name: string, value: string | undefined): Raw => {
  const copy = structuredClone(request);
  delete copy.headers[name];
  delete copy.multiValueHeaders[name];
  if (value !== undefined) {
    copy.headers[name] = value;
    copy.multiValueHeaders[name] = [value];
  }
  return copy;
};

const SECRET = 'test-shopify-client-secret-5d41402a';
const NOW = Date.parse('2025-11-23T12:00:05Z');
const OPTIONS: HttpSourceOptions = {
  path: '/webhooks/shopify',
  verify: { provider: 'shopify', secret: SECRET },
};
const hmac = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('base64');
const signed = (request: Raw, secret = SECRET) =>
  withHeader(request, 'X-Shopify-Hmac-Sha256', hmac(request.body, secret));
const run = (request: Raw, http: HttpSourceOptions = OPTIONS): Batch =>
  toCloudEvents(request, { http, now: NOW });

function refusedWith(batch: Batch, code: string): string {
  expect(batch.items).toEqual([]);
  expect(batch.control?.statusCode).toBe(401);
  const body = JSON.parse(batch.control?.body ?? '{}');
  expect(body.error).toBe(code);
  return body.message;
}

describe('Shopify: valid signatures (REST v1, original-case headers)', () => {
  it('maps the delivery: id = X-Shopify-Event-Id, type com.shopify.<topic>, source the shop', () => {
    const batch = run(signed(raw));
    expect(batch.source).toBe('aws:apigateway:v1');
    const [item] = batch.items;
    expect(item?.event).toStrictEqual({
      specversion: '1.0',
      id: '98880550-7158-44d4-b7cd-2c97c8a091b5',
      source: 'https://acme-furniture.myshopify.com',
      type: 'com.shopify.orders.create',
      subject: '5830192837461',
      time: '2025-11-23T11:59:56.123456789Z',
      shopifywebhookid: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      shopifyapiversion: '2025-10',
      datacontenttype: 'application/json',
      data: JSON.parse(raw.body),
    });
    expect(cloudEventProblems(item?.event)).toEqual([]);
  });

  it.each([
    [
      'from admin_graphql_api_id',
      '{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}',
    ],
    ['from the body text', '{"customer":{"id":7},"id":820982911946154508}'],
  ])('an id past 2^53 keeps its digits in subject (%s)', (_, body) => {
    const [item] = run(signed({ ...raw, body })).items;
    expect(item?.event.subject).toBe('820982911946154508');
  });

  it('falls back to X-Shopify-Webhook-Id when there is no event id', () => {
    const [item] = run(signed(withHeader(raw, 'X-Shopify-Event-Id', undefined))).items;
    expect(item?.event.id).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
  });

  it('rotation: any listed secret verifies', () => {
    const rotating: HttpSourceOptions = {
      ...OPTIONS,
      verify: { provider: 'shopify', secret: ['test-new', SECRET] },
    };
    expect(run(signed(raw), rotating).items).toHaveLength(1);
  });

  it('no replay window in the scheme: an old delivery still verifies and keeps its id (deduplicate on it)', () => {
    const [item] = toCloudEvents(signed(raw), { http: OPTIONS, now: NOW + 7 * 86_400_000 }).items;
    expect(item?.event.id).toBe('98880550-7158-44d4-b7cd-2c97c8a091b5');
  });
});

describe('Shopify: refused (401)', () => {
  it('tampered body', () => {
    const request = signed(raw);
    refusedWith(run({ ...request, body: request.body.replace('180.25', '0.01') }), 'signature_invalid');
  });

  it('a hex digest instead of base64, and another secret', () => {
    const hex = createHmac('sha256', SECRET).update(raw.body).digest('hex');
    refusedWith(run(withHeader(raw, 'X-Shopify-Hmac-Sha256', hex)), 'signature_invalid');
    refusedWith(run(signed(raw, 'test-other-secret')), 'signature_invalid');
  });

  it('missing header', () => {
    expect(refusedWith(run(withHeader(raw, 'X-Shopify-Hmac-Sha256', undefined)), 'signature_missing')).toBe(
      'no X-Shopify-Hmac-Sha256 header',
    );
  });
});
