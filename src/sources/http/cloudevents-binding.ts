/**
 * The CloudEvents HTTP protocol binding, receive side, following the spec where the JS SDK does not:
 * header values are unquoted and percent-decoded exactly once, `ce-` names match case-insensitively,
 * a bad `time` is an error (never replaced by "now"), and missing attributes are never invented.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
 */
import { type CloudEvent, fromStructured, isJsonContentType } from '../../cloud-event.js';
import { TriggerError } from '../../errors.js';
import type { HttpRequest } from '../types.js';
import { parseJsonBody, tryJson, utf8Text } from './body.js';

type Mode = 'binary' | 'structured' | 'batch';

/** `ce-*` headers binary mode must not carry, and where that value belongs instead. */
const NOT_A_HEADER: Readonly<Record<string, string>> = {
  datacontenttype: 'the Content-Type header carries it',
  data: 'the body carries the data',
  data_base64: 'the body carries the data',
};

/** Which binding mode the request uses, or undefined when it is not a CloudEvent at all. */
export function cloudEventsMode(req: HttpRequest): Mode | undefined {
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/cloudevents-batch')) return 'batch';
  if (contentType.startsWith('application/cloudevents')) return 'structured';
  if (req.headers['ce-specversion'] !== undefined) return 'binary';
  return undefined;
}

/**
 * Reads the CloudEvents carried by an HTTP request (one, or several in batch mode).
 * Throws `TriggerError` `E_SOURCE_INVALID` with `details.status` 400 or 415 for a malformed request.
 */
export function readCloudEvents(req: HttpRequest, mode: Mode): CloudEvent[] {
  if (mode === 'binary') return [readBinary(req)];
  const contentType = req.headers['content-type'] ?? '';
  const format = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!format.endsWith('+json')) {
    throw invalid(
      415,
      `Content-Type ${JSON.stringify(contentType)} names an event format this receiver does not read; ` +
        `send application/cloudevents+json (structured), application/cloudevents-batch+json (batch), or binary mode with ce-* headers.`,
    );
  }
  const parsed = parseJsonBody(req.body, 'The request body');
  if (mode === 'batch') {
    if (!Array.isArray(parsed))
      throw invalid(400, 'A batch (application/cloudevents-batch+json) must be a JSON array of CloudEvents.');
    return parsed.map((entry, i) => toEvent(entry, `batch entry [${i}]`));
  }
  return [toEvent(parsed, 'structured CloudEvent')];
}

function readBinary(req: HttpRequest): CloudEvent {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('ce-')) continue;
    const attribute = name.slice(3);
    // Own keys only: `ce-constructor` or `ce-__proto__` must not find Object.prototype's members.
    const instead = Object.hasOwn(NOT_A_HEADER, attribute) ? NOT_A_HEADER[attribute] : undefined;
    if (instead !== undefined) {
      throw invalid(400, `Header ${name} must not be sent in binary mode; ${instead}.`);
    }
    // Defined, not assigned: `__proto__` stays an attribute name (which validation then refuses).
    Object.defineProperty(attributes, attribute, {
      value: decodeHeaderValue(value, name),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) attributes.datacontenttype = contentType;
  if (req.body.length > 0) {
    // No Content-Type: the data has no declared type (RFC 9110 §8.3). JSON stays JSON, anything else
    // is kept as bytes, never refused and never given a type the sender did not state.
    if (contentType === undefined) Object.assign(attributes, untypedData(req.body));
    else if (isJsonContentType(contentType)) attributes.data = parseJsonBody(req.body, 'The request body');
    else Object.assign(attributes, typedData(req.body, contentType));
  }
  return toEvent(attributes, 'binary-mode CloudEvent (ce-* headers)');
}

function untypedData(body: Buffer): Record<string, unknown> {
  const text = utf8Text(body);
  const json = text === undefined ? undefined : tryJson(text);
  return json === undefined ? { data_base64: body.toString('base64') } : { data: json.value };
}

/** Text types as text when the bytes are UTF-8; anything else (and text that is not UTF-8) as the bytes. */
function typedData(body: Buffer, contentType: string): Record<string, unknown> {
  const text = isTextual(contentType) ? utf8Text(body) : undefined;
  return text === undefined ? { data_base64: body.toString('base64') } : { data: text };
}

/**
 * RFC 9110 quoted-string unescape, then exactly one round of percent-decoding (invalid UTF-8 rejected).
 * Refused with 400 rather than altered: raw non-ASCII or control characters (senders must percent-encode
 * them), a broken quoted-string, and `, ` outside quotes — the join of a header sent twice (`ce-id: d1`
 * and `ce-id: d2` arrive as `d1, d2`), while an attribute has one value.
 */
export function decodeHeaderValue(raw: string, header: string): string {
  if (isPlainToken(raw)) return raw;
  let value = raw.replace(OWS, '');
  if (value.startsWith('"')) {
    const quoted = QUOTED_STRING.exec(value);
    if (quoted === null)
      throw invalid(
        400,
        `Header ${header} is not one quoted-string: ${JSON.stringify(raw)}; send one value (percent-encoded, or quoted with \\" escapes), once.`,
      );
    value = (quoted[1] ?? '').replace(/\\(.)/g, '$1');
  } else if (!VISIBLE_ASCII.test(value)) {
    throw invalid(
      400,
      `Header ${header} holds a raw non-ASCII or control character: ${JSON.stringify(raw)}; percent-encode it as UTF-8 (é is %C3%A9).`,
    );
  } else if (value.includes(', ')) {
    throw invalid(
      400,
      `Header ${header} holds ", ", as when the header is sent twice and joined (${JSON.stringify(raw)}); send it once, percent-encoding a space as %20.`,
    );
  }
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalid(400, `Header ${header} is not valid percent-encoded UTF-8: ${JSON.stringify(raw)}.`);
  }
}

/**
 * Visible ASCII without space, `"` or `%`: the common value (`1.0`, an id, a type, a time), which every
 * rule above leaves as it is — no whitespace to trim, not quoted, nothing to percent-decode.
 */
function isPlainToken(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x22 || c === 0x25) return false;
  }
  return true;
}

/** Optional whitespace around a field value (RFC 9110 §5.5). */
const OWS = /^[ \t]+|[ \t]+$/g;
/** RFC 9110 §5.6.4: qdtext and quoted-pair, ASCII only. */
const QUOTED_STRING = /^"((?:[\t \x21\x23-\x5B\x5D-\x7E]|\\[\t \x21-\x7E])*)"$/;
const VISIBLE_ASCII = /^[\x20-\x7E]*$/;

function toEvent(value: unknown, where: string): CloudEvent {
  try {
    // Received, not built: every CloudEvents rule holds or the request is refused, nothing is rewritten.
    return fromStructured(value, where);
  } catch (error) {
    throw invalid(400, (error as Error).message, error);
  }
}

/** Text media types: `text/*`, XML, form bodies (kept as a string rather than base64). */
export function isTextual(contentType: string | undefined): boolean {
  const media = contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return (
    media.startsWith('text/') ||
    media.endsWith('+xml') ||
    media === 'application/xml' ||
    media === 'application/x-www-form-urlencoded'
  );
}

function invalid(status: number, message: string, cause?: unknown): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', message, { cause, details: { status } });
}
