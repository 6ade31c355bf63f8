/**
 * CloudEvents 1.0 core: the type every handler receives, its validation and its JSON format.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */

import {
  isUriReference,
  NOT_A_STRING_CHARACTER,
  textProblem,
  toUriReference,
} from './cloud-event-strings.js';
import { isRfc3339 } from './cloud-event-time.js';
import { TriggerError } from './errors.js';

export { isRfc3339, isUriReference, toUriReference };

/** Attribute value types the spec allows for extensions (Binary, URI and Timestamp travel as strings). */
export type CloudEventAttributeValue = string | number | boolean;

/**
 * A CloudEvent 1.0 in its JSON-format shape: context attributes at the top level, the payload in `data`
 * (JSON value or text) or `data_base64` (bytes).
 */
export interface CloudEvent<T = unknown> {
  /**
   * Always `"1.0"` on the events triggerkit delivers (validation refuses any other). Typed as `string`, as the
   * `cloudevents` SDK types it, so an SDK `CloudEvent` can be passed wherever this type is taken.
   */
  readonly specversion: string;
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string;
  readonly time?: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  readonly data?: T;
  readonly data_base64?: string;
  readonly [extension: string]: unknown;
}

/** Attributes accepted by `createCloudEvent`; `specversion` is implied (and must be `"1.0"` when given). */
export type CloudEventInit<T = unknown> = Omit<CloudEvent<T>, 'specversion'> & { specversion?: string };

const CORE = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'data',
  'data_base64',
]);
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
/** The JSON format's Integer: a signed 32-bit whole number. */
const INT32 = 2 ** 31;
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(?:\s*;.*)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Names and media types repeat on every event of a source: a valid one is remembered (up to a bound)
 * so the hot path skips its regular expression.
 */
const NAMES_SEEN = new Set<string>();
const MEDIA_TYPES_SEEN = new Set<string>();
const SOURCES_SEEN = new Set<string>();
const TYPES_SEEN = new Set<string>();
const IS_SOURCE = { test: (v: string) => v !== '' && isUriReference(v) };
const IS_TEXT = { test: (v: string) => v !== '' && !NOT_A_STRING_CHARACTER.test(v) };
const IS_MEDIA_TYPE = { test: (v: string) => MEDIA_TYPE.test(v) && !NOT_A_STRING_CHARACTER.test(v) };

function remembered(seen: Set<string>, pattern: { test(value: string): boolean }, value: string): boolean {
  if (seen.has(value)) return true;
  if (!pattern.test(value)) return false;
  if (seen.size < 512) seen.add(value);
  return true;
}

/** True when the media type says the data is JSON (`application/json`, `*\/*+json`), or is absent. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const media = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || media === 'text/json' || media.endsWith('+json');
}

/**
 * Lists every way `value` breaks the CloudEvents 1.0 rules; empty when it is a valid event.
 *
 * @example
 * cloudEventProblems({ specversion: '1.0', id: '', source: '/s', type: 't' }) // ['`id` must be a non-empty string']
 */
export function cloudEventProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`a CloudEvent must be a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`];
  }
  const event = value as Record<string, unknown>;
  const problems: string[] = [];
  if (event.specversion !== '1.0') {
    problems.push(
      event.specversion === undefined
        ? '`specversion` is missing (expected "1.0")'
        : `\`specversion\` must be "1.0", got ${JSON.stringify(event.specversion)}`,
    );
  }
  for (const name of ['id', 'source', 'type'] as const) {
    const v = event[name];
    if (v === undefined || v === null) problems.push(`\`${name}\` is required`);
    else if (typeof v !== 'string' || v.length === 0) problems.push(`\`${name}\` must be a non-empty string`);
    else if (name === 'source' && !isUriReference(v)) {
      problems.push(
        `\`source\` must be a URI-reference, got ${JSON.stringify(v)}; percent-encode what a URI cannot hold (a space is %20): ${JSON.stringify(toUriReference(v))}`,
      );
    }
  }
  for (const name of ['subject', 'datacontenttype', 'dataschema', 'time'] as const) {
    const v = event[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length === 0) {
      problems.push(`\`${name}\` must be a non-empty string when present`);
    } else if (name === 'time' && !isRfc3339(v)) {
      problems.push(`\`time\` must be an RFC 3339 timestamp, got ${JSON.stringify(v)}`);
    } else if (name === 'datacontenttype' && !MEDIA_TYPE.test(v)) {
      problems.push(
        `\`datacontenttype\` must be a media type such as application/json, got ${JSON.stringify(v)}`,
      );
    } else if (name === 'dataschema' && !URI_SCHEME.test(v)) {
      problems.push(`\`dataschema\` must be an absolute URI, got ${JSON.stringify(v)}`);
    }
  }
  if (event.data !== undefined && event.data_base64 !== undefined) {
    problems.push('`data` and `data_base64` are mutually exclusive');
  }
  if (
    event.data_base64 !== undefined &&
    (typeof event.data_base64 !== 'string' || !BASE64.test(event.data_base64))
  ) {
    problems.push('`data_base64` must be a base64 string');
  }
  for (const name of Object.keys(event)) {
    const v = event[name];
    if (typeof v === 'string' && name !== 'data' && name !== 'data_base64') {
      const problem = textProblem(name, v);
      if (problem !== undefined) problems.push(problem);
    }
    if (CORE.has(name)) continue;
    if (!remembered(NAMES_SEEN, ATTRIBUTE_NAME, name)) {
      problems.push(`extension name \`${name}\` must use only lower-case letters a-z and digits 0-9`);
      continue;
    }
    if (v === null || v === undefined) continue;
    if (
      typeof v === 'number'
        ? !Number.isInteger(v) || v < -INT32 || v >= INT32
        : typeof v !== 'string' && typeof v !== 'boolean'
    ) {
      problems.push(
        `extension \`${name}\` must be a string, a 32-bit integer or a boolean, got ${JSON.stringify(v)}`,
      );
    }
  }
  return problems;
}

