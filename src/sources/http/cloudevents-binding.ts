/**
 * The CloudEvents HTTP protocol binding, receive side, following the spec where the JS SDK does not:
 * header values are unquoted and percent-decoded exactly once, `ce-` names match case-insensitively,
 * a bad `time` is an error (never replaced by "now"), and missing attributes are never invented.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
 */
import { type CloudEvent, createCloudEvent, isJsonContentType } from '../../cloud-event.js';
import { TriggerError } from '../../errors.js';
import type { HttpRequest } from '../types.js';

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
  const parsed = parseJson(req.body.toString('utf8'), 'request body');
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
    const instead = NOT_A_HEADER[attribute];
    if (instead !== undefined) {
      throw invalid(400, `Header ${name} must not be sent in binary mode; ${instead}.`);
    }
    attributes[attribute] = decodeHeaderValue(value, name);
  }
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) attributes.datacontenttype = contentType;
  if (req.body.length > 0) {
    // No Content-Type: the data has no declared type (RFC 9110 §8.3). JSON stays JSON, anything else
    // is kept as bytes, never refused and never given a type the sender did not state.
    if (contentType === undefined) Object.assign(attributes, untypedData(req.body));
    else if (isJsonContentType(contentType))
      attributes.data = parseJson(req.body.toString('utf8'), 'request body');
    else if (isTextual(contentType)) attributes.data = req.body.toString('utf8');
    else attributes.data_base64 = req.body.toString('base64');
  }
  return toEvent(attributes, 'binary-mode CloudEvent (ce-* headers)');
}

function untypedData(body: Buffer): Record<string, unknown> {
  try {
    return { data: JSON.parse(body.toString('utf8')) };
  } catch {
    return { data_base64: body.toString('base64') };
  }
}

/** RFC 7230 quoted-string unescape, then exactly one round of percent-decoding (invalid UTF-8 rejected). */
export function decodeHeaderValue(raw: string, header: string): string {
  let value = raw.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    value = value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalid(400, `Header ${header} is not valid percent-encoded UTF-8: ${JSON.stringify(raw)}.`);
  }
}

function toEvent(value: unknown, where: string): CloudEvent {
  try {
    return createCloudEvent(value as never, where);
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

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(400, `The ${where} is not valid JSON (${(error as Error).message}).`, error);
  }
}

function invalid(status: number, message: string, cause?: unknown): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', message, { cause, details: { status } });
}
