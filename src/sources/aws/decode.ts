/**
 * Decoding shared by the AWS record sources: bodies that may or may not be JSON, bytes that may be JSON,
 * text or binary, epoch timestamps, attribute names turned into extension names, and the per-record
 * error handling that turns an unreadable record into a `rejected` entry instead of failing the batch.
 */
import {
  type CloudEvent,
  type CloudEventInit,
  createCloudEvent,
  isJsonContentType,
} from '../../cloud-event.js';
import { isTriggerError, TriggerError, tooDeep } from '../../errors.js';
import { type Batch, type BatchItem, isObject, type RejectedRecord } from '../types.js';

/** CloudEvent attributes before validation; `undefined` values are dropped by `createCloudEvent`. */
export type EventInit = Record<string, unknown>;

/** The data part of an event: JSON value, text, or bytes as base64. */
export interface Payload {
  readonly datacontenttype: string;
  readonly data?: unknown;
  readonly data_base64?: string;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(?:\s*;.*)?$/;

/** JSON when `text` is a JSON object or array, the text itself otherwise (scalars and broken JSON stay text). */
export function readJsonOrText(text: string): unknown {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
    i++;
  const first = text.charCodeAt(i);
  // '{' or '[': only then is a parse attempt worth it.
  if (first !== 123 && first !== 91) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `application/json` for a parsed object or array, `text/plain` for anything kept as text. */
export function textPayload(text: string): Payload {
  return parsedPayload(readJsonOrText(text));
}

/** The payload of a body already read by `readJsonOrText` (never parse a body twice). */
export function parsedPayload(value: unknown): Payload {
  return typeof value === 'string'
    ? { datacontenttype: 'text/plain', data: value }
    : { datacontenttype: 'application/json', data: value };
}

/** Bytes as JSON, text or `data_base64`: JSON and printable UTF-8 are decoded, anything else stays binary. */
export function bytesPayload(bytes: Uint8Array): Payload {
  const text = utf8(bytes);
  if (text === undefined) return binaryPayload(bytes);
  // JSON first: a text that parses as a JSON object or array holds no C0 control character other than
  // tab, line feed and carriage return (JSON.parse refuses them), so only DEL is left for isPrintable to
  // find — one native scan instead of a loop over every character.
  const value = readJsonOrText(text);
  if (typeof value !== 'string') {
    if (text.indexOf('\x7f') === -1) return { datacontenttype: 'application/json', data: value };
    return binaryPayload(bytes);
  }
  if (isPrintable(text)) return { datacontenttype: 'text/plain', data: text };
  return binaryPayload(bytes);
}

function binaryPayload(bytes: Uint8Array): Payload {
  return { datacontenttype: 'application/octet-stream', data_base64: Buffer.from(bytes).toString('base64') };
}

/**
 * Bytes as their declared content type says: JSON types parsed (kept as text when they do not parse),
 * `text/*` as text, anything else base64; without a content type, as `bytesPayload` guesses.
 */
export function typedPayload(bytes: Uint8Array, contentType: string | undefined): Payload {
  // An unusable content type (`json`, empty) is ignored rather than failing the record.
  if (contentType === undefined || !MEDIA_TYPE.test(contentType)) return bytesPayload(bytes);
  const text = utf8(bytes);
  if (text !== undefined && isJsonContentType(contentType)) {
    try {
      return { datacontenttype: contentType, data: JSON.parse(text) as unknown };
    } catch {
      return { datacontenttype: 'text/plain', data: text };
    }
  }
  if (text !== undefined && contentType.toLowerCase().startsWith('text/')) {
    return { datacontenttype: contentType, data: text };
  }
  return { datacontenttype: contentType, data_base64: Buffer.from(bytes).toString('base64') };
}

/** The bytes as a string when they are valid UTF-8, `undefined` otherwise. */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** No C0 control characters other than tab, line feed and carriage return, and no DEL. */
export function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return false;
  }
  return true;
}

/** Strict base64 (Buffer.from alone silently skips invalid characters). */
export function decodeBase64(value: unknown, path: string): Buffer {
  if (typeof value === 'string' && value.length % 4 === 0) {
    const bytes = Buffer.from(value, 'base64');
    // Canonical base64 encodes back to itself, which proves every character valid without the regular
    // expression (measured: the regex cost 3× the decoding); only non-canonical padding bits need it.
    if (bytes.toString('base64') === value || BASE64.test(value)) return bytes;
  }
  throw invalid(`${path} must be a base64 string, got ${shapeOf(value)}.`, path);
}

