import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import type { CloudEvent } from '../../cloud-event.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { DEFAULT_HTTP_EVENT_TYPE } from '../http/request.js';
import { sourceOf, toCloudEvents } from '../index.js';
import { fromApiGatewayV2 } from './apigateway-v2.js';

const apiGatewayV2 = sourceOf('aws:apigateway:v2');

function only(raw: unknown, options = {}): CloudEvent {
  const { items } = apiGatewayV2.normalize(raw, options);
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item === undefined) throw new Error('no item');
  expect(item.ref).toBe(item.event.id);
  expect(cloudEventProblems(item.event)).toEqual([]);
  return item.event;
}

function rejection(raw: unknown): TriggerError {
  try {
    toCloudEvents(raw);
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('detect', () => {
  it('recognizes HTTP API v2 requests, nothing else (function URLs and Lambda authorizer requests have their own)', () => {
    expect(apiGatewayV2.detect(fixture('apigw-http/order-webhook.json'))).toBe(true);
    expect(apiGatewayV2.detect(fixture('apigw-http/function-url-no-content-type.json'))).toBe(false);
    const authorizer = {
      ...fixture('apigw-http/order-webhook.json'),
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:x',
    };
    expect(apiGatewayV2.detect(authorizer)).toBe(false);
    const { version: _, ...v1Like } = fixture('apigw-http/order-webhook.json');
    expect(apiGatewayV2.detect(v1Like)).toBe(false);
    expect(apiGatewayV2.detect({ ...fixture('apigw-http/order-webhook.json'), requestContext: {} })).toBe(
      false,
    );
  });
});

describe('webhook request → one CloudEvent', () => {
  it('id = requestContext.requestId, source = path, default type, time from timeEpoch, httpmethod, JSON data', () => {
    expect(only(fixture('apigw-http/order-webhook.json'))).toStrictEqual({
      specversion: '1.0',
      id: 'dGh1cnNkYXk9',
      source: '/webhooks/orders',
      type: DEFAULT_HTTP_EVENT_TYPE,
      time: '2025-11-23T12:13:20.321Z',
      httpmethod: 'POST',
      datacontenttype: 'application/json',
      data: { orderId: 'ord-2001', total: 240.5, currency: 'USD', items: [{ sku: 'lamp', quantity: 1 }] },
    });
    expect(DEFAULT_HTTP_EVENT_TYPE).toBe('dev.triggerkit.http.request');
  });

  it('takes the type from the httpEventType option', () => {
    expect(
      only(fixture('apigw-http/order-webhook.json'), { httpEventType: 'com.shop.order.webhook' }).type,
    ).toBe('com.shop.order.webhook');
  });

  it('keeps the transport request beside the events', () => {
    const { http } = apiGatewayV2.normalize(fixture('apigw-http/order-webhook.json'), {});
    expect(http).toMatchObject({ method: 'POST', path: '/webhooks/orders', requestId: 'dGh1cnNkYXk9' });
    expect(http?.sourceIp).toBe('203.0.113.24');
  });

  it('keeps a text body as a string with its Content-Type', () => {
    const event = only(fixture('apigw-http/webhook-text.json'));
    expect(event.datacontenttype).toBe('text/plain; charset=utf-8');
    expect(event.data).toBe('Order ord-2001 left the warehouse – tracking 1Z999AA10123456784');
  });

  it('decodes isBase64Encoded bodies: a form post becomes its text', () => {
    const event = only(fixture('apigw-http/webhook-form-base64.json'));
    expect(event.datacontenttype).toBe('application/x-www-form-urlencoded');
    expect(event.data).toBe('payload=%7B%22action%22%3A%22opened%22%2C%22number%22%3A42%7D&source=form');
  });

  it('decodes isBase64Encoded bodies: JSON is parsed', () => {
    const raw = fixture<APIGatewayProxyEventV2>('apigw-http/order-webhook.json');
    const encoded = { ...raw, body: Buffer.from(raw.body ?? '').toString('base64'), isBase64Encoded: true };
    expect(only(encoded).data).toEqual(only(raw).data);
  });

  it('keeps binary bodies as data_base64, byte for byte', () => {
    const raw = fixture('apigw-http/webhook-pdf-base64.json');
    const event = only(raw);
    expect(event.datacontenttype).toBe('application/pdf');
    expect(event.data).toBeUndefined();
    expect(event.data_base64).toBe(raw.body);
  });

  it('a request without Content-Type: JSON is read as JSON, anything else kept as octet-stream bytes', () => {
    const raw = fixture('apigw-http/function-url-no-content-type.json');
    const text = only(raw);
    expect(text).toMatchObject({ source: '/', datacontenttype: 'application/octet-stream' });
    expect(Buffer.from(text.data_base64 ?? '', 'base64').toString()).toBe('temp=21.5;hum=40');
    const json = only({ ...raw, body: '{"temp":21.5}' });
    expect(json).toMatchObject({ datacontenttype: 'application/json', data: { temp: 21.5 } });
  });

  it('an empty body gives an event without data or datacontenttype', () => {
    const { body: _, ...raw } = fixture<APIGatewayProxyEventV2>('apigw-http/order-webhook.json');
    const event = only({
      ...raw,
      requestContext: { ...raw.requestContext, http: { ...raw.requestContext.http, method: 'get' } },
    });
    expect(event).not.toHaveProperty('data');
    expect(event).not.toHaveProperty('datacontenttype');
    expect(event.httpmethod).toBe('GET');
  });

  it('leaves time unset without timeEpoch', () => {
    const raw = fixture<APIGatewayProxyEventV2>('apigw-http/order-webhook.json');
    const { timeEpoch: _, ...requestContext } = raw.requestContext;
    expect(only({ ...raw, requestContext })).not.toHaveProperty('time');
  });

  it('the same request twice gives the same event; the input is not mutated', () => {
    const raw = fixture('apigw-http/webhook-form-base64.json');
    const copy = structuredClone(raw);
    expect(only(raw)).toStrictEqual(only(raw));
    expect(raw).toStrictEqual(copy);
  });
});

describe('fromApiGatewayV2', () => {
  it('lower-cases header names and joins cookies into a cookie header', () => {
    const raw = fixture<APIGatewayProxyEventV2>('apigw-http/order-webhook.json');
    const req = fromApiGatewayV2({
      ...raw,
      headers: { 'Content-Type': 'text/plain', 'X-Shop-Id': '7' },
      cookies: ['a=1', 'b=2'],
    });
    expect(req.headers).toEqual({ 'content-type': 'text/plain', 'x-shop-id': '7', cookie: 'a=1; b=2' });
  });
});

describe('malformed requests → E_SOURCE_INVALID, status 400', () => {
  it('a JSON Content-Type with a body that is not JSON', () => {
    const raw = { ...fixture('apigw-http/order-webhook.json'), body: '{"orderId": "ord-2001",' };
    const error = rejection(raw);
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.details).toEqual({ status: 400 });
    expect(error.message).toMatch(/^The body of POST \/webhooks\/orders is not valid JSON/);
  });

  it('no requestContext.http.method (instead of a TypeError)', () => {
    const raw = fixture<APIGatewayProxyEventV2>('apigw-http/order-webhook.json');
    const error = rejection({
      ...raw,
      requestContext: { ...raw.requestContext, http: { path: '/webhooks/orders' } },
    });
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.details).toEqual({ status: 400 });
    expect(error.message).toContain('requestContext.http.method');
  });

  it('no requestId: the CloudEvent would have no id, and the error says so', () => {
    const raw = fixture<APIGatewayProxyEventV2>('apigw-http/order-webhook.json');
    const { requestId: _, ...requestContext } = raw.requestContext;
    const error = rejection({ ...raw, requestContext });
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.details).toMatchObject({ status: 400 });
    expect(error.message).toContain('`id` is required');
  });
});
