/**
 * Reading a batch record by record: a record that cannot be read is rejected (`E_SOURCE_INVALID` naming
 * it) while the rest of the batch still normalizes; then the batch is frozen. Also the attribute helpers
 * every record source uses, and the one cache here: extension names per attribute name.
 */
import { type CloudEvent, type CloudEventInit, createCloudEvent } from '../../cloud-event.js';
import { isTriggerError, TriggerError, tooDeep } from '../../errors.js';
import type { Batch, BatchItem, FailureReply, RejectedRecord, SourceKind } from '../types.js';

/** CloudEvent attributes before validation; `undefined` values are dropped by `createCloudEvent`. */
export type EventInit = Record<string, unknown>;

/**
 * The one cache of this module, explicit: prefix → attribute name → extension name ('' for a name that
 * gives none). The same attribute names come with every record, so remembering them skips the
 * lower-casing and the regex replace on the hot path. Per process; at most `EXTENSION_NAMES_LIMIT` names
 * per prefix (prefixes are a handful of constants), after which names are computed every time.
 */
const EXTENSION_NAMES = new Map<string, Map<string, string>>();
const EXTENSION_NAMES_LIMIT = 256;

/**
 * `prefix` + the name lower-cased with everything but `a-z0-9` removed, or `undefined` when that is not a
 * usable extension name (empty, or longer than the 20 characters CloudEvents allows).
 *
 * @example
 * extensionName('sqsattr', 'Tenant-Id') // 'sqsattrtenantid'
 */
export function extensionName(prefix: string, name: string): string | undefined {
  let seen = EXTENSION_NAMES.get(prefix);
  if (seen === undefined) {
    seen = new Map();
    EXTENSION_NAMES.set(prefix, seen);
  }
  const known = seen.get(name);
  if (known !== undefined) return known === '' ? undefined : known;
  const ext = prefix + name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const usable = ext.length > prefix.length && ext.length <= 20 ? ext : undefined;
  if (seen.size < EXTENSION_NAMES_LIMIT) seen.set(name, usable ?? '');
  return usable;
}

/** Sets `init[name] = value` unless the event already has that attribute (the inner mapping wins). */
export function setIfAbsent(init: EventInit, name: string, value: unknown): void {
  if (value !== undefined && init[name] === undefined) init[name] = value;
}

/** A record-level data error: `E_SOURCE_INVALID` naming where. */
export function invalid(message: string, path: string): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', message, { path });
}

/** Validates and freezes the event; `where` names the record in the error message. */
export function finishEvent(init: EventInit, where: string): CloudEvent {
  return createCloudEvent(init as unknown as CloudEventInit, where);
}

/** What one record yields: its failure identity and its events (none for control messages). */
export interface RecordEvents {
  readonly ref: string;
  readonly events: readonly CloudEvent[];
}

/**
 * Reads every record; a record whose reading throws a TriggerError is `rejected` (its `index` is its
 * position among the batch's items and rejected records, which is how the runtimes walk a batch), the
 * others become items. Control messages yield no item: they are acknowledged without running a handler.
 */
export function collectRecords(
  head: Pick<Batch, 'source' | 'reply' | 'ordered'>,
  count: number,
  read: (index: number) => RecordEvents,
  refOf: (index: number) => string,
  pathOf: (index: number) => string = (index) => `Records[${index}]`,
): Batch {
  const items: BatchItem[] = [];
  const rejected: RejectedRecord[] = [];
  for (let i = 0; i < count; i++) {
    try {
      const { ref, events } = read(i);
      for (const event of events) items.push(Object.freeze({ event, ref }));
    } catch (error) {
      const path = pathOf(i);
      rejected.push(rejection(tooDeep(error, path), refOf(i), items.length + rejected.length, path));
    }
  }
  return Object.freeze({
    ...head,
    items: Object.freeze(items),
    ...(rejected.length > 0 ? { rejected: Object.freeze(rejected) } : {}),
  });
}

function rejection(error: unknown, ref: string, index: number, path: string): RejectedRecord {
  if (!isTriggerError(error)) throw error;
  const reported =
    error.code === 'E_SOURCE_INVALID'
      ? error
      : new TriggerError('E_SOURCE_INVALID', error.message, {
          cause: error,
          path,
          eventId: error.eventId,
          details: { problems: error.details },
        });
  return Object.freeze({ ref, index, error: reported });
}

/** `E_SOURCE_INVALID` for the record at `path`: "`path` `problem`." */
export function invalidRecord(path: string, problem: string): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', `${path} ${problem}.`, { path });
}

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
