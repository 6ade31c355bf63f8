/**
 * The shape of one webhook provider, and what providers share to read a payload: JSON or form bodies,
 * dotted paths, times in the forms senders use.
 */
import { isRfc3339 } from '../../../cloud-event.js';
import { TriggerError } from '../../../errors.js';
import type { ControlResponse, HttpRequest, JsonObject } from '../../types.js';
import { isObject } from '../../types.js';
import { parseForm, parseJsonBody, utf8Text } from '../body.js';
import type { WebhookProviderName } from '../options.js';
import type { Verdict, VerifyContext } from './signature.js';

/** The attributes a provider maps a delivery to; `data` is the payload, `datacontenttype` application/json. */
export interface ProviderEvent {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string | undefined;
  readonly time?: string | undefined;
  readonly extensions?: Readonly<Record<string, string>>;
}

export interface WebhookProvider {
  readonly name: WebhookProviderName;
  /** Recognizes the sender's requests by their headers (for sources without `verify`). */
  detect(req: HttpRequest): boolean;
  /** Checks the signature on the raw body bytes; never parses the body. */
  verify(req: HttpRequest, context: VerifyContext): Verdict;
  /** Control-plane deliveries answered without running the handler (GitHub `ping`, Slack `url_verification`). */
  control?(req: HttpRequest, payload: unknown): ControlResponse | undefined;
  /** CloudEvents attributes for a delivery, from its headers and parsed payload. */
  toEvent(req: HttpRequest, payload: unknown): ProviderEvent;
}

/**
 * The delivery's payload: JSON, or a form body (`payload=<json>` as GitHub and Slack interactivity send,
 * else the fields as an object, as Slack slash commands send). Throws `E_SOURCE_INVALID` (400) otherwise.
 */
export function readPayload(req: HttpRequest, provider: string): unknown {
  const media = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (media === 'application/x-www-form-urlencoded') {
    const text = utf8Text(req.body);
    if (text === undefined)
      throw new TriggerError('E_SOURCE_INVALID', `This ${provider} form body is not valid UTF-8.`, {
        details: { status: 400 },
      });
    const form = parseForm(text, `This ${provider} form body`);
    const payload = form.find(([name]) => name === 'payload')?.[1];
    if (payload !== undefined)
      return parseJsonBody(payload, `The payload field of this ${provider} form body`);
    return Object.fromEntries(form);
  }
  return parseJsonBody(req.body, `This ${provider} delivery's body`);
}

/** The value at a dotted path (`repository.owner.url`), or undefined. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** A string attribute from a string or a number; undefined for anything else or an empty string. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** RFC 3339 text as is, or epoch seconds (number or digits) converted; undefined otherwise. */
export function toTime(value: unknown): string | undefined {
  if (typeof value === 'string' && isRfc3339(value)) return value;
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,12}(\.\d+)?$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The payload as an object, or an empty one (a provider's mapping then falls back to its defaults). */
export function asObject(payload: unknown): JsonObject {
  return isObject(payload) ? payload : {};
}

/** A `200` answer to a control-plane delivery. */
export function controlOk(body: unknown): ControlResponse {
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
