import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { toCloudEvents } from '../index.js';
import type { HttpRequest } from '../types.js';
import { checkHttpRequest } from './check.js';
import { matchesHost } from './guards.js';
import type { HttpSourceOptions } from './options.js';
import { httpRequestToBatch } from './request.js';

function request(overrides: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'POST',
    path: '/webhooks/shop',
    query: '',
    headers: { 'content-type': 'application/json', referer: 'https://admin.shop.example.com/orders/7' },
    body: Buffer.from('{"orderId":"ord-1"}'),
    requestId: 'req-1',
    time: '2025-11-23T12:00:00.000Z',
    sourceIp: '203.0.113.24',
    ...overrides,
  };
}

const PATH = '/webhooks/shop';
const check = (options: Omit<HttpSourceOptions, 'path'>, req = request()) =>
  checkHttpRequest(req, { path: PATH, ...options }, 0);

describe('allowed methods (405 with Allow)', () => {
  it('allows a listed method, case-insensitively, and any method when none is set', () => {
    expect(check({ method: 'post' })).toEqual({ ok: true });
    expect(check({ method: ['PUT', 'POST'] })).toEqual({ ok: true });
    expect(check({})).toEqual({ ok: true });
  });

  it('refuses another method', () => {
    expect(check({ method: ['POST', 'PUT'] }, request({ method: 'GET' }))).toEqual({
      ok: false,
      statusCode: 405,
      code: 'method_not_allowed',
      reason: 'GET is not allowed here; use POST or PUT',
      headers: { allow: 'POST, PUT' },
    });
  });

  it('lets the CloudEvents webhook handshake through (it is answered, never delivered)', () => {
    const handshake = request({
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': 'events.example.com' },
    });
    expect(check({ method: 'POST' }, handshake)).toEqual({ ok: true });
    expect(check({ method: 'POST' }, request({ method: 'OPTIONS', headers: {} })).ok).toBe(false);
  });
});

describe('source-IP CIDR allowlist (403)', () => {
  const cidrs = ['192.30.252.0/22', '203.0.113.24', '2001:db8:4000::/36'];

  it.each([
    ['192.30.253.17', true],
    ['192.30.256.1', false],
    ['203.0.113.24', true],
    ['203.0.113.25', false],
    ['2001:db8:4fff::1', true],
    ['2001:db8:5000::1', false],
    ['::ffff:192.30.252.9', true], // IPv4-mapped IPv6 is the IPv4 address
    ['not an ip', false],
  ])('%s → %s', (ip, allowed) => {
    const result = check({ allow: { cidrs } }, request({ sourceIp: ip }));
    expect(result.ok).toBe(allowed);
    if (!result.ok) expect(result).toMatchObject({ statusCode: 403, code: 'ip_denied' });
  });

  it('refuses a request whose source IP is unknown', () => {
    expect(check({ allow: { cidrs } }, request({ sourceIp: undefined }))).toMatchObject({
      statusCode: 403,
      reason: 'source IP (unknown) is not in the allowed CIDR blocks',
    });
  });
});

describe('Referer allowlist (403)', () => {
  it.each([
    ['https://shop.example.com/x', ['shop.example.com'], true],
    ['https://SHOP.example.com:8443/x', ['shop.example.com'], true],
    ['https://admin.shop.example.com/', ['*.example.com'], true],
    ['https://example.com/', ['*.example.com'], false], // the pattern is for subdomains only
    ['https://evil-example.com/', ['*.example.com'], false],
    ['https://example.com.evil.net/', ['example.com', '*.example.com'], false],
    ['not a url', ['*.example.com'], false],
  ])('%s with %j → %s', (referer, referers, allowed) => {
    const result = check({ allow: { referers } }, request({ headers: { referer } }));
    expect(result.ok).toBe(allowed);
  });

  it('refuses a request without a Referer', () => {
    expect(check({ allow: { referers: ['shop.example.com'] } }, request({ headers: {} }))).toMatchObject({
      statusCode: 403,
      code: 'referer_denied',
      reason: 'no Referer header',
    });
  });

  it('matchesHost', () => {
    expect(matchesHost('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(matchesHost('example.com', ['Example.COM'])).toBe(true);
  });
});

describe('body size limit (413)', () => {
  it('allows a body up to the limit and refuses one byte more (decoded bytes count)', () => {
    const body = Buffer.alloc(1024, 0x61);
    expect(check({ maxBodyBytes: 1024 }, request({ body })).ok).toBe(true);
    expect(check({ maxBodyBytes: 1023 }, request({ body }))).toMatchObject({
      statusCode: 413,
      code: 'body_too_large',
      reason: 'the body is 1024 bytes, more than the 1023 allowed',
    });
  });
});

describe('CloudEvents webhook origins (403)', () => {
  it('grants the handshake to an allowed origin only', () => {
    const handshake = (origin: string) =>
      request({ method: 'OPTIONS', headers: { 'webhook-request-origin': origin }, body: Buffer.alloc(0) });
    expect(
      check({ allow: { origins: ['*.eventgrid.azure.net'] } }, handshake('eu.eventgrid.azure.net')).ok,
    ).toBe(true);
    expect(
      check({ allow: { origins: ['*.eventgrid.azure.net'] } }, handshake('evil.example.com')),
    ).toMatchObject({
      statusCode: 403,
      code: 'origin_denied',
    });
  });
});

describe('guards in the pipeline: the answer is a control response and no event reaches the handler', () => {
  it('the first failing guard answers, with a JSON reason; allowed requests become events', () => {
    const options: HttpSourceOptions = {
      path: PATH,
      method: 'POST',
      allow: { cidrs: ['10.0.0.0/8'] },
      maxBodyBytes: 1,
    };
    const batch = httpRequestToBatch('aws:apigateway:v2', request(), options, {});
    expect(batch.items).toEqual([]);
    expect(batch.control).toEqual({
      statusCode: 403,
      headers: { 'content-type': 'application/json' },
      body: '{"error":"ip_denied","message":"source IP 203.0.113.24 is not in the allowed CIDR blocks"}',
    });
    const allowed = httpRequestToBatch('aws:apigateway:v2', request(), { path: PATH, method: 'POST' }, {});
    expect(allowed.items).toHaveLength(1);
  });

  it('the handler source options travel in NormalizeOptions.http, and its eventType names plain webhooks', () => {
    const raw = fixture('apigw-http/order-webhook.json');
    const denied = toCloudEvents(raw, { http: { path: '/webhooks/orders', method: 'PUT' } });
    expect(denied.control?.statusCode).toBe(405);
    expect(denied.control?.headers.allow).toBe('PUT');
    const typed = toCloudEvents(raw, {
      http: { path: '/webhooks/orders', eventType: 'com.shop.order.webhook' },
    });
    expect(typed.items[0]?.event.type).toBe('com.shop.order.webhook');
  });
});
