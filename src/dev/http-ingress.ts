/**
 * Node HTTP requests as API Gateway HTTP API (payload v2.0) events, the shape a deployed function
 * receives behind an HTTP API or a function URL, so handlers run the same code path offline.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TriggerError } from '../errors.js';
import { compilePathTemplate, matchPathTemplate } from '../sources/http/path-template.js';

/** Lambda's synchronous payload limit. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new TriggerError(
        'E_SOURCE_INVALID',
        `The request body is over ${limit} bytes, the Lambda payload limit.`,
        {
          details: { status: 413 },
        },
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * How deep the emulator's own routes (Invoke, SQS, `/events`) let a JSON body nest. Realistic events nest
 * a few dozen levels; thousands of levels only exhaust the stack of whatever walks the value, so they are
 * refused up front with a 400 (Jackson, behind many AWS services, stops at 1,000 by default).
 */
export const MAX_JSON_DEPTH = 512;

/** Whether a JSON text nests arrays and objects deeper than `max` (strings are skipped; no parse). */
export function jsonDepthExceeds(body: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}

/**
 * The body of an AWS JSON-protocol call as its input object (empty: `{}`), or why it is not one — each
 * API wraps the reason in its own `SerializationException`.
 */
export function readJsonObject(body: Buffer): { input: Record<string, unknown> } | { problem: string } {
  if (jsonDepthExceeds(body, MAX_JSON_DEPTH))
    return { problem: `The body nests JSON deeper than ${MAX_JSON_DEPTH} levels.` };
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return { problem: 'The body is not JSON.' };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { problem: 'Expected a JSON object.' };
  return { input: input as Record<string, unknown> };
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|[\w.+-]*\+(json|xml)))/i;
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Whether the body travels as text: a textual type (or none), in UTF-8 (or no charset said), and bytes
 * that are valid UTF-8. Anything else — binary types, bytes sent without a type that are not UTF-8,
 * Latin-1 or UTF-16 text — is base64 with `isBase64Encoded`, as API Gateway hands binary bodies to
 * Lambda, so no byte is lost to U+FFFD and no charset is misread.
 */
export function isTextBody(body: Buffer, contentType: string): boolean {
  if (body.length === 0) return true;
  if (contentType !== '' && !TEXT_TYPES.test(contentType)) return false;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1]?.toLowerCase();
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) return false;
  try {
    utf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

/** API Gateway sends `pathParameters` only for a route with variables. */
function pathParametersOf(
  route: string | undefined,
  path: string,
): { pathParameters?: Record<string, string> } {
  if (route === undefined) return {};
  const found = matchPathTemplate(compilePathTemplate(route, 'path'), path);
  return found === undefined || Object.keys(found).length === 0 ? {} : { pathParameters: { ...found } };
}

export function toApiGatewayV2Event(
  req: IncomingMessage,
  body: Buffer,
  routeKey: string,
  route?: string,
  now = Date.now(),
): APIGatewayProxyEventV2 {
  // Origin-form targets only (the router refuses others): `//x` stays a path, not a host.
  const url = new URL(`http://localhost${req.url?.startsWith('/') ? req.url : '/'}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const contentType = headers['content-type'] ?? '';
  const isText = isTextBody(body, contentType);
  const method = (req.method ?? 'GET').toUpperCase();
  const cookies = req.headers.cookie?.split(/;\s*/);
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    ...pathParametersOf(route, url.pathname),
    requestContext: {
      accountId: 'offline',
      apiId: 'triggerkit',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !isText,
  };
}
