/**
 * What a message in a function's SQS dead-letter queue is, as pure functions: the one dead-letter
 * envelope (a body with `dlreason`), or a raw message — the retry queue's `RedrivePolicy` moves a
 * message the function crashed on as it was, with no `dlreason` — and the retry-queue message that
 * redrives an envelope (attempt 1, built by the runtime's own `queueRetry`).
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { fromStructured } from '../cloud-event.js';
import { type DeadLetterEnvelope, eventOfDeadLetter } from '../delivery/dead-letter.js';
import { type QueuedRetry, queueRetry, RETRY_ATTRIBUTES } from '../runtime/aws-lambda/retry-plan.js';

/** One message of a dead-letter queue, read. */
export interface DlqMessage {
  readonly messageId: string;
  /** `envelope`: the one dead-letter envelope; `raw`: anything else (listed, never redriven blindly). */
  readonly kind: 'envelope' | 'raw';
  /** The CloudEvent's id, when the body is a CloudEvent (or at least JSON with a string `id`). */
  readonly eventId: string | undefined;
  readonly handler: string | undefined;
  /** `dlreason`, or `raw` for a message that is no envelope. */
  readonly reason: string;
  /** `dlattempts`; for a raw retry-queue message, the attempt it was to make (`triggerkit-attempt`). */
  readonly attempts: number | undefined;
  /** `dlerror`; for a raw message, why it is not an envelope. */
  readonly error: string;
  /** `dllastattempt`; for a raw message, when it was first sent (`SentTimestamp`). */
  readonly time: string | undefined;
  /** How many times SQS has handed the message out (`ApproximateReceiveCount`, this listing included). */
  readonly receiveCount: number | undefined;
  readonly envelope: DeadLetterEnvelope | undefined;
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the envelope, or says why the body is not one. The event in it must be a valid CloudEvent; the
 * `dl*` extensions are taken as written (`dlerror` keeps an error message's line breaks).
 */
function envelopeOf(body: unknown): { envelope: DeadLetterEnvelope } | { not: string } {
  if (!isRecord(body)) return { not: 'the body is not a JSON object' };
  if (typeof body.dlreason !== 'string') return { not: 'the body has no `dlreason`' };
  try {
    fromStructured(eventOfDeadLetter(body as DeadLetterEnvelope), 'dead letter');
  } catch (error) {
    return { not: (error as Error).message };
  }
  return { envelope: Object.freeze(body) as DeadLetterEnvelope };
}

const epochIso = (value: string | undefined): string | undefined => {
  const ms = Number(value);
  return value !== undefined && Number.isSafeInteger(ms) ? new Date(ms).toISOString() : undefined;
};

/**
 * Reads a received SQS message (with `MessageAttributeNames: ['All']` and the system attributes).
 *
 * @example
 * readDlqMessage(message) // { kind: 'envelope', reason: 'retries-exhausted', attempts: 5, eventId: 'ord-1', … }
 */
export function readDlqMessage(message: Message): DlqMessage {
  const body = message.Body ?? '';
  const json = parseJson(body);
  const read = envelopeOf(json);
  const attributes = message.MessageAttributes ?? {};
  const receiveCount = Number(message.Attributes?.ApproximateReceiveCount);
  const common = {
    messageId: message.MessageId ?? '',
    receiveCount: Number.isSafeInteger(receiveCount) ? receiveCount : undefined,
    body,
    messageAttributes: attributes,
  };
  if ('envelope' in read) {
    const { envelope } = read;
    return {
      ...common,
      kind: 'envelope',
      eventId: envelope.id,
      handler: envelope.dlhandler,
      reason: envelope.dlreason,
      attempts: envelope.dlattempts,
      error: envelope.dlerror,
      time: envelope.dllastattempt,
      envelope,
    };
  }
  const attempt = Number(attributes[RETRY_ATTRIBUTES.attempt]?.StringValue);
  const fromRetryQueue = Number.isSafeInteger(attempt);
  return {
    ...common,
    kind: 'raw',
    eventId: isRecord(json) && typeof json.id === 'string' ? json.id : undefined,
    handler: attributes[RETRY_ATTRIBUTES.handler]?.StringValue,
    reason: 'raw',
    attempts: fromRetryQueue ? attempt : undefined,
    error: fromRetryQueue
      ? `not an envelope (${read.not}): a retry-queue message the function failed on until the queue's RedrivePolicy moved it here`
      : `not an envelope (${read.not}): not written by triggerkit`,
    time: epochIso(message.Attributes?.SentTimestamp),
    envelope: undefined,
  };
}

/**
 * The retry-queue message that redrives a dead letter: the event without the `dl*` extensions, resuming
 * at attempt 1, due now. As the emulator's redrive, `maxEventAge` keeps counting from the event's first
 * attempt (`dlfirstattempt`).
 *
 * @example
 * await retryQueue.sendRetry(redriveRetry(envelope, Date.now()));
 */
export function redriveRetry(envelope: DeadLetterEnvelope, now: number): QueuedRetry {
  const firstAttempt = Date.parse(envelope.dlfirstattempt);
  return queueRetry(
    {
      event: eventOfDeadLetter(envelope),
      handler: envelope.dlhandler,
      attempt: 1,
      receivedAt: Number.isFinite(firstAttempt) ? Math.min(firstAttempt, now) : now,
      firstAttemptAt: now,
      dueAt: now,
    },
    now,
  );
}

/** Whether `id` names the message: its SQS message id or its CloudEvent id. */
export const isMessageNamed = (message: DlqMessage, id: string): boolean =>
  message.messageId === id || message.eventId === id;

/** One line of `triggerkit dlq list --aws`: the local list's columns, with the attempts. */
export function formatDlqMessage(message: DlqMessage): string {
  const cell = (value: unknown) => (value === undefined ? '-' : String(value).replace(/\s+/g, ' '));
  return [
    message.messageId,
    message.time,
    message.handler,
    message.reason,
    message.eventId,
    message.attempts,
    message.error,
  ]
    .map(cell)
    .join('\t');
}

/** What `show` prints: the envelope itself, or a raw message with its attributes. */
export function shownDlqMessage(message: DlqMessage): unknown {
  if (message.envelope !== undefined) return message.envelope;
  const json = parseJson(message.body);
  return {
    messageId: message.messageId,
    kind: 'raw',
    note: message.error,
    body: json === undefined ? message.body : json,
    messageAttributes: message.messageAttributes,
    sentAt: message.time,
    receiveCount: message.receiveCount,
  };
}
