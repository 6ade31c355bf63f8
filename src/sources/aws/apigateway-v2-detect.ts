/**
 * The payload 2.0 shape that API Gateway HTTP APIs and Lambda function URLs share, told apart by the
 * function URL domain (`<url-id>.lambda-url.<region>.on.aws`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
import { isObject, type JsonObject } from '../types.js';

/** A payload 2.0 request, whoever sent it. */
export type PayloadV2 = JsonObject & { requestContext: JsonObject };

const FUNCTION_URL_DOMAIN = /\.lambda-url\.[a-z0-9-]+\.on\.aws$/;

/**
 * The payload 2.0 shape. Lambda authorizer requests (`type`, `routeArn`) are not requests to answer.
 * `routeKey` may be missing (function URL requests recorded by some tools omit it): `rawPath` then says
 * it is a request.
 */
export function isPayloadV2(raw: unknown): raw is PayloadV2 {
  return (
    isObject(raw) &&
    raw.version === '2.0' &&
    (typeof raw.routeKey === 'string' || (raw.routeKey === undefined && typeof raw.rawPath === 'string')) &&
    isObject(raw.requestContext) &&
    isObject(raw.requestContext.http) &&
    raw.type === undefined &&
    raw.routeArn === undefined
  );
}

export function isFunctionUrl(raw: PayloadV2): boolean {
  const domain = raw.requestContext.domainName;
  return typeof domain === 'string' && FUNCTION_URL_DOMAIN.test(domain);
}
