/**
 * Lambda function URLs: the HTTP API payload 2.0 shape, told apart by the domain
 * (`<url-id>.lambda-url.<region>.on.aws`), so handlers and traces can say which front door a request used.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
import { httpRequestToBatch } from '../http/request.js';
import type { Source } from '../types.js';
import { isFunctionUrl, isPayloadV2, readPayloadV2 } from './apigateway-v2.js';

export const lambdaUrl: Source = {
  kind: 'aws:lambda-url',
  reply: 'http',
  label: 'Lambda function URL request',
  detect: (raw) => isPayloadV2(raw) && isFunctionUrl(raw),
  normalize(raw, options) {
    return httpRequestToBatch('aws:lambda-url', readPayloadV2(raw, 'function URL'), options.http, options);
  },
};
