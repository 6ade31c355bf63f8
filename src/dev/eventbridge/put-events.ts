/**
 * PutEvents as EventBridge answers it: the request's limits (1-10 entries, 256 KB counted the way
 * EventBridge counts), then each entry on its own — a missing Source, DetailType or Detail fails that
 * entry with `InvalidArgument`, a Detail that is not a JSON object with `MalformedDetail` — and each
 * accepted entry becomes the event EventBridge delivers to its targets. Pure: the time is passed in.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { isObject } from '../../sources/types.js';
import { ACCOUNT_ID, REGION } from '../sqs/queues.js';
import { EventBridgeFault } from './wire.js';

/** Entries per request, and bytes per request, as EventBridge allows. */
export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** What one entry became: the event to deliver, or the failure PutEvents reports for it. */
export type EntryOutcome =
  | { readonly event: EventBridgeEvent<string, unknown> }
  | { readonly failure: PutEventsResultEntry };

/** Checks the request's entries as a whole; throws the `ValidationException` EventBridge answers. */
export function checkEntries(entries: unknown): readonly unknown[] {
  if (!Array.isArray(entries) || entries.length === 0)
    throw new EventBridgeFault(
      'ValidationException',
      "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  if (entries.length > MAX_ENTRIES)
    throw new EventBridgeFault(
      'ValidationException',
      `1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
    );
  if (entries.reduce((sum: number, entry) => sum + entrySize(entry), 0) > MAX_REQUEST_BYTES)
    throw new EventBridgeFault(
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
  return entries;
}

/** An entry's size as EventBridge counts it: 14 bytes for a Time, then the UTF-8 bytes of the rest. */
export function entrySize(entry: unknown): number {
  if (!isObject(entry)) return 0;
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce((sum: number, r) => sum + bytes(r), 0)
  );
}

const missing = (name: string): EntryOutcome => ({
  failure: {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
  },
});

/** One entry as EventBridge takes it: the event its targets receive, or why it failed. */
export function toEntryOutcome(entry: unknown, now: number): EntryOutcome {
  const e = isObject(entry) ? entry : {};
  for (const name of ['Source', 'DetailType', 'Detail'])
    if (typeof e[name] !== 'string' || e[name] === '') return missing(name);
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail as string);
  } catch {
    detail = undefined;
  }
  if (!isObject(detail))
    return { failure: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  const resources = Array.isArray(e.Resources) ? e.Resources : [];
  if (resources.some((r) => typeof r !== 'string'))
    return {
      failure: {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Resources is not valid. Reason: a resource is not a string.',
      },
    };
  return {
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': e.DetailType as string,
      source: e.Source as string,
      account: ACCOUNT_ID,
      time: eventTime(e.Time, now),
      region: REGION,
      resources: resources as string[],
      detail,
    },
  };
}

/**
 * The event's `time`: the entry's `Time` (the SDK sends epoch seconds; a string is read as a date), else
 * now, in EventBridge's form: seconds, UTC (`2026-01-01T12:00:00Z`).
 */
function eventTime(time: unknown, now: number): string {
  const at =
    typeof time === 'number' ? time * 1000 : typeof time === 'string' ? Date.parse(time) : Number.NaN;
  const date = new Date(at);
  return (Number.isNaN(date.getTime()) ? new Date(now) : date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
