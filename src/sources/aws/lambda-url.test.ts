import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { SOURCES, sourceOf, toCloudEvents } from '../index.js';

const apiGatewayV2 = sourceOf('aws:apigateway:v2');
const lambdaUrl = sourceOf('aws:lambda-url');

describe('Lambda function URLs', () => {
  it('are told from HTTP APIs by the lambda-url domain, and only this source detects them', () => {
    const url = fixture('lambda-url/order-webhook.json');
    expect(SOURCES.filter((s) => s.detect(url)).map((s) => s.kind)).toEqual(['aws:lambda-url']);
    expect(lambdaUrl.detect(fixture('apigw-http/function-url-no-content-type.json'))).toBe(true);
    expect(lambdaUrl.detect(fixture('apigw-http/order-webhook.json'))).toBe(false);
    expect(apiGatewayV2.detect(url)).toBe(false);
  });

  it('map like HTTP API requests, with kind aws:lambda-url; cookies come back as a cookie header', () => {
    const batch = toCloudEvents(fixture('lambda-url/order-webhook.json'));
    expect(batch.source).toBe('aws:lambda-url');
    expect(batch.http).toMatchObject({ query: 'source=shop', sourceIp: '192.0.2.55' });
    expect(batch.http?.headers.cookie).toBe('session=abc123');
    const event = batch.items[0]?.event;
    expect(event).toStrictEqual({
      specversion: '1.0',
      id: 'd2f1a0b9-8c7e-4d6f-a5b4-c3d2e1f0a9b8',
      source: '/orders',
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
    expect(cloudEventProblems(event)).toEqual([]);
  });

  it('keep base64 binary bodies byte for byte', () => {
    const raw = fixture('lambda-url/image-base64.json');
    const event = toCloudEvents(raw).items[0]?.event;
    expect(event?.data_base64).toBe(raw.body);
    expect(event?.datacontenttype).toBe('image/png');
  });

  it('are not mutated and normalize deterministically', () => {
    const raw = fixture('lambda-url/order-webhook.json');
    const copy = structuredClone(raw);
    expect(toCloudEvents(raw).items).toStrictEqual(toCloudEvents(raw).items);
    expect(raw).toStrictEqual(copy);
  });
});
