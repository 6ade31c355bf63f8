/**
 * The change-data-capture view shared by DynamoDB Streams, Debezium and Alibaba DTS: an operation code
 * (Debezium's letters), `before` / `after` row images, and the row key as the CloudEvents `subject`.
 */

/** Debezium's operation letters: create, update, delete, read (snapshot), truncate, message. */
export type ChangeOp = 'c' | 'u' | 'd' | 'r' | 't' | 'm';

/** Characters that would make `name=value,name=value` ambiguous are percent-encoded (and `%` itself). */
const RESERVED = /[%,=]/g;
const HAS_RESERVED = /[%,=]/;
const DIGITS = /^\d+$/;

/**
 * The canonical text of a row key: `name=value` pairs sorted by name, comma-separated — the same key
 * always gives the same subject, whatever order the source listed it in.
 *
 * @example
 * keySubject({ sk: 'PROFILE', pk: 'USER#1' }) // 'pk=USER#1,sk=PROFILE'
 */
export function keySubject(key: Readonly<Record<string, unknown>>): string | undefined {
  const names = Object.keys(key);
  if (names.length === 0) return undefined;
  // Keys usually arrive sorted already (pk before sk): sort only when they are not.
  for (let i = 1; i < names.length; i++) {
    if ((names[i - 1] as string) > (names[i] as string)) {
      names.sort();
      break;
    }
  }
  let subject = '';
  for (const name of names) {
    subject += `${subject === '' ? '' : ','}${escapeReserved(name)}=${escapeReserved(keyText(key[name]))}`;
  }
  return subject;
}

function keyText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value) ?? String(value);
}

function escapeReserved(text: string): string {
  // Most names and values have nothing to escape: skip the replace and its callback.
  if (!HAS_RESERVED.test(text)) return text;
  return text.replace(RESERVED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A decimal sequence number zero-padded so that the `sequence` extension orders as the numbers do. */
export function paddedSequence(value: unknown, width: number): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) value = String(value);
  return typeof value === 'string' && DIGITS.test(value) ? value.padStart(width, '0') : undefined;
}