/**
 * True when `event` (already copied, no `null`/`undefined` values) passes every check of
 * `cloudEventProblems`, in one pass over its keys; false sends it to the full listing.
 */
function quickValid(event: Record<string, unknown>): boolean {
  if (typeof event.id !== 'string' || event.id === '' || NOT_A_STRING_CHARACTER.test(event.id)) return false;
  if (typeof event.source !== 'string' || !remembered(SOURCES_SEEN, IS_SOURCE, event.source)) return false;
  if (typeof event.type !== 'string' || !remembered(TYPES_SEEN, IS_TEXT, event.type)) return false;
  let hasData = false;
  let hasBase64 = false;
  for (const name in event) {
    if (!Object.hasOwn(event, name)) return false;
    const v = event[name];
    switch (name) {
      case 'specversion':
        if (v !== '1.0') return false;
        break;
      case 'id':
      case 'source':
      case 'type':
        break;
      case 'subject':
        if (typeof v !== 'string' || v === '' || NOT_A_STRING_CHARACTER.test(v)) return false;
        break;
      case 'time':
        if (typeof v !== 'string' || !isRfc3339(v)) return false;
        break;
      case 'datacontenttype':
        if (typeof v !== 'string' || !remembered(MEDIA_TYPES_SEEN, IS_MEDIA_TYPE, v)) return false;
        break;
      case 'dataschema':
        if (typeof v !== 'string' || !URI_SCHEME.test(v) || NOT_A_STRING_CHARACTER.test(v)) return false;
        break;
      case 'data':
        hasData = true;
        break;
      case 'data_base64':
        if (typeof v !== 'string' || !BASE64.test(v)) return false;
        hasBase64 = true;
        break;
      default:
        if (!remembered(NAMES_SEEN, ATTRIBUTE_NAME, name)) return false;
        if (typeof v === 'number') {
          if (!Number.isInteger(v) || v < -INT32 || v >= INT32) return false;
        } else if (typeof v === 'string') {
          if (NOT_A_STRING_CHARACTER.test(v)) return false;
        } else if (typeof v !== 'boolean') return false;
    }
  }
  return !(hasData && hasBase64);
}

/**
 * Builds a frozen, validated CloudEvent. `null` attributes are dropped (the JSON format's "unset"). A
 * `source` that is not a URI-reference is percent-encoded (`/my hook` → `/my%20hook`): sources build it
 * from platform fields, and a CloudEvent must carry a URI there. Throws `TriggerError`
 * `E_CLOUDEVENT_INVALID` listing every other problem. (`fromStructured`, for events received as
 * CloudEvents, refuses such a `source` instead.)
 *
 * @example
 * const event = createCloudEvent({ id: '1', source: '/shop', type: 'com.shop.order.created', data: { total: 120 } });
 */
export function createCloudEvent<T = unknown>(init: CloudEventInit<T>, where = 'CloudEvent'): CloudEvent<T> {
  return buildCloudEvent(init, where, true);
}

