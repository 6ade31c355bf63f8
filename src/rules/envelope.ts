/**
 * EventBridge envelope compatibility. Filters match the normalized CloudEvent, but rules written for
 * EventBridge address the EventBridge envelope. A pattern whose top level (or a top-level `$or` branch)
 * names an envelope-only key — `detail`, `detail-type`, `account`, `region`, `resources`, `version` — is
 * an *envelope pattern*: its top-level keys are renamed at compile time the way our EventBridge source maps
 * the envelope onto the CloudEvent (src/sources/aws/eventbridge.ts). Mixing envelope-only keys with
 * CloudEvents-only attributes (`type`, `data`, …) is rejected as ambiguous.
 * @see ../../docs/patterns.md#eventbridge-envelope-patterns
 */
import { invalidPattern, isPlainObject } from './pattern-error.js';

/**
 * The key an envelope pattern's `resources` is read from: not a CloudEvent attribute (an event list is no
 * attribute value), but the list `withResources` puts beside the event's own keys. No JSON key of an
 * event can collide with it.
 */
export const RESOURCES_KEY = '\u0000resources';

/** Where an envelope key is found on the CloudEvent, or the fixed value it always has. */
export type EnvelopeAlias = { readonly key: string } | { readonly constant: string };

/** EventBridge envelope key → CloudEvent attribute, as the EventBridge source maps them. */
const ENVELOPE: Readonly<Record<string, EnvelopeAlias>> = {
  'detail-type': { key: 'type' },
  detail: { key: 'data' },
  region: { key: 'awsregion' },
  account: { key: 'awsaccount' },
  // EventBridge `resources` is a list: matched against all of them (see `withResources`).
  resources: { key: RESOURCES_KEY },
  // Every EventBridge event has version "0".
  version: { constant: '0' },
};

/** Attributes only a CloudEvent has: an envelope pattern naming them is ambiguous. */
const CLOUD_EVENTS_ONLY = new Set([
  'type',
  'data',
  'subject',
  'specversion',
  'datacontenttype',
  'dataschema',
  'data_base64',
  'awsregion',
  'awsaccount',
]);

/** Renames one top-level key; `undefined` when the pattern is not an envelope pattern. */
export type EnvelopeRename = (key: string) => { key: string } | { constant: string | undefined };

/**
 * Decides whether `pattern` is an envelope pattern and returns its key renaming, or undefined.
 *
 * @example
 * envelopeRename({ 'detail-type': ['Order Placed'], detail: { total: [{ numeric: ['>', 100] }] } })?.('detail')
 * // → { key: 'data' }
 */
export function envelopeRename(pattern: Record<string, unknown>): EnvelopeRename | undefined {
  const keys = new Set<string>();
  collectTopKeys(pattern, keys);
  let envelopeKey: string | undefined;
  let cloudEventKey: string | undefined;
  for (const key of keys) {
    if (Object.hasOwn(ENVELOPE, key)) envelopeKey ??= key;
    if (CLOUD_EVENTS_ONLY.has(key)) cloudEventKey ??= key;
  }
  if (envelopeKey === undefined) return undefined;
  if (cloudEventKey !== undefined) {
    throw invalidPattern(
      cloudEventKey,
      `the pattern mixes the EventBridge envelope key \`${envelopeKey}\` with the CloudEvents attribute \`${cloudEventKey}\`; write it against one shape: \`detail-type\`/\`detail\` (EventBridge) or \`type\`/\`data\` (CloudEvent)`,
    );
  }
  return (key) => {
    const dot = key.indexOf('.');
    const head = dot < 0 ? key : key.slice(0, dot);
    const alias = Object.hasOwn(ENVELOPE, head) ? ENVELOPE[head] : undefined;
    if (alias === undefined) return { key };
    if ('constant' in alias) return { constant: dot < 0 ? alias.constant : undefined };
    return { key: dot < 0 ? alias.key : alias.key + key.slice(dot) };
  };
}

function collectTopKeys(node: Record<string, unknown>, into: Set<string>, depth = 0): void {
  if (depth > 64) return; // a cyclic object; the parser rejects it
  for (const [key, value] of Object.entries(node)) {
    if (key === '$or' && Array.isArray(value)) {
      for (const branch of value) if (isPlainObject(branch)) collectTopKeys(branch, into, depth + 1);
    } else {
      const dot = key.indexOf('.');
      into.add(dot < 0 ? key : key.slice(0, dot));
    }
  }
}

/**
 * The EventBridge `resources` of a CloudEvent: the `awsresources` extension (a JSON array of strings, which
 * our EventBridge source writes whenever the list is not just `[subject]`), else `[subject]`; undefined when
 * the event has neither. Anything that is not an object has none.
 *
 * @example
 * envelopeResources({ subject: 'arn:aws:ec2:…:instance/i-1', awsresources: '["arn:aws:ec2:…:instance/i-1","arn:aws:ec2:…:volume/vol-2"]' })
 * // → ['arn:aws:ec2:…:instance/i-1', 'arn:aws:ec2:…:volume/vol-2']
 */
export function envelopeResources(event: unknown): readonly string[] | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  const cached = RESOURCES.get(event);
  if (cached !== undefined || RESOURCES.has(event)) return cached;
  const listed = Object.hasOwn(event, 'awsresources')
    ? parseList((event as Record<string, unknown>).awsresources)
    : undefined;
  const subject = Object.hasOwn(event, 'subject') ? (event as Record<string, unknown>).subject : undefined;
  const resources = listed ?? (typeof subject === 'string' ? Object.freeze([subject]) : undefined);
  // Events are frozen: the list of one event never changes, and each event is usually matched many times.
  if (Object.isFrozen(event)) RESOURCES.set(event, resources);
  return resources;
}

/**
 * The event as an envelope pattern naming `resources` reads it: its own keys, plus the resource list under
 * `RESOURCES_KEY` (absent when the event has none, so `exists: false` holds).
 */
export function withResources(event: unknown): unknown {
  const resources = envelopeResources(event);
  if (resources === undefined) return event;
  return { ...(event as object), [RESOURCES_KEY]: resources };
}

const RESOURCES = new WeakMap<object, readonly string[] | undefined>();

function parseList(value: unknown): readonly string[] | undefined {
  if (typeof value !== 'string' || !value.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  return Object.freeze(parsed.filter((entry): entry is string => typeof entry === 'string'));
}
