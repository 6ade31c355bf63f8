/**
 * What every record-batch source of this family shares: reading a batch record by record (a record that
 * cannot be read is rejected, the rest still normalize), epoch times as RFC 3339, and text that may be JSON.
 */

import { isTriggerError, TriggerError } from '../../errors.js';
import { epochMsToIso, readJsonOrText, setEpochMsTime } from '../aws/decode.js';
import {
  type Batch,
  type BatchItem,
  type FailureReply,
  isObject,
  type RejectedRecord,
  type SourceKind,
} from '../types.js';

/** The items and rejected records of a batch, before it is frozen into a `Batch`. */
export interface Collected {
  readonly items: BatchItem[];
  readonly rejected: RejectedRecord[];
}

/**
 * Reads every entry with `read`; an entry whose `read` throws `E_SOURCE_INVALID` or `E_CLOUDEVENT_INVALID`
 * is rejected under `refOf(entry, index)` (as `E_SOURCE_INVALID`) and the others still normalize.
 * Any other error is a bug and propagates.
 */
export function collect(
  entries: readonly unknown[],
  read: (entry: unknown, index: number) => BatchItem | undefined,
  refOf: (entry: unknown, index: number) => string,
): Collected {
  const items: BatchItem[] = [];
  const rejected: RejectedRecord[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    try {
      const item = read(entry, index);
      if (item !== undefined) items.push(Object.freeze(item));
    } catch (error) {
      if (
        !isTriggerError(error) ||
        (error.code !== 'E_SOURCE_INVALID' && error.code !== 'E_CLOUDEVENT_INVALID')
      )
        throw error;
      const sourceError =
        error.code === 'E_SOURCE_INVALID'
          ? error
          : new TriggerError('E_SOURCE_INVALID', error.message, {
              cause: error,
              path: error.path,
              eventId: error.eventId,
              details: error.details,
            });
      rejected.push(Object.freeze({ ref: refOf(entry, index), index, error: sourceError }));
    }
  }
  return { items, rejected };
}

/** A frozen batch; `rejected` is only set when some record was rejected. */
export function toBatch(
  source: SourceKind,
  reply: FailureReply,
  { items, rejected }: Collected,
  ordered = false,
): Batch {
  return Object.freeze({
    source,
    reply,
    ...(ordered ? { ordered: true } : {}),
    items: freezeItems(items),
    ...(rejected.length > 0 ? { rejected: Object.freeze(rejected) } : {}),
  });
}

/** Freezes the items (collect's already are) and the array itself, which the batch now owns. */
function freezeItems(items: BatchItem[]): readonly BatchItem[] {
  for (const item of items) Object.freeze(item);
  return Object.freeze(items);
}

/** `E_SOURCE_INVALID` for the record at `path`: "`path` `problem`." */
export function invalidRecord(path: string, problem: string): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', `${path} ${problem}.`, { path });
}

/** A short description of a value for error messages: its keys, or the value itself. */
export function seen(value: unknown): string {
  if (isObject(value)) {
    const keys = Object.keys(value);
    return `got keys ${keys.slice(0, 8).join(', ') || '(none)'}${keys.length > 8 ? ', …' : ''}`;
  }
  if (Array.isArray(value)) return `got an array of ${value.length} item(s)`;
  const text = JSON.stringify(value) ?? String(value);
  return `got ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`;
}

/** Epoch seconds or milliseconds (number or digit string) as RFC 3339; undefined when absent or out of range. */
export function epochToIso(value: unknown, unit: 's' | 'ms'): string | undefined {
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return epochMsToIso(unit === 's' ? n * 1000 : n);
}

/** `epochToIso` as `setEpochMsTime` does it: sets `event.time`, true when that time is valid by construction. */
export function setEpochTime(event: Record<string, unknown>, value: unknown, unit: 's' | 'ms'): boolean {
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return true;
  return setEpochMsTime(event, unit === 's' ? n * 1000 : n);
}

/** The value of a text payload: parsed JSON when it is a JSON object or array, the text itself otherwise. */
export function readJsonText(text: string): { readonly value: unknown; readonly json: boolean } {
  // Scalars stay text ("42" is a log line, not a number): readJsonOrText parses objects and arrays only.
  const value = readJsonOrText(text);
  return { value, json: typeof value !== 'string' };
}

/** A non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