function buildCloudEvent<T>(init: CloudEventInit<T>, where: string, encodeSource: boolean): CloudEvent<T> {
  // A non-object (parsed JSON can be anything) is reported as such, never read as an attribute map.
  // fromEntries defines own properties, so a JSON `"__proto__"` key stays a (rejected) extension name
  // instead of becoming the event's prototype and lending it inherited attributes.
  const isRecord = typeof init === 'object' && init !== null && !Array.isArray(init);
  const event: Record<string, unknown> = { specversion: '1.0' };
  if (isRecord) {
    for (const key of Object.keys(init)) {
      const v = (init as Record<string, unknown>)[key];
      if (v === null || v === undefined) continue;
      if (key === '__proto__')
        Object.defineProperty(event, key, { value: v, enumerable: true, writable: true, configurable: true });
      else event[key] = v;
    }
  }
  const { source } = event;
  if (
    encodeSource &&
    typeof source === 'string' &&
    source !== '' &&
    !remembered(SOURCES_SEEN, IS_SOURCE, source)
  )
    event.source = toUriReference(source);
  // The hot path: one pass that accepts a valid event; only an invalid one pays for the full listing.
  if (isRecord && quickValid(event)) return Object.freeze(event) as unknown as CloudEvent<T>;
  const problems = cloudEventProblems(isRecord ? event : init);
  if (problems.length > 0) {
    throw new TriggerError(
      'E_CLOUDEVENT_INVALID',
      `${where} is not a valid CloudEvent 1.0: ${problems.join('; ')}.`,
      {
        eventId: typeof event.id === 'string' ? event.id : undefined,
        details: problems,
      },
    );
  }
  return Object.freeze(event) as unknown as CloudEvent<T>;
}

/**
 * For event sources only (not exported from the package): freezes `event` as it is when its core attributes
 * are valid, without copying it or re-checking what the source made valid by construction. The caller
 * guarantees that `event` is a fresh object it owns, with `specversion: '1.0'` first and no `null` or
 * `undefined` value; that every extension name is a constant or comes from a function that yields only
 * `a-z0-9` names, and every extension value is a string, a boolean or a 32-bit integer; that
 * `datacontenttype` is a constant media type; and that it has no `dataschema`, and `data_base64` only
 * as written by `Buffer#toString('base64')`. What a source copies from its input is checked here: `id`,
 * `source` and `type` must be non-empty strings free of control characters (`source` a URI-reference),
 * `subject` too when set, `time` RFC 3339. When one
 * is not, `createCloudEvent` runs and throws its usual `E_CLOUDEVENT_INVALID` listing. `where` may be
 * a function, so that a location string is only written out for an error. `timeChecked`: the source
 * formatted `time` itself and knows it is RFC 3339 (see `setEpochMsTime`).
 */
export function trustedCloudEvent(
  event: Record<string, unknown>,
  where: string | (() => string),
  timeChecked = false,
): CloudEvent {
  const { id, source, type, subject, time } = event;
  if (
    typeof id === 'string' &&
    id !== '' &&
    !NOT_A_STRING_CHARACTER.test(id) &&
    typeof source === 'string' &&
    remembered(SOURCES_SEEN, IS_SOURCE, source) &&
    typeof type === 'string' &&
    remembered(TYPES_SEEN, IS_TEXT, type) &&
    (subject === undefined ||
      (typeof subject === 'string' && subject !== '' && !NOT_A_STRING_CHARACTER.test(subject))) &&
    (timeChecked || time === undefined || (typeof time === 'string' && isRfc3339(time)))
  ) {
    return Object.freeze(event) as unknown as CloudEvent;
  }
  return createCloudEvent(event as unknown as CloudEventInit, typeof where === 'string' ? where : where());
}

/**
 * Reads a CloudEvent in the JSON event format (structured mode). Per the JSON format, data whose
 * `datacontenttype` is not JSON but which arrives as a JSON string is kept as that text.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md
 */
export function fromStructured(value: unknown, where = 'structured CloudEvent'): CloudEvent {
  // Received, not built: a `source` that is no URI-reference is refused, never rewritten.
  return buildCloudEvent(value as CloudEventInit, where, false);
}

/**
 * Serializes to the JSON event format, setting `datacontenttype` explicitly when data is JSON.
 *
 * @example
 * await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: toStructuredJson(event) });
 */
export function toStructuredJson(event: CloudEvent): string {
  if (event.data !== undefined && event.datacontenttype === undefined) {
    return JSON.stringify({ ...event, datacontenttype: 'application/json' });
  }
  return JSON.stringify(event);
}
