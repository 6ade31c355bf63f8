/**
 * Application Load Balancer requests to a Lambda target, without their normalizer. The target group
 * sends either `headers` or `multiValueHeaders` (and the query likewise), never both, and expects its
 * answer in the same form.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
import { isObject, type JsonObject } from '../types.js';

export type AlbRequest = JsonObject & { httpMethod: string; requestContext: { elb: JsonObject } };

export function isAlbRequest(raw: unknown): raw is AlbRequest {
  return (
    isObject(raw) &&
    typeof raw.httpMethod === 'string' &&
    isObject(raw.requestContext) &&
    isObject(raw.requestContext.elb) &&
    typeof raw.requestContext.elb.targetGroupArn === 'string'
  );
}

/** `true` when the target group has multi-value headers on: the answer takes `multiValueHeaders`. */
export function multiValueAnswer(raw: JsonObject): true | undefined {
  return raw.multiValueHeaders !== undefined && raw.headers === undefined ? true : undefined;
}
