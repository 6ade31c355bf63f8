/**
 * API Gateway HTTP API requests (payload format 2.0): the request becomes CloudEvents through the HTTP
 * binding, a known webhook provider's event, or one plain webhook event. Function URLs send the same
 * shape and have their own source (lambda-url.ts).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { epochMsToTime, invalidRequest, readBody, readHeaders } from '../http/envelope.js';
import { httpRequestToBatch } from '../http/request.js';
import type { Batch, HttpRequest, NormalizeOptions } from '../types.js';
import type { PayloadV2 } from './apigateway-v2-detect.js';

/** An HTTP API request (detected by apigateway-v2-detect.ts: payload 2.0, not a function URL). */
export function normalize(raw: PayloadV2, options: NormalizeOptions): Batch {
  return httpRequestToBatch('aws:apigateway:v2', readPayloadV2(raw, 'HTTP API (v2)'), options.http, options);
}

/** Checks the fields every v2 request has, then reads it; E_SOURCE_INVALID (400) when they are missing. */
export function readPayloadV2(raw: unknown, label: string): HttpRequest {
  const event = raw as APIGatewayProxyEventV2;
  if (typeof event.requestContext?.http?.method !== 'string' || typeof event.rawPath !== 'string') {
    throw invalidRequest(
      `This ${label} request has no string \`requestContext.http.method\` or \`rawPath\`; ` +
        'record the event exactly as API Gateway or the function URL delivers it.',
    );
  }
  return fromApiGatewayV2(event);
}

/** The transport-neutral request of a payload 2.0 event (header names lower-cased, body bytes decoded). */
export function fromApiGatewayV2(event: APIGatewayProxyEventV2): HttpRequest {
  const headers = readHeaders(event.headers, undefined);
  // Payload 2.0 moves cookies out of the headers; signatures and handlers expect them back.
  if (Array.isArray(event.cookies) && event.cookies.length > 0 && headers.cookie === undefined) {
    headers.cookie = event.cookies.filter((c) => typeof c === 'string').join('; ');
  }
  const { http, requestId, timeEpoch } = event.requestContext;
  return {
    method: http.method.toUpperCase(),
    path: event.rawPath,
    query: typeof event.rawQueryString === 'string' ? event.rawQueryString : '',
    headers,
    body: readBody(event.body, event.isBase64Encoded, `${http.method} ${event.rawPath}`),
    requestId,
    time: epochMsToTime(timeEpoch),
    sourceIp: typeof http.sourceIp === 'string' ? http.sourceIp : undefined,
  };
}
