/**
 * API Gateway REST API proxy requests, and HTTP API requests in payload format 1.0 (`version: "1.0"`):
 * `resource`, `httpMethod`, `requestContext.stage`. Header names keep the sender's case and repeated headers
 * are in `multiValueHeaders`; both are read into one lower-case map before the CloudEvents binding, so
 * `Ce-Id` is `ce-id`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { epochMsToTime, invalidRequest, queryString, readBody, readHeaders } from '../http/envelope.js';
import { httpRequestToBatch } from '../http/request.js';
import { type Batch, type HttpRequest, isObject, type JsonObject, type NormalizeOptions } from '../types.js';

/** A REST API (v1) proxy request (detected by catalog.ts). */
export function normalize(raw: JsonObject, options: NormalizeOptions): Batch {
  const req = fromApiGatewayV1(raw as unknown as APIGatewayProxyEvent);
  return httpRequestToBatch('aws:apigateway:v1', req, options.http, options);
}

/** The transport-neutral request of a REST (v1) proxy event. */
export function fromApiGatewayV1(event: APIGatewayProxyEvent): HttpRequest {
  const context = event.requestContext;
  if (typeof event.path !== 'string') {
    throw invalidRequest(
      `This API Gateway REST request (${event.httpMethod} ${event.resource}) has no string \`path\`; ` +
        'record the event exactly as API Gateway delivers it.',
    );
  }
  const where = `${event.httpMethod} ${event.path}`;
  const identity: Record<string, unknown> = isObject(context.identity) ? context.identity : {};
  return {
    method: event.httpMethod.toUpperCase(),
    path: event.path,
    query: queryString(event.queryStringParameters, event.multiValueQueryStringParameters, true),
    headers: readHeaders(event.headers, event.multiValueHeaders),
    body: readBody(event.body, event.isBase64Encoded, where),
    requestId: context.requestId,
    time: epochMsToTime(context.requestTimeEpoch),
    sourceIp: typeof identity.sourceIp === 'string' ? identity.sourceIp : undefined,
  };
}
