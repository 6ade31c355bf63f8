/**
 * The restricted JSONPath both EventBridges accept in transforms, compiled once into a list of steps.
 * EventBridge (AWS) documents dot notation over dashes, underscores, alphanumerics and forward slashes,
 * array indices and wildcards; Alibaba's paths are Jayway JSONPath, of which we take the same subset plus
 * bracket-quoted names (`$.data['source-ip']`). Anything else — filters, slices, unions, recursive
 * descent — is rejected when the transform is compiled, never on the first event.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
import { TriggerError } from '../errors.js';

/** What a definite path yields when the event has nothing there. */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

export type PathDialect = 'aws' | 'alibaba';

/** A compiled path. `definite` paths yield one value or MISSING; wildcard paths always yield an array. */
export interface CompiledPath {
  readonly text: string;
  readonly definite: boolean;
  read(root: unknown): unknown;
}

type Step = { readonly name: string } | { readonly index: number } | { readonly wildcard: true };

/** Names a path may never step into: reading them would reach the prototype chain of a JS object. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** EventBridge's documented name characters: alphanumerics, dashes, underscores, forward slashes. */
const AWS_NAME = /[A-Za-z0-9_\-/]+/y;
const ALIBABA_NAME = /[^.[\]\s'"*$]+/y;
const INDEX = /\[(\d+)\]/y;
const QUOTED = /\[(?:'([^']*)'|"([^"]*)")\]/y;
/** AWS caps InputPath and each InputPathsMap value at 256 characters. */
export const AWS_PATH_MAX = 256;

/**
 * Compiles a JSONPath such as `$.detail.items[0].sku`. Throws `E_TRANSFORM_INVALID` saying where and why.
 *
 * @example
 * compilePath('$.detail.instance-id', 'aws', 'transform.InputPath').read({ detail: { 'instance-id': 'i-1' } }) // 'i-1'
 */
export function compilePath(text: unknown, dialect: PathDialect, where: string): CompiledPath {
  if (typeof text !== 'string') {
    throw invalidPath(where, `must be a JSONPath string such as "$.detail.id", got ${describe(text)}`);
  }
  if (dialect === 'aws' && text.length > AWS_PATH_MAX) {
    throw invalidPath(
      where,
      `is ${text.length} characters; EventBridge accepts JSONPaths of at most ${AWS_PATH_MAX}`,
    );
  }
  if (!text.startsWith('$')) {
    throw invalidPath(where, `must start at the event root "$", as in "$.${text.replace(/^\.+/, '')}"`);
  }
  const steps = parseSteps(text, dialect, where);
  const definite = steps.every((step) => !('wildcard' in step));
  return Object.freeze({
    text,
    definite,
    read: definite ? (root: unknown) => readDefinite(root, steps) : (root: unknown) => readAll(root, steps),
  });
}

function parseSteps(text: string, dialect: PathDialect, where: string): Step[] {
  const steps: Step[] = [];
  let pos = 1;
  while (pos < text.length) {
    const rest = text.slice(pos);
    if (rest.startsWith('..')) {
      throw invalidPath(where, `"${text}" uses recursive descent (..), which EventBridge does not support`);
    }
    if (rest.startsWith('.*') || rest.startsWith('[*]')) {
      steps.push({ wildcard: true });
      pos += rest.startsWith('.*') ? 2 : 3;
      continue;
    }
    if (rest.startsWith('.')) {
      const pattern = dialect === 'aws' ? AWS_NAME : ALIBABA_NAME;
      pattern.lastIndex = pos + 1;
      const match = pattern.exec(text);
      if (match === null) throw badCharacter(text, pos + 1, dialect, where);
      steps.push({ name: checkName(match[0], text, where) });
      pos = pattern.lastIndex;
      continue;
    }
    INDEX.lastIndex = pos;
    const index = INDEX.exec(text);
    if (index !== null) {
      steps.push({ index: Number(index[1]) });
      pos = INDEX.lastIndex;
      continue;
    }
    QUOTED.lastIndex = pos;
    const quoted = QUOTED.exec(text);
    if (quoted !== null && dialect === 'alibaba') {
      steps.push({ name: checkName(quoted[1] ?? quoted[2] ?? '', text, where) });
      pos = QUOTED.lastIndex;
      continue;
    }
    if (quoted !== null) {
      throw invalidPath(
        where,
        `"${text}" uses bracket notation for a name; EventBridge accepts dot notation only, as in "$.a.b"`,
      );
    }
    throw badCharacter(text, pos, dialect, where);
  }
  return steps;
}

function checkName(name: string, text: string, where: string): string {
  if (FORBIDDEN.has(name)) {
    throw invalidPath(
      where,
      `"${text}" steps into \`${name}\`; transform paths may never read __proto__, constructor or prototype`,
    );
  }
  return name;
}

function badCharacter(text: string, pos: number, dialect: PathDialect, where: string): TriggerError {
  const rest = text.slice(pos);
  const why = rest.startsWith('[?')
    ? 'filter expressions are not supported'
    : /^\[-?\d*:/.test(rest)
      ? 'array slices are not supported'
      : /^\[[^\]]*,/.test(rest)
        ? 'unions are not supported'
        : rest.startsWith('[-')
          ? 'negative array indices are not supported'
          : `unexpected "${rest.charAt(0)}" at character ${pos + 1}`;
  const allowed =
    dialect === 'aws'
      ? 'names of letters, digits, "-", "_" and "/", array indices [0] and wildcards *'
      : "names, ['quoted names'], array indices [0] and wildcards *";
  return invalidPath(where, `"${text}": ${why}; use ${allowed}`);
}

function step(value: unknown, s: Step): unknown {
  if ('name' in s) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return MISSING;
    // Own properties only: a JSON event never has inherited data worth reading.
    if (!Object.hasOwn(value, s.name)) return MISSING;
    const next = (value as Record<string, unknown>)[s.name];
    return next === undefined ? MISSING : next;
  }
  if ('index' in s) {
    if (!Array.isArray(value) || !Object.hasOwn(value, s.index)) return MISSING;
    const next: unknown = value[s.index];
    return next === undefined ? MISSING : next;
  }
  return MISSING;
}

function readDefinite(root: unknown, steps: readonly Step[]): unknown {
  let value = root;
  for (const s of steps) {
    value = step(value, s);
    if (value === MISSING) return MISSING;
  }
  return value === undefined ? MISSING : value;
}

/** Wildcard paths gather every match, as Jayway JSONPath does: an array, empty when nothing matches. */
function readAll(root: unknown, steps: readonly Step[]): unknown[] {
  let current: unknown[] = [root];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if ('wildcard' in s) {
        if (Array.isArray(value)) {
          for (const item of value) if (item !== undefined) next.push(item);
        } else if (typeof value === 'object' && value !== null) {
          for (const key of Object.keys(value)) {
            const item = (value as Record<string, unknown>)[key];
            if (item !== undefined) next.push(item);
          }
        }
      } else {
        const item = step(value, s);
        if (item !== MISSING) next.push(item);
      }
    }
    current = next;
  }
  return current;
}

function invalidPath(where: string, why: string): TriggerError {
  return new TriggerError('E_TRANSFORM_INVALID', `\`${where}\` ${why}.`, { path: where });
}

/** Short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
