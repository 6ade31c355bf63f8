/**
 * Payloads: text that may be JSON, bytes that may be JSON, text or binary, and content types. The one
 * module-level state is a stateless strict UTF-8 decoder.
 */
import { isJsonContentType } from '../../cloud-event.js';

/** The data part of an event: JSON value, text, or bytes as base64. */
export interface Payload {
  readonly datacontenttype: string;
  readonly data?: unknown;
  readonly data_base64?: string;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(?:\s*;.*)?$/;

/** True for a `type/subtype` media type, parameters allowed (`text/plain; charset=utf-8`). */
export function isMediaType(value: string): boolean {
  return MEDIA_TYPE.test(value);
}

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

/** The value of a text payload: parsed JSON when it is a JSON object or array, the text itself otherwise. */
export function readJsonText(text: string): { readonly value: unknown; readonly json: boolean } {
  // Scalars stay text ("42" is a log line, not a number): readJsonOrText parses objects and arrays only.
  const value = readJsonOrText(text);
  return { value, json: typeof value !== 'string' };
}

/** A non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
