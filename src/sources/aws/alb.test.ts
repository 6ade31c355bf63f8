import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { type CloudEvent, cloudEventProblems } from '../../cloud-event.js';
import { sourceOf, toCloudEvents } from '../index.js';
import { fromAlb } from './alb.js';

const alb = sourceOf('aws:alb');

type Raw = Record<string, unknown> & {
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
};

function only(raw: unknown, options = {}): CloudEvent {
  const batch = toCloudEvents(raw, options);
  expect(batch.source).toBe('aws:alb');
  expect(batch.items).toHaveLength(1);
  const event = batch.items[0]?.event as CloudEvent;
  expect(batch.items[0]?.ref).toBe(event.id);
  expect(cloudEventProblems(event)).toEqual([]);
  return event;
}

describe('detect', () => {
  it('recognizes requests with requestContext.elb.targetGroupArn', () => {
    for (const name of ['order-webhook.json', 'order-webhook-multi-value.json', 'health-check.json']) {
      expect(alb.detect(fixture(`alb/${name}`))).toBe(true);
    }
    expect(alb.detect({ ...fixture('alb/order-webhook.json'), requestContext: { elb: {} } })).toBe(false);
  });
});

describe('headers mode and multi-value mode read alike', () => {
  it('headers: id and time from the X-Ray root of X-Amzn-Trace-Id, source IP the last X-Forwarded-For', () => {
    const raw = fixture('alb/order-webhook.json');
    expect(fromAlb(raw as never)).toMatchObject({
      method: 'POST',
      path: '/webhooks/orders',
      query: 'source=shop%20eu', // ALB passes the query as sent
      requestId: '1-6922f740-21cdd4da4c6db451490a5fb7',
      time: '2025-11-23T12:00:00.000Z',
      sourceIp: '203.0.113.24',
    });
    expect(only(raw)).toStrictEqual({
      specversion: '1.0',
      id: '1-6922f740-21cdd4da4c6db451490a5fb7',
      source: '/webhooks/orders',
      type: 'dev.triggerkit.http.request',
      time: '2025-11-23T12:00:00.000Z',
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

  it('multiValueHeaders: every value kept, names lower-cased, the query from multiValueQueryStringParameters', () => {
    const raw = fixture('alb/order-webhook-multi-value.json');
    const req = fromAlb(raw as never);
    expect(req.headers['x-shop-tag']).toBe('priority, gift');
    expect(req.headers['accept-language']).toBe('en-GB, fr;q=0.5');
    expect(req.query).toBe('tag=a&tag=b');
    expect(only(raw).data).toEqual(only(fixture('alb/order-webhook.json')).data);
  });

  it('without X-Amzn-Trace-Id, the id is a hash of the request: stable, and different for another body', () => {
    const { 'x-amzn-trace-id': _, ...headers } = fixture<Raw>('alb/order-webhook.json').headers ?? {};
    const raw = { ...fixture('alb/order-webhook.json'), headers };
    const first = only(raw);
    expect(first.id).toMatch(/^alb-[0-9a-f]{32}$/);
    expect(only(structuredClone(raw)).id).toBe(first.id);
    expect(only({ ...raw, body: '{"orderId":"ord-3002"}' }).id).not.toBe(first.id);
    expect(first).not.toHaveProperty('time');
  });

  it('binary bodies with isBase64Encoded stay bytes', () => {
    const raw = fixture('alb/pdf-base64.json');
    const event = only(raw);
    expect(event.datacontenttype).toBe('application/pdf');
    expect(event.data_base64).toBe(raw.body);
  });
});

describe('health checks', () => {
  it.each(['health-check.json', 'health-check-multi-value.json'])(
    '%s is answered 200 without an event, before any guard',
    (name) => {
      const guarded = { path: '/health', method: 'POST', allow: { cidrs: ['10.0.0.0/8'] } };
      const batch = toCloudEvents(fixture(`alb/${name}`), { http: guarded });
      expect(batch.items).toEqual([]);
      expect(batch.control).toEqual({
        statusCode: 200,
        headers: { 'content-type': 'text/plain' },
        body: 'OK',
      });
    },
  );

  it('another user agent on the same path is a request like any other', () => {
    const raw = fixture('alb/health-check.json');
    expect(toCloudEvents({ ...raw, headers: { 'user-agent': 'curl/8.5.0' } }).items).toHaveLength(1);
  });
});

describe('guards use the ALB source IP', () => {
  it('refuses a request from outside the allowed blocks', () => {
    const http = { path: '/webhooks/orders', allow: { cidrs: ['198.51.100.0/24'] } };
    // The first X-Forwarded-For entry is whatever the client claimed; ALB appended the real peer last.
    expect(toCloudEvents(fixture('alb/order-webhook.json'), { http }).control?.statusCode).toBe(403);
    expect(
      only(fixture('alb/order-webhook.json'), { http: { ...http, allow: { cidrs: ['203.0.113.0/24'] } } }).id,
    ).toBe('1-6922f740-21cdd4da4c6db451490a5fb7');
  });
});
