/**
 * Detection as loose as real traffic (the hardening issue, item 8): shapes that real platforms and
 * local tools send, which a stricter reading refused or misread.
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { toCloudEvents } from './index.js';

describe('what real traffic sends', () => {
  it('reads a function URL request without `routeKey` as a function URL request', () => {
    const { routeKey: _, ...raw } = fixture('lambda-url/order-webhook.json');
    const batch = toCloudEvents(raw);
    expect(batch.source).toBe('aws:lambda-url');
    expect(batch.items).toHaveLength(1);
  });

  it('reads an EventBridge event without `version` as an EventBridge event', () => {
    const { version: _, ...raw } = fixture('eventbridge/order-placed.json');
    const batch = toCloudEvents(raw);
    expect(batch.source).toBe('aws:eventbridge');
    expect(batch.items[0]?.event.type).toBe(
      fixture<{ 'detail-type': string }>('eventbridge/order-placed.json')['detail-type'],
    );
  });

  it('keeps the bytes of a request whose Content-Type is no media type, instead of refusing it', () => {
    const raw = fixture<{ headers: Record<string, string>; body: string }>('apigw-http/order-webhook.json');
    raw.headers['content-type'] = 'json';
    const [item] = toCloudEvents(raw).items;
    expect(item?.event.datacontenttype).toBe('application/octet-stream');
    expect(Buffer.from(item?.event.data_base64 as string, 'base64').toString('utf8')).toBe(raw.body);
  });

  it('reads SAM local’s `timeEpoch` in seconds as seconds, not as a time in 1970', () => {
    const raw = fixture<{ requestContext: { timeEpoch: number } }>('apigw-http/order-webhook.json');
    raw.requestContext.timeEpoch = 1763900000;
    expect(toCloudEvents(raw).items[0]?.event.time).toBe('2025-11-23T12:13:20.000Z');
    raw.requestContext.timeEpoch = 1763900000321;
    expect(toCloudEvents(raw).items[0]?.event.time).toBe('2025-11-23T12:13:20.321Z');
  });
});
