/**
 * A CBOR decoder (RFC 8949) for the one FC trigger that sends CBOR, Tablestore streams (only
 * `alibaba/tablestore.ts` imports it, so a bundle without that source drops it): integers,
 * byte and text strings (definite and indefinite), arrays, maps, tags (their content is kept), simple
 * values and half, single and double floats. Byte strings become base64 text and integers beyond
 * 2^53 decimal text, so the result is plain JSON a CloudEvent can carry. Small on purpose: a cloud
 * bundle may carry it, and the format's core is a page of the RFC.
 * @see https://www.rfc-editor.org/rfc/rfc8949#section-3
 */
import { TriggerError } from '../../errors.js';

const BREAK = Symbol('break');

/** Decodes one CBOR data item that fills `bytes`; `E_SOURCE_INVALID` naming the offset when it cannot. */
export function decodeCbor(bytes: Uint8Array): unknown {
  const reader = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), at: 0 };
  const value = readItem(reader, 0);
  if (value === BREAK || reader.at !== bytes.length) fail(reader.at, 'trailing bytes after the data item');
  return value;
}

interface Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  at: number;
}

function fail(at: number, problem: string): never {
  throw new TriggerError(
    'E_SOURCE_INVALID',
    `The FC event is not valid CBOR at byte ${at}: ${problem}; record the event exactly as the trigger delivers it.`,
  );
}

function take(r: Reader, count: number): number {
  if (r.at + count > r.bytes.length) fail(r.at, 'it ends in the middle of a data item');
  const start = r.at;
  r.at += count;
  return start;
}

/** The argument of a head: the length, count or value its additional information gives. */
function argument(r: Reader, info: number): number | bigint | undefined {
  if (info < 24) return info;
  if (info === 24) return r.view.getUint8(take(r, 1));
  if (info === 25) return r.view.getUint16(take(r, 2));
  if (info === 26) return r.view.getUint32(take(r, 4));
  if (info === 27) {
    const big = r.view.getBigUint64(take(r, 8));
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (info === 31) return undefined; // indefinite length
  return fail(r.at, `reserved additional information ${info}`);
}

function readItem(r: Reader, depth: number): unknown {
  if (depth > 64) fail(r.at, 'nested deeper than 64 levels');
  const head = r.view.getUint8(take(r, 1));
  const major = head >> 5;
  const info = head & 0x1f;
  if (major === 7) return simple(r, info);
  const arg = argument(r, info);
  switch (major) {
    case 0:
      return typeof arg === 'bigint' ? arg.toString() : arg;
    case 1:
      return typeof arg === 'bigint' ? (-1n - arg).toString() : -1 - (arg as number);
    case 2:
      return Buffer.from(chunks(r, 2, arg, depth)).toString('base64');
    case 3:
      return Buffer.from(chunks(r, 3, arg, depth)).toString('utf8');
    case 4:
      return list(r, arg, depth);
    case 5:
      return map(r, arg, depth);
    default:
      // Major type 6: a tag; its content is the value (a date, a bignum's bytes…).
      return readItem(r, depth + 1);
  }
}

function count(r: Reader, arg: number | bigint): number {
  if (typeof arg === 'bigint' || arg > r.bytes.length - r.at) fail(r.at, 'a length longer than the event');
  return arg;
}

function chunks(r: Reader, major: number, arg: number | bigint | undefined, depth: number): Uint8Array {
  if (arg !== undefined) {
    const start = take(r, count(r, arg));
    return r.bytes.subarray(start, r.at);
  }
  const parts: Uint8Array[] = [];
  for (;;) {
    if (r.at >= r.bytes.length) fail(r.at, 'an indefinite string without its break');
    if (r.view.getUint8(r.at) === 0xff) {
      r.at++;
      return Buffer.concat(parts);
    }
    if (r.view.getUint8(r.at) >> 5 !== major) fail(r.at, 'an indefinite string with a chunk of another type');
    const head = r.view.getUint8(take(r, 1));
    parts.push(
      chunks(r, major, count(r, argument(r, head & 0x1f) ?? fail(r.at, 'a nested indefinite chunk')), depth),
    );
  }
}

function list(r: Reader, arg: number | bigint | undefined, depth: number): unknown[] {
  const out: unknown[] = [];
  const n = arg === undefined ? Number.POSITIVE_INFINITY : count(r, arg);
  for (let i = 0; i < n; i++) {
    const item = readItem(r, depth + 1);
    if (item === BREAK) {
      if (arg !== undefined) fail(r.at, 'a break inside a definite array');
      break;
    }
    out.push(item);
  }
  return out;
}

function map(r: Reader, arg: number | bigint | undefined, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = arg === undefined ? Number.POSITIVE_INFINITY : count(r, arg);
  for (let i = 0; i < n; i++) {
    const key = readItem(r, depth + 1);
    if (key === BREAK) {
      if (arg !== undefined) fail(r.at, 'a break inside a definite map');
      break;
    }
    const value = readItem(r, depth + 1);
    if (value === BREAK) fail(r.at, 'a map key without a value');
    // defineProperty: a key named `__proto__` stays a key.
    Object.defineProperty(out, typeof key === 'string' ? key : JSON.stringify(key), {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function simple(r: Reader, info: number): unknown {
  switch (info) {
    case 20:
      return false;
    case 21:
      return true;
    case 22:
    case 23:
      return null;
    case 25:
      return half(r.view.getUint16(take(r, 2)));
    case 26:
      return r.view.getFloat32(take(r, 4));
    case 27:
      return r.view.getFloat64(take(r, 8));
    case 31:
      return BREAK;
    default:
      // Unassigned simple values read as null; 24 takes one more byte; 28 to 30 are reserved.
      if (info === 24) take(r, 1);
      else if (info >= 28) fail(r.at, `reserved simple value ${info}`);
      return null;
  }
}

/** IEEE 754 half precision (RFC 8949 Appendix D). */
function half(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 31) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}
