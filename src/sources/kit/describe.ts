/** The one way source errors describe a value they could not read: its keys, its length, or itself. */
import { isObject } from '../types.js';

/**
 * `keys a, b` for an object, `an array of 2 item(s)`, else the value as JSON (cut at 60 characters).
 *
 * @example
 * `Records[0] is not an SQS message (got ${describeValue(record)})` // (got keys messageId, eventSourceARN)
 */
export function describeValue(value: unknown): string {
  if (isObject(value)) {
    const keys = Object.keys(value);
    return `keys ${keys.slice(0, 8).join(', ') || '(none)'}${keys.length > 8 ? ', …' : ''}`;
  }
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
