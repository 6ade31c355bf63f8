/**
 * Application Load Balancer requests to a Lambda target (`requestContext.elb.targetGroupArn`). The target
 * group sends either `headers` or `multiValueHeaders` (and the query likewise), never both. Health checks
 * (`User-Agent: ELB-HealthChecker/2.0`) are answered 200 before any guard runs, without the handler.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
import type { ALBEvent } from 'aws-lambda';
import { contentId, invalidRequest, queryString, readBody, readHeaders } from '../http/envelope.js';
import { httpRequestToBatch } from '../http/request.js';
import type { Batch, HttpRequest, JsonObject, NormalizeOptions } from '../types.js';
import { multiValueAnswer } from './alb-detect.js';

const HEALTH_CHECKER = /^ELB-HealthChecker\//;
/** X-Ray trace header root: version 1, the request's epoch seconds in 8 hex digits, 24 hex digits. */
const TRACE_ROOT = /(?:^|;)\s*Root=(1-([0-9a-f]{8})-[0-9a-f]{24})\s*(?:;|$)/i;

/** An ALB request (detected by alb-detect.ts). */
export function normalize(raw: JsonObject, options: NormalizeOptions): Batch {
  const req = fromAlb(raw as unknown as ALBEvent);
  if (HEALTH_CHECKER.test(req.headers['user-agent'] ?? '')) return healthCheck(req);
  return httpRequestToBatch('aws:alb', req, options.http, options);
}

/**
 * The transport-neutral request of an ALB event. ALB sends no request id: the X-Ray root of
 * `X-Amzn-Trace-Id` (which ALB adds to every request) is the id, and its timestamp the time; without it, a
 * hash of the request. The source IP is the last `X-Forwarded-For` entry, the one ALB itself appended.
 */
export function fromAlb(event: ALBEvent): HttpRequest {
  if (typeof event.path !== 'string') {
    throw invalidRequest(
      `This ALB request (${event.httpMethod}) has no string \`path\`; record the event exactly as the load balancer delivers it.`,
    );
  }
  const method = event.httpMethod.toUpperCase();
  const headers = readHeaders(event.headers, event.multiValueHeaders);
  const query = queryString(event.queryStringParameters, event.multiValueQueryStringParameters, false);
  const body = readBody(event.body, event.isBase64Encoded, `${method} ${event.path}`);
  const trace = TRACE_ROOT.exec(headers['x-amzn-trace-id'] ?? '');
  const forwarded = headers['x-forwarded-for']?.split(',').at(-1)?.trim();
  return {
    method,
    path: event.path,
    query,
    headers,
    body,
    requestId:
      trace?.[1] ??
      contentId('alb', [method, event.path, query, JSON.stringify(Object.entries(headers)), body]),
    time: trace?.[2] === undefined ? undefined : new Date(Number.parseInt(trace[2], 16) * 1000).toISOString(),
    sourceIp: forwarded || undefined,
    ...(multiValueAnswer(event as unknown as JsonObject) && { multiValueHeaders: true }),
  };
}

function healthCheck(req: HttpRequest): Batch {
  const control = { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' };
  return Object.freeze({ source: 'aws:alb', reply: 'http', http: req, items: Object.freeze([]), control });
}
