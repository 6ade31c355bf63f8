/**
 * The one dead-letter envelope: the original CloudEvent plus extensions that say why, modelled on
 * Knative's `knativeerror*` extensions and EventBridge's DLQ message attributes. Every runtime writes
 * these same bytes (timestamps aside).
 */
import type { CloudEvent } from '../cloud-event.js';
import { NOT_A_STRING_CHARACTER } from '../cloud-event-strings.js';
import { describeError } from '../errors.js';
import type { DeadLetterReason } from './decide.js';

/** Error messages are cut to this many characters, as Lambda cuts its DLQ `ErrorMessage` to 1 KB. */
export const MAX_ERROR_MESSAGE = 1024;

/** A dead-lettered CloudEvent: the original attributes and data, and the `dl*` extensions. */
export type DeadLetterEnvelope = CloudEvent & {
  readonly dlreason: DeadLetterReason;
  readonly dlattempts: number;
  readonly dlerrortype: string;
  readonly dlerror: string;
  readonly dlhandler: string;
  readonly dlfirstattempt: string;
  readonly dllastattempt: string;
};

export interface DeadLetterInput {
  readonly event: CloudEvent;
  readonly reason: DeadLetterReason;
  readonly attempts: number;
  readonly error: unknown;
  readonly handler: string;
  /** ms since the epoch. */
  readonly firstAttemptAt: number;
  readonly lastAttemptAt: number;
}

/**
 * Builds the envelope. Extensions a previous dead-lettering left on the event are replaced, so a
 * redriven event that fails again says why this time.
 */
export function deadLetterEnvelope(input: DeadLetterInput): DeadLetterEnvelope {
  const described = describeError(input.error);
  const type = asText(described.type);
  const message = asText(described.message);
  return Object.freeze({
    ...input.event,
    dlreason: input.reason,
    dlattempts: input.attempts,
    dlerrortype: type,
    dlerror: message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message,
    dlhandler: input.handler,
    dlfirstattempt: new Date(input.firstAttemptAt).toISOString(),
    dllastattempt: new Date(input.lastAttemptAt).toISOString(),
  }) as DeadLetterEnvelope;
}

/** The extensions `deadLetterEnvelope` adds to the event (the `dl*` keys of `DeadLetterEnvelope`). */
const DEAD_LETTER_EXTENSIONS: readonly string[] = [
  'dlreason',
  'dlattempts',
  'dlerrortype',
  'dlerror',
  'dlhandler',
  'dlfirstattempt',
  'dllastattempt',
];

/**
 * The event a dead letter carries: its envelope without the `dl*` extensions.
 *
 * @example
 * const event = eventOfDeadLetter(envelope); // redelivered as the handler first saw it
 */
export function eventOfDeadLetter(envelope: DeadLetterEnvelope): CloudEvent {
  return Object.freeze(
    Object.fromEntries(Object.entries(envelope).filter(([name]) => !DEAD_LETTER_EXTENSIONS.includes(name))),
  ) as CloudEvent;
}

const NOT_TEXT = new RegExp(NOT_A_STRING_CHARACTER.source, 'gu');

/**
 * An error's text as a CloudEvents String, which may hold no control character (spec §3.1.1): a
 * multi-line message keeps its words on one line, so the envelope stays a valid CloudEvent.
 */
function asText(text: string): string {
  return text.replace(NOT_TEXT, ' ');
}
