import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { DEFAULT_HTTP_EVENT_TYPE } from '../http/request.js';
import { detectSource, toCloudEvents } from '../index.js';

describe('FC 3.0 HTTP trigger request', () => {
  it('is read like any HTTP front door: one plain webhook event with the body as data', () => {
    const raw = fixture('fc/http-post-json.json');
    expect(detectSource(raw)?.kind).toBe('alibaba:fc-http');
    const batch = toCloudEvents(raw);
    expect(batch).toMatchObject({ source: 'alibaba:fc-http', reply: 'http' });
    expect(batch.http).toMatchObject({
      method: 'POST',
      path: '/webhooks/shop',
      query: 'source=shop&tag=a%2Cb',
      requestId: '1-6569f2a1-15a8c0b4-2e1b7f3c9d0a',
      time: '2025-12-01T08:41:05.123Z',
      sourceIp: '203.0.113.24',
    });
    expect(batch.http?.headers['content-type']).toBe('application/json');
    const [item] = batch.items;
    expect(item?.event).toMatchObject({
      id: '1-6569f2a1-15a8c0b4-2e1b7f3c9d0a',
      type: DEFAULT_HTTP_EVENT_TYPE,
      data: { orderId: 'ord-1001', total: 120.5, currency: 'CNY' },
    });
    expect(cloudEventProblems(item?.event)).toEqual([]);
  });

  it('decodes a base64 body, and refuses one that claims base64 and is not (400)', () => {
    const raw = fixture('fc/http-post-json.json');
    const encoded = { ...raw, body: Buffer.from(String(raw.body)).toString('base64'), isBase64Encoded: true };
    expect(toCloudEvents(encoded).items[0]?.event.data).toEqual({
      orderId: 'ord-1001',
      total: 120.5,
      currency: 'CNY',
    });
    expect(() => toCloudEvents({ ...raw, body: '%%%', isBase64Encoded: true })).toThrow(/not base64/);
  });

  it('is not an API Gateway payload (version 2.0) and not the other way round', () => {
    const raw = fixture('fc/http-post-json.json');
    expect(detectSource({ ...raw, version: '2.0' })?.kind).not.toBe('alibaba:fc-http');
    expect(detectSource(fixture('apigw-http/order-webhook.json'))?.kind).toBe('aws:apigateway:v2');
  });
});
