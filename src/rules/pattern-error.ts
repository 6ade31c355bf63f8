/** Building blocks shared by the pattern parser: the one error shape and JSON value checks. */
import { TriggerError } from '../errors.js';

/**
 * The error every invalid pattern raises: code `E_RULE_INVALID`, the pattern path, the reason and the fix.
 *
 * @example
 * throw invalidPattern('data.total', 'numeric range needs a lower bound below its upper bound');
 */
export function invalidPattern(path: string, reason: string): TriggerError {
  const where = path === '' ? 'the pattern' : `pattern field \`${path}\``;
  return new TriggerError('E_RULE_INVALID', `Invalid event pattern: ${where}: ${reason}.`, { path });
}

/** A JSON object: a plain object, not an array, a Date, a Map or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Short description of a pattern value for messages: `null`, `an array`, `string "x"`, `number 5`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'an object';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return `${typeof value} ${JSON.stringify(value)}`;
  }
  return `a ${typeof value === 'object' ? 'non-JSON object' : typeof value}`;
}

/** JSON text of a small pattern value for messages, never throwing (BigInt, cycles). */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Joins a pattern path for messages: `detail`, `detail.state`, `$or[1].source`. */
export function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}
