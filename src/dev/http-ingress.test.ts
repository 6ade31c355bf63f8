/** HTTP requests as the API Gateway v2 events a function receives: bodies keep every byte. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { fromApiGatewayV2 } from '../sources/aws/apigateway-v2.js';
import { toApiGatewayV2Event } from './http-ingress.js';

const request = (headers: Record<string, string>, url = '/hook') =>
  ({
    url,
    method: 'POST',
    httpVersion: '1.1',
    headers,
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;

/** The bytes a function reads back from the event (the source's own decoding). */
const bytesOf = (headers: Record<string, string>, body: Buffer) =>
  fromApiGatewayV2(toApiGatewayV2Event(request(headers), body, '$default')).body;

describe('toApiGatewayV2Event', () => {
  it.each([
    ['binary bytes sent without a Content-Type', {}, Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x41])],
    ['Latin-1 text', { 'content-type': 'text/plain; charset=ISO-8859-1' }, Buffer.from('café', 'latin1')],
    ['UTF-16 text', { 'content-type': 'text/plain; charset="utf-16le"' }, Buffer.from('hi', 'utf16le')],
    ['JSON that is not valid UTF-8', { 'content-type': 'application/json' }, Buffer.from([0x22, 0xc3, 0x22])],
    ['an image', { 'content-type': 'image/png' }, Buffer.from([0x89, 0x50, 0x4e, 0x47])],
  ])('hands %s to the function as base64, byte for byte', (_case, headers, body) => {
    const event = toApiGatewayV2Event(request(headers), body, '$default');
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(body);
    expect(bytesOf(headers, body)).toEqual(body);
  });

  it.each([
    ['UTF-8 JSON', { 'content-type': 'application/json' }, '{"name":"café"}'],
    ['UTF-8 text without a type', {}, 'héllo'],
    ['text with charset=utf-8', { 'content-type': 'text/plain; charset=UTF-8' }, 'ünïcode ✓'],
    ['ASCII form data', { 'content-type': 'application/x-www-form-urlencoded; charset=us-ascii' }, 'a=1&b=2'],
  ])('keeps %s as text', (_case, headers, text) => {
    const event = toApiGatewayV2Event(request(headers), Buffer.from(text), '$default');
    expect([event.isBase64Encoded, event.body]).toEqual([false, text]);
  });

  it('reads a path that starts with // as a path, not a host', () => {
    const event = toApiGatewayV2Event(request({}, '//evil.example/x?a=1'), Buffer.alloc(0), '$default');
    expect([event.rawPath, event.rawQueryString]).toEqual(['//evil.example/x', 'a=1']);
  });

  it('carries the route key and pathParameters of a route with variables, as API Gateway does', () => {
    const event = toApiGatewayV2Event(
      request({}, '/orders/a%20b'),
      Buffer.alloc(0),
      'POST /orders/{id}',
      '/orders/{id}',
    );
    expect([event.routeKey, event.rawPath, event.pathParameters]).toEqual([
      'POST /orders/{id}',
      '/orders/a%20b',
      { id: 'a b' },
    ]);
    expect(toApiGatewayV2Event(request({}), Buffer.alloc(0), 'POST /hook', '/hook')).not.toHaveProperty(
      'pathParameters',
    );
  });
});
