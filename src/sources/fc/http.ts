/**
 * Function Compute 3.0 HTTP trigger requests (built-in runtimes, payload `version: "v1"`): the request
 * becomes CloudEvents through the HTTP binding, a known webhook provider's event, or one plain webhook
 * event — exactly as API Gateway requests do (`http/request.ts`), answered with FC's response struct.
 * FC joins repeated headers and query parameters with commas (`"a": "1,2"`): they are kept as sent.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function
 */
import {
  contentId,
  epochMsToTime,
  invalidRequest,
  queryString,
  readBody,
  readHeaders,
} from '../http/envelope.js';
import { httpRequestToBatch } from '../http/request.js';
import type { Batch, HttpRequest, JsonObject, NormalizeOptions } from '../types.js';
import type { FcHttpEvent } from './http-detect.js';

/** An FC HTTP trigger request (detected by http-detect.ts). */
export function normalize(raw: FcHttpEvent, options: NormalizeOptions): Batch {
  return httpRequestToBatch('alibaba:fc-http', readFcHttpEvent(raw), options.http, options);
}

/** The transport-neutral request; E_SOURCE_INVALID (400) when the method is missing. */
function readFcHttpEvent(raw: FcHttpEvent): HttpRequest {
  const { requestContext } = raw;
  const http = requestContext.http as JsonObject;
  if (typeof http.method !== 'string') {
    throw invalidRequest(
      'This Function Compute HTTP trigger request has no string `requestContext.http.method`; record the event exactly as FC delivers it.',
    );
  }
  const method = http.method.toUpperCase();
  const epoch = requestContext.timeEpoch;
  const body = readBody(raw.body, raw.isBase64Encoded, `${method} ${raw.rawPath}`);
  return {
    method,
    path: raw.rawPath,
    query: queryString(raw.queryParameters, undefined, true),
    headers: readHeaders(raw.headers, undefined),
    body,
    requestId:
      typeof requestContext.requestId === 'string' && requestContext.requestId !== ''
        ? requestContext.requestId
        : contentId('fc', [method, raw.rawPath, body]),
    time: epochMsToTime(typeof epoch === 'string' && /^\d+$/.test(epoch) ? Number(epoch) : epoch),
    sourceIp: typeof http.sourceIp === 'string' ? http.sourceIp : undefined,
  };
}
