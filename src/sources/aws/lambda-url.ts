/**
 * Lambda function URLs: the HTTP API payload 2.0 shape, told apart by the domain
 * (`<url-id>.lambda-url.<region>.on.aws`), so handlers and traces can say which front door a request used.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
import { httpRequestToBatch } from '../http/request.js';
import type { Batch, NormalizeOptions } from '../types.js';
import { readPayloadV2 } from './apigateway-v2.js';
import type { PayloadV2 } from './apigateway-v2-detect.js';

/** A function URL request (detected by apigateway-v2-detect.ts: payload 2.0 on a function URL domain). */
export function normalize(raw: PayloadV2, options: NormalizeOptions): Batch {
  return httpRequestToBatch('aws:lambda-url', readPayloadV2(raw, 'function URL'), options.http, options);
}
