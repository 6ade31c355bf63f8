/**
 * What every raw-event generator shares: the options common to all kinds, ids and times that are
 * random by default and deterministic from a seed, and the encodings platforms use for payloads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Options every kind takes. */
export interface CommonOptions {
  /** One record's data: an object or array is sent as JSON, a string as text. Default `{}`. */
  readonly data?: unknown;
  /** Several records' data, in order (a batch); wins over `data`. */
  readonly items?: readonly unknown[];
  /** Makes ids (and, without `time`, the time) deterministic: the same seed gives the same event. */
  readonly seed?: string;
  /** When the records were sent, ms since the epoch. Default now, or 2025-01-01T00:00:00Z with a seed. */
  readonly time?: number;
  /** Default `us-east-1` (AWS) or `cn-hangzhou` (Alibaba Cloud). */
  readonly region?: string;
  /** The account id in ARNs. Default `000000000000`, the emulator's. */
  readonly account?: string;
}

/** The time a seeded event is sent at when no `time` is given. */
export const SEEDED_TIME = Date.UTC(2025, 0, 1);

/** Ids for one generated event: `hex('msg', 2)` is the same for the same seed, kind, label and index. */
export interface Ids {
  readonly time: number;
  hex(label: string, index: number, length?: number): string;
  uuid(label: string, index: number): string;
  /** A decimal of `digits` digits that grows with `index` (sequence numbers, log event ids). */
  digits(label: string, index: number, digits: number): string;
}

export function createIds(kind: string, options: CommonOptions): Ids {
  const { seed } = options;
  const time = options.time ?? (seed === undefined ? Date.now() : SEEDED_TIME);
  const bytes = (label: string, index: number, length: number): Buffer =>
    seed === undefined
      ? randomBytes(length)
      : createHash('sha256').update(`${seed}\0${kind}\0${label}\0${index}`).digest().subarray(0, length);
  const hex = (label: string, index: number, length = 32) =>
    bytes(label, index, Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length);
  return {
    time,
    hex,
    uuid(label, index) {
      const h = hex(label, index, 32);
      // Version 4 and the RFC 4122 variant, as a random UUID has them.
      const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    digits(label, index, count) {
      // The head is fixed per event; the tail counts the index up, so later records sort after earlier ones.
      const head = BigInt(`0x${hex(label, 0, 16)}`)
        .toString()
        .padStart(20, '0');
      const tail = String(time * 1000 + index).padStart(17, '0');
      return `${'4'}${head}${tail}`.padEnd(count, '0').slice(0, count);
    },
  };
}

/** The records' data: `items`, else `data` as one record, else one empty object. */
export function itemsOf(options: CommonOptions): readonly unknown[] {
  if (options.items !== undefined) return options.items;
  return [options.data === undefined ? {} : options.data];
}

/** A record's payload as the producer wrote it: a string as text, anything else as JSON. */
export function payloadText(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data);
}

export const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
export const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');
/** gzip then base64, as CloudWatch Logs delivers a subscription's payload. */
export const gzipBase64 = (text: string): string => gzipSync(Buffer.from(text, 'utf8')).toString('base64');
/** Java's signed bytes of a UTF-8 string, as Lambda writes Kafka header values. */
export const javaBytes = (text: string): number[] =>
  [...Buffer.from(text, 'utf8')].map((b) => (b > 127 ? b - 256 : b));
export const iso = (ms: number): string => new Date(ms).toISOString();

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `23/Nov/2025:12:13:20 +0000`: how API Gateway writes `requestContext.time` (UTC). */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** The object's data, for the kinds whose record is a document (DynamoDB images, S3 object fields). */
export function objectOf(data: unknown, kind: string): Record<string, unknown> {
  if (typeof data === 'object' && data !== null && !Array.isArray(data))
    return data as Record<string, unknown>;
  throw new TypeError(
    `${kind} records carry an object as data, got ${JSON.stringify(data)}; pass a JSON object.`,
  );
}
