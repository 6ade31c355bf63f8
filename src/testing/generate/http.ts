/**
 * HTTP requests as the AWS front doors hand them to Lambda: API Gateway HTTP APIs (payload 2.0), Lambda
 * function URLs (the same payload, their own domain), API Gateway REST APIs (payload 1.0) and
 * Application Load Balancers. One request per invocation: the first item is the body. A `webhook` signs
 * it as that sender does (webhooks.ts).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
import { compilePathTemplate, matchPathTemplate } from '../../sources/http/path-template.js';
import { type CommonOptions, clfTime, type Ids, payloadText } from './kit.js';
import { signWebhook, type WebhookSigning } from './webhooks.js';

export interface HttpOptions extends CommonOptions {
  /** Default `POST`. */
  readonly method?: string;
  /** Default `/`. */
  readonly path?: string;
  /**
   * The route the request matched, as API Gateway names it (`/orders/{id}`, `/files/{proxy+}`); default:
   * the path. It makes the `routeKey` (or REST `resource`) and the `pathParameters`.
   */
  readonly route?: string;
  /** Query parameters; a list repeats the name. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** More request headers (`content-type` defaults to JSON for an object body, text for a string). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sign the request as a webhook sender does (GitHub, Stripe, Slack…), with your secret. */
  readonly webhook?: WebhookSigning;
}

/** The request every front door describes its own way. */
interface Request {
  readonly method: string;
  readonly path: string;
  /** The matched route template, and the values its variables took (none for a plain path). */
  readonly route: string;
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Lower-case names, in order. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly requestId: string;
}

/** The route and its parameters; a path the route cannot match is refused, as API Gateway would never send it. */
function routeOf(path: string, route: string | undefined) {
  if (route === undefined) return { route: path, pathParameters: undefined };
  const found = matchPathTemplate(compilePathTemplate(route, 'route'), path);
  if (found === undefined) {
    throw new TypeError(
      `route ${route} does not match path ${path}; give a path the route matches, e.g. ${route.replace(/\{[^}]+\}/g, '1')}`,
    );
  }
  return { route, pathParameters: Object.keys(found).length === 0 ? undefined : found };
}

function requestOf(items: readonly unknown[], o: HttpOptions, ids: Ids, host: string): Request {
  const method = (o.method ?? 'POST').toUpperCase();
  const data = items[0];
  const body = data === undefined || method === 'GET' || method === 'HEAD' ? null : payloadText(data);
  const given = Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const signed = o.webhook === undefined ? {} : signWebhook(body ?? '', o.webhook, ids);
  const headers: Record<string, string> = {
    accept: '*/*',
    ...(body !== null && { 'content-length': String(Buffer.byteLength(body)) }),
    ...(body !== null && {
      'content-type': typeof data === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    }),
    host,
    'user-agent': 'triggerkit/1.0',
    'x-amzn-trace-id': `Root=1-${Math.floor(ids.time / 1000).toString(16)}-${ids.hex('trace', 0, 24)}`,
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...signed,
    ...given,
  };
  const query = Object.entries(o.query ?? {}).flatMap(([name, v]) =>
    (typeof v === 'string' ? [v] : v).map((value) => [name, value] as const),
  );
  const path = o.path ?? '/';
  return {
    method,
    path,
    ...routeOf(path, o.route),
    query,
    headers,
    body,
    sourceIp: '203.0.113.10',
    userAgent: headers['user-agent'] as string,
    requestId: ids.uuid('request', 0),
  };
}

const joined = (pairs: ReadonlyArray<readonly [string, string]>) => {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) out[name] = name in out ? `${out[name]},${value}` : value;
  return out;
};
const listed = (pairs: ReadonlyArray<readonly [string, string]>) => {
  const out: Record<string, string[]> = {};
  for (const [name, value] of pairs) out[name] = [...(out[name] ?? []), value];
  return out;
};
const rawQuery = (r: Request) =>
  new URLSearchParams(r.query.map(([k, v]): [string, string] => [k, v])).toString();

