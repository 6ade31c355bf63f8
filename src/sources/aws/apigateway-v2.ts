/**
 * API Gateway HTTP API (payload v2.0) and Lambda function URLs: the request becomes CloudEvents
 * through the HTTP binding, or one webhook event.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TriggerError } from '../../errors.js';
import { httpBatch } from '../http/request.js';
import { type HttpRequest, isObject, type Source } from '../types.js';

export const apiGatewayV2: Source = {
  kind: 'aws:apigateway:v2',
  reply: 'http',
  label: 'API Gateway HTTP API (v2) request',
  detect(raw) {
    return (
      isObject(raw) &&
      raw.version === '2.0' &&
      typeof raw.routeKey === 'string' &&
      isObject(raw.requestContext) &&
      isObject(raw.requestContext.http)
    );
  },
  normalize(raw, options) {
    const event = raw as APIGatewayProxyEventV2;
    if (typeof event.requestContext.http.method !== 'string' || typeof event.rawPath !== 'string') {
      throw new TriggerError(
        'E_SOURCE_INVALID',
        'This HTTP API (v2) request has no string `requestContext.http.method` or `rawPath`; ' +
          'record the event exactly as API Gateway or the function URL delivers it.',
        { details: { status: 400 } },
      );
    }
    return httpBatch('aws:apigateway:v2', fromApiGatewayV2(event), options);
  },
};

export function fromApiGatewayV2(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  if (event.cookies && event.cookies.length > 0 && headers.cookie === undefined)
    headers.cookie = event.cookies.join('; ');
  const body = event.body ?? '';
  const { http, requestId, timeEpoch } = event.requestContext;
  return {
    method: http.method.toUpperCase(),
    path: event.rawPath,
    query: event.rawQueryString ?? '',
    headers,
    body: Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8'),
    requestId,
    time: typeof timeEpoch === 'number' ? new Date(timeEpoch).toISOString() : undefined,
    sourceIp: http.sourceIp,
  };
}
