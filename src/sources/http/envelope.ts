/**
 * Reading the parts every Lambda HTTP envelope shares (API Gateway REST and HTTP APIs, function URLs, ALB):
 * header maps in any case and with multiple values, bodies that may be base64, query strings.
 */
import { createHash } from 'node:crypto';
import { TriggerError } from '../../errors.js';
import { isBase64 } from '../kit/base64.js';
import { isObject } from '../types.js';

/**
 * One header map with lower-case names. HTTP names are case-insensitive (RFC 9110 §5.1), and API Gateway REST
 * and ALB keep the sender's case, so `Ce-Id` and `ce-id` are the same header. Multiple values are joined
 * with `, ` (RFC 9110 §5.3), cookies with `; ` (RFC 6265 §5.4). `multiValueHeaders`, when present, is
 * complete; `headers` then only holds the last value of each.
 */
export function readHeaders(single: unknown, multi: unknown): Record<string, string> {
  if (!isObject(multi) && isObject(single)) {
    const direct = singleHeaders(single);
    if (direct !== undefined) return direct;
  }
  const values = new Map<string, string[]>();
  const add = (name: string, value: unknown) => {
    if (typeof value !== 'string') return;
    const key = name.toLowerCase();
    const list = values.get(key);
    if (list === undefined) values.set(key, [value]);
    else list.push(value);
  };
  if (isObject(multi)) {
    for (const [name, list] of Object.entries(multi)) {
      if (Array.isArray(list)) for (const value of list) add(name, value);
    }
  }
  if (isObject(single)) {
    for (const [name, value] of Object.entries(single)) {
      if (!values.has(name.toLowerCase()) || !isObject(multi)) add(name, value);
    }
  }
  // fromEntries defines own properties: a header named `__proto__` stays a header.
  return Object.fromEntries(
    [...values].map(([name, list]) => [name, list.join(name === 'cookie' ? '; ' : ', ')]),
  );
}

/**
 * The common case of `readHeaders`, one value per name (API Gateway HTTP APIs, function URLs): the same
 * object without the Map of lists, or `undefined` when two names differ only in case (then joined above).
 */
function singleHeaders(single: Record<string, unknown>): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const name in single) {
    if (!Object.hasOwn(single, name)) continue;
    const value = single[name];
    if (typeof value !== 'string') continue;
    const key = name.toLowerCase();
    if (Object.hasOwn(headers, key)) return undefined;
    // Defined, not assigned: a header named `__proto__` stays a header (as Object.fromEntries keeps it).
    if (key === '__proto__')
      Object.defineProperty(headers, key, { value, enumerable: true, writable: true, configurable: true });
    else headers[key] = value;
  }
  return headers;
}

/**
 * The body bytes exactly as sent: base64-decoded when the platform says so (binary media types), else
 * the UTF-8 of the string. A body that claims base64 and is not is refused, never silently truncated
 * (Node's decoder skips invalid characters, which would make a signature check fail for the wrong reason).
 */
export function readBody(body: unknown, isBase64Encoded: unknown, where: string): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body !== 'string')
    throw invalidRequest(`${where}: \`body\` must be a string or null, got ${typeof body}.`);
  if (isBase64Encoded !== true) return Buffer.from(body, 'utf8');
  if (!isBase64(body))
    throw invalidRequest(`${where}: \`isBase64Encoded\` is true but \`body\` is not base64.`);
  return Buffer.from(body, 'base64');
}

/**
 * Rebuilds a query string from API Gateway REST's decoded parameters (re-encoded) or ALB's raw ones
 * (ALB passes names and values through as sent, so they are joined as they are).
 */
export function queryString(single: unknown, multi: unknown, encode: boolean): string {
  const pairs: string[] = [];
  const e = encode ? encodeURIComponent : (s: string) => s;
  const source = isObject(multi) ? multi : isObject(single) ? single : {};
  for (const [name, value] of Object.entries(source)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') pairs.push(`${e(name)}=${e(v)}`);
    }
  }
  return pairs.join('&');
}

/** Epoch milliseconds to RFC 3339, or undefined when absent or out of range. */
export function epochMsToTime(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  // API Gateway sends milliseconds; SAM local sends seconds. A value below 10^11 would be a time in 1973
  // or before as milliseconds, but is 5138 or before as seconds: read it as seconds.
  const date = new Date(Math.abs(value) < 1e11 ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * A stable id for a request that carries none (ALB): the same recorded request always gets the same
 * id, as CloudEvents deduplication on `source` + `id` needs. Never random.
 */
export function contentId(prefix: string, parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return `${prefix}-${hash.digest('hex').slice(0, 32)}`;
}

/** A request the envelope cannot be read from: `E_SOURCE_INVALID`, answered 400. */
export function invalidRequest(message: string): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', message, { details: { status: 400 } });
}