/** Payload 2.0: an HTTP API's request, or (`functionUrl`) a function URL's. */
function payloadV2(items: readonly unknown[], o: HttpOptions, ids: Ids, functionUrl: boolean) {
  const region = o.region ?? 'us-east-1';
  const apiId = functionUrl ? ids.hex('url', 0, 32) : ids.hex('api', 0, 10);
  const domainName = functionUrl
    ? `${apiId}.lambda-url.${region}.on.aws`
    : `${apiId}.execute-api.${region}.amazonaws.com`;
  const r = requestOf(items, o, ids, domainName);
  const routeKey = functionUrl ? '$default' : `${r.method} ${r.route}`;
  const cookies = r.headers.cookie?.split(/;\s*/);
  const { cookie: _, ...headers } = r.headers;
  return {
    version: '2.0',
    routeKey,
    rawPath: r.path,
    rawQueryString: rawQuery(r),
    ...(cookies !== undefined && { cookies }),
    headers,
    ...(r.query.length > 0 && { queryStringParameters: joined(r.query) }),
    ...(!functionUrl && r.pathParameters !== undefined && { pathParameters: r.pathParameters }),
    requestContext: {
      accountId: functionUrl ? 'anonymous' : (o.account ?? '000000000000'),
      apiId,
      domainName,
      domainPrefix: apiId,
      http: {
        method: r.method,
        path: r.path,
        protocol: 'HTTP/1.1',
        sourceIp: r.sourceIp,
        userAgent: r.userAgent,
      },
      requestId: r.requestId,
      routeKey,
      stage: '$default',
      time: clfTime(ids.time),
      timeEpoch: ids.time,
    },
    ...(r.body !== null && { body: r.body }),
    isBase64Encoded: false,
  };
}

export const apiGatewayV2Event = (items: readonly unknown[], o: HttpOptions, ids: Ids) =>
  payloadV2(items, o, ids, false);
export const functionUrlEvent = (items: readonly unknown[], o: HttpOptions, ids: Ids) =>
  payloadV2(items, o, ids, true);

/** Payload 1.0 of a REST API stage `prod`, with its `multiValue*` twins. */
export function apiGatewayV1Event(items: readonly unknown[], o: HttpOptions, ids: Ids) {
  const apiId = ids.hex('api', 0, 10);
  const domainName = `${apiId}.execute-api.${o.region ?? 'us-east-1'}.amazonaws.com`;
  const r = requestOf(items, o, ids, domainName);
  const headerPairs = Object.entries(r.headers);
  return {
    resource: r.route,
    path: r.path,
    httpMethod: r.method,
    headers: r.headers,
    multiValueHeaders: listed(headerPairs),
    queryStringParameters: r.query.length > 0 ? Object.fromEntries(r.query) : null,
    multiValueQueryStringParameters: r.query.length > 0 ? listed(r.query) : null,
    pathParameters: r.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      resourceId: ids.hex('resource', 0, 6),
      resourcePath: r.route,
      httpMethod: r.method,
      extendedRequestId: `${ids.hex('extended', 0, 14)}=`,
      requestTime: clfTime(ids.time),
      path: `/prod${r.path}`,
      accountId: o.account ?? '000000000000',
      protocol: 'HTTP/1.1',
      stage: 'prod',
      domainPrefix: apiId,
      requestTimeEpoch: ids.time,
      requestId: r.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: r.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: r.userAgent,
        user: null,
      },
      domainName,
      deploymentId: ids.hex('deployment', 0, 6),
      apiId,
    },
    body: r.body,
    isBase64Encoded: false,
  };
}

/** An ALB target group's request (multi-value headers off): query values as sent, still URL-encoded. */
export function albEvent(items: readonly unknown[], o: HttpOptions, ids: Ids) {
  const region = o.region ?? 'us-east-1';
  const r = requestOf(items, o, ids, `local-alb-${ids.digits('alb', 0, 10)}.${region}.elb.amazonaws.com`);
  return {
    requestContext: {
      elb: {
        targetGroupArn: `arn:aws:elasticloadbalancing:${region}:${o.account ?? '000000000000'}:targetgroup/triggerkit/${ids.hex('group', 0, 16)}`,
      },
    },
    httpMethod: r.method,
    path: r.path,
    queryStringParameters: Object.fromEntries(r.query.map(([k, v]) => [k, encodeURIComponent(v)])),
    headers: r.headers,
    body: r.body ?? '',
    isBase64Encoded: false,
  };
}

/**
 * A Function Compute 3.0 HTTP trigger request (payload `v1`): repeated headers and query parameters
 * joined with commas, as FC sends them.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function
 */
export function fcHttpEvent(items: readonly unknown[], o: HttpOptions, ids: Ids) {
  const triggerId = ids.hex('trigger', 0, 16);
  const region = o.region ?? 'cn-hangzhou';
  const domainName = `${triggerId}.${region}.fcapp.run`;
  const r = requestOf(items, o, ids, domainName);
  return {
    version: 'v1',
    rawPath: r.path,
    body: r.body ?? '',
    isBase64Encoded: false,
    headers: r.headers,
    queryParameters: joined(r.query),
    requestContext: {
      accountId: o.account ?? '1000000000000000',
      domainName,
      domainPrefix: triggerId,
      http: {
        method: r.method,
        path: r.path,
        protocol: 'HTTP/1.1',
        sourceIp: r.sourceIp,
        userAgent: r.userAgent,
      },
      requestId: `1-${Math.floor(ids.time / 1000).toString(16)}-${ids.hex('request', 0, 24)}`,
      time: new Date(ids.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEpoch: String(ids.time),
    },
  };
}
