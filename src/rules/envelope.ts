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

/** Where an envelope key is found on the CloudEvent, or the fixed value it always has. */
export type EnvelopeAlias = { readonly key: string } | { readonly constant: string };

/** EventBridge envelope key → CloudEvent attribute, as the EventBridge source maps them. */
const ENVELOPE: Readonly<Record<string, EnvelopeAlias>> = {
  'detail-type': { key: 'type' },
  detail: { key: 'data' },
  region: { key: 'awsregion' },
  account: { key: 'awsaccount' },
  // EventBridge `resources` is a list; the CloudEvent keeps its first entry as `subject`.
  resources: { key: 'subject' },
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
