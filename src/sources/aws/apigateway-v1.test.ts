import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { type CloudEvent, cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError } from '../../errors.js';
import { sourceOf, toCloudEvents } from '../index.js';
import { fromApiGatewayV1 } from './apigateway-v1.js';

const apiGatewayV1 = sourceOf('aws:apigateway:v1');

type Raw = Record<string, unknown> & {
  headers: Record<string, string> | null;
  multiValueHeaders: Record<string, string[]> | null;
  requestContext: Record<string, unknown>;
  body: string | null;
};

function only(raw: unknown): CloudEvent {
  const batch = toCloudEvents(raw);
  expect(batch.source).toBe('aws:apigateway:v1');
  expect(batch.reply).toBe('http');
  expect(batch.items).toHaveLength(1);
  const event = batch.items[0]?.event as CloudEvent;
  expect(cloudEventProblems(event)).toEqual([]);
  return event;
}

describe('detect', () => {
  it('recognizes REST proxy requests and HTTP API payload 1.0, not authorizer or WebSocket events', () => {
    expect(apiGatewayV1.detect(fixture('apigw-rest/order-webhook.json'))).toBe(true);
    expect(apiGatewayV1.detect(fixture('apigw-rest/http-api-payload-v1.json'))).toBe(true);
    const raw = fixture<Raw>('apigw-rest/order-webhook.json');
    expect(apiGatewayV1.detect({ ...raw, type: 'REQUEST', methodArn: 'arn:aws:execute-api:…' })).toBe(false);
    expect(
      apiGatewayV1.detect({ ...raw, requestContext: { ...raw.requestContext, connectionId: 'c-1' } }),
    ).toBe(false);
    expect(apiGatewayV1.detect({ ...raw, version: '2.0' })).toBe(false);
    expect(apiGatewayV1.detect({ ...raw, requestContext: {} })).toBe(false);
  });
});

describe('REST (v1) request → HttpRequest', () => {
  it('lower-cases mixed-case names and keeps every value of multiValueHeaders', () => {
    const req = fromApiGatewayV1(fixture('apigw-rest/order-webhook.json') as never);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-shop-tag']).toBe('priority, gift'); // `headers` alone only has "gift"
    expect(req.headers.cookie).toBe('session=abc123; theme=dark');
    expect(req.headers['x-forwarded-for']).toBe('203.0.113.24, 130.176.209.21');
    expect(Object.keys(req.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(req).toMatchObject({
      method: 'POST',
      path: '/webhooks/orders',
      query: 'source=shop&tag=a%20b&tag=c%26d',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      time: '2025-11-23T12:00:04.321Z',
      sourceIp: '203.0.113.24',
    });
  });

  it('reads `headers` alone when multiValueHeaders is absent, and tolerates null maps', () => {
    const raw = fixture('apigw-rest/order-webhook.json');
    const single = fromApiGatewayV1({ ...raw, multiValueHeaders: null } as never);
    expect(single.headers['x-shop-tag']).toBe('gift');
    const none = fromApiGatewayV1({ ...raw, headers: null, multiValueHeaders: null, body: null } as never);
    expect(none.headers).toEqual({});
    expect(none.body.length).toBe(0);
  });
});

describe('REST (v1) request → CloudEvents', () => {
  it('a webhook: id requestId, source path, time requestTimeEpoch, JSON data', () => {
    expect(only(fixture('apigw-rest/order-webhook.json'))).toStrictEqual({
      specversion: '1.0',
      id: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      source: '/webhooks/orders',
      type: 'dev.triggerkit.http.request',
      time: '2025-11-23T12:00:04.321Z',
      httpmethod: 'POST',
      datacontenttype: 'application/json',
      data: {
        orderId: 'ord-3001',
        total: 180.25,
        currency: 'EUR',
        items: [{ sku: 'desk-oak', quantity: 1 }],
      },
    });
  });

  it('binary-mode CloudEvent with Ce-* / CE-* headers in any case (the JS SDK drops these, sdk-javascript#566)', () => {
    expect(only(fixture('apigw-rest/cloudevent-binary.json'))).toStrictEqual({
      specversion: '1.0',
      id: 'inv-20251123-0077',
      source: '//billing.example.com/invoices',
      type: 'com.example.invoice.paid',
      subject: 'collections/été',
      time: '2025-11-23T11:59:58.120Z',
      tenantid: 't-42',
      datacontenttype: 'application/json; charset=utf-8',
      data: { invoiceId: 'inv-77', amount: 42, currency: 'EUR' },
    });
  });

  it('binary bodies with isBase64Encoded are kept byte for byte', () => {
    const raw = fixture('apigw-rest/image-base64.json');
    const event = only(raw);
    expect(event).toMatchObject({ datacontenttype: 'image/png', httpmethod: 'PUT' });
    expect(event.data_base64).toBe(raw.body);
    expect(Buffer.from(event.data_base64 ?? '', 'base64')[0]).toBe(0x89);
  });

  it('HTTP API payload format 1.0 is read the same way', () => {
    const event = only(fixture('apigw-rest/http-api-payload-v1.json'));
    expect(event).toMatchObject({
      id: 'Ylq0fjhBjoEEPUA=',
      source: '/webhooks/stock',
      data: { sku: 'lamp', delta: -2 },
    });
  });

  it('the same request twice gives the same event; the input is not mutated', () => {
    const raw = fixture('apigw-rest/order-webhook.json');
    const copy = structuredClone(raw);
    expect(only(raw)).toStrictEqual(only(raw));
    expect(raw).toStrictEqual(copy);
  });
});

describe('malformed → E_SOURCE_INVALID, status 400', () => {
  it.each([
    ['a body claiming base64 that is not', { body: '%%%', isBase64Encoded: true }, 'is not base64'],
    ['a body that is not a string', { body: 42 }, '`body` must be a string'],
    ['no path', { path: undefined }, 'no string `path`'],
  ])('%s', (_, change, message) => {
    try {
      toCloudEvents({ ...fixture('apigw-rest/order-webhook.json'), ...change });
      expect.unreachable('expected a TriggerError');
    } catch (error) {
      expect(isTriggerError(error) && error.code).toBe('E_SOURCE_INVALID');
      expect(isTriggerError(error) && error.details).toEqual({ status: 400 });
      expect((error as Error).message).toContain(message);
    }
  });
});