/** Epoch milliseconds (number or digit string) as RFC 3339; `undefined` when absent or out of range. */
export function epochMsToIso(value: unknown): string | undefined {
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
  const rounded = Math.round(ms);
  // Records of one batch were sent within the same minute or so, and Date#toISOString is slow on
  // Node 20 (measured: the largest cost of an SQS record after JSON.parse): format the minute once.
  if (rounded < 0 || rounded > 8.64e15) {
    const date = new Date(rounded);
    if (Number.isNaN(date.getTime())) return undefined;
    const iso = date.toISOString();
    lastIsoValid = isFourDigitYear(iso);
    return iso;
  }
  const minute = Math.floor(rounded / 60_000);
  if (minute !== isoMinute) {
    isoPrefix = new Date(minute * 60_000).toISOString().slice(0, -7);
    isoPrefixValid = isFourDigitYear(isoPrefix);
    isoMinute = minute;
  }
  lastIsoValid = isoPrefixValid;
  const rest = rounded - minute * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${isoPrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

let isoMinute = Number.NaN;
let isoPrefix = '';
let isoPrefixValid = false;
/** Whether the last string epochMsToIso returned is RFC 3339 (read by setEpochMsTime right after the call). */
let lastIsoValid = false;

/** toISOString writes years 0–9999 with four digits, others as `+275760` / `-000001` (not RFC 3339). */
const isFourDigitYear = (iso: string) => iso.charCodeAt(0) >= 48 && iso.charCodeAt(0) <= 57;

/**
 * Sets `event.time` to `epochMsToIso(value)` (nothing when that is undefined). Returns true when the
 * event's time is valid by construction — absent, or formatted with a four-digit year — so that
 * `trustedCloudEvent` need not read it again (reading a just-concatenated string costs more than
 * formatting it); false sends it to the usual check, which rejects a year past 9999 as before.
 */
export function setEpochMsTime(event: EventInit, value: unknown): boolean {
  const time = epochMsToIso(value);
  if (time === undefined) return true;
  event.time = time;
  return lastIsoValid;
}

/**
 * `prefix` + the name lower-cased with everything but `a-z0-9` removed, or `undefined` when that is not a
 * usable extension name (empty, or longer than the 20 characters CloudEvents allows).
 */
export function extensionName(prefix: string, name: string): string | undefined {
  // The same attribute names come with every record: remember them per prefix (bounded), which skips
  // the lower-casing and the regex replace on the hot path.
  let seen = EXTENSION_NAMES.get(prefix);
  if (seen === undefined) {
    seen = new Map();
    EXTENSION_NAMES.set(prefix, seen);
  }
  const known = seen.get(name);
  if (known !== undefined) return known === '' ? undefined : known;
  const ext = prefix + name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const usable = ext.length > prefix.length && ext.length <= 20 ? ext : undefined;
  if (seen.size < 256) seen.set(name, usable ?? '');
  return usable;
}

/** prefix → attribute name → extension name ('' for a name that gives none). */
const EXTENSION_NAMES = new Map<string, Map<string, string>>();

/** Sets `init[name] = value` unless the event already has that attribute (the inner mapping wins). */
export function setIfAbsent(init: EventInit, name: string, value: unknown): void {
  if (value !== undefined && init[name] === undefined) init[name] = value;
}

/** `Records[i] is not an X (got keys a, b)`: what the record is missing, and what was there. */
export function shapeOf(value: unknown): string {
  if (isObject(value)) {
    const keys = Object.keys(value);
    return `keys ${keys.slice(0, 8).join(', ') || '(none)'}${keys.length > 8 ? ', …' : ''}`;
  }
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A record-level data error: `E_SOURCE_INVALID` naming where. */
export function invalid(message: string, path: string): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', message, { path });
}

/** Validates and freezes the event; `where` names the record in the error message. */
export function finishEvent(init: EventInit, where: string): CloudEvent {
  return createCloudEvent(init as unknown as CloudEventInit, where);
}

/** What one record yields: its failure identity and its events (none for control messages). */
export interface RecordEvents {
  readonly ref: string;
  readonly events: readonly CloudEvent[];
}

/**
 * Reads every record; a record whose reading throws a TriggerError is `rejected` (its `index` is its
 * position among the batch's items and rejected records, which is how the runtimes walk a batch), the
 * others become items. Control messages yield no item: they are acknowledged without running a handler.
 */
export function collectRecords(
  head: Pick<Batch, 'source' | 'reply' | 'ordered'>,
  count: number,
  read: (index: number) => RecordEvents,
  refOf: (index: number) => string,
  pathOf: (index: number) => string = (index) => `Records[${index}]`,
): Batch {
  const items: BatchItem[] = [];
  const rejected: RejectedRecord[] = [];
  for (let i = 0; i < count; i++) {
    try {
      const { ref, events } = read(i);
      for (const event of events) items.push(Object.freeze({ event, ref }));
    } catch (error) {
      const path = pathOf(i);
      rejected.push(rejection(tooDeep(error, path), refOf(i), items.length + rejected.length, path));
    }
  }
  return Object.freeze({
    ...head,
    items: Object.freeze(items),
    ...(rejected.length > 0 ? { rejected: Object.freeze(rejected) } : {}),
  });
}

function rejection(error: unknown, ref: string, index: number, path: string): RejectedRecord {
  if (!isTriggerError(error)) throw error;
  const reported =
    error.code === 'E_SOURCE_INVALID'
      ? error
      : new TriggerError('E_SOURCE_INVALID', error.message, {
          cause: error,
          path,
          eventId: error.eventId,
          details: { problems: error.details },
        });
  return Object.freeze({ ref, index, error: reported });
}
