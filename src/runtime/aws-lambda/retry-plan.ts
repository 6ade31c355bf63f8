/**
 * Where a failed attempt goes in AWS, as pure functions of the shared `decide` result and the time left
 * in the invocation: a short wait retries in-process, a longer one goes to the handler's retry queue
 * (SQS, at most 15 minutes of `DelaySeconds` per hop), and exhausted, expired or non-retryable events
 * go to the dead-letter queue as the one envelope. The SDK calls live in `retry-queue.ts`.
 */
import type { SQSRecord } from 'aws-lambda';
import { type CloudEvent, fromStructured, toStructuredJson } from '../../cloud-event.js';
import { type DeadLetterEnvelope, deadLetterEnvelope } from '../../delivery/dead-letter.js';
import type { Decision } from '../../delivery/decide.js';
import { TriggerError } from '../../errors.js';

/** SQS's longest `DelaySeconds`: a retry due later is re-delayed when it comes back early. */
export const SQS_MAX_DELAY_SECONDS = 900;

/** The message attributes a retry-queue message carries (all but the handler are `Number`s, ms epoch). */
export const RETRY_ATTRIBUTES = Object.freeze({
  /** The attempt the message will make, 1-based; its presence marks a retry-queue message. */
  attempt: 'triggerkit-attempt',
  /** When the event was first accepted: its `maxEventAge` counts from here. */
  receivedAt: 'triggerkit-received-at',
  firstAttemptAt: 'triggerkit-first-attempt-at',
  /** When the attempt is due (the `at` of the decision). */
  dueAt: 'triggerkit-due-at',
  handler: 'triggerkit-handler',
});

/** A message attribute as `@aws-sdk/client-sqs` takes it. */
export interface SqsAttributeValue {
  readonly DataType: 'Number' | 'String';
  readonly StringValue: string;
}

/** Everything a retry needs to resume where the last attempt left off. */
export interface RetryState {
  readonly event: CloudEvent;
  readonly handler: string;
  /** The attempt to make next, 1-based. */
  readonly attempt: number;
  readonly receivedAt: number;
  readonly firstAttemptAt: number;
  readonly dueAt: number;
}

/** A message for the retry queue: its body is the CloudEvent in the JSON format (structured mode). */
export interface QueuedRetry {
  readonly kind: 'retry-queue';
  readonly delaySeconds: number;
  readonly attributes: Readonly<Record<string, SqsAttributeValue>>;
  readonly body: string;
  readonly attempt: number;
  readonly dueAt: number;
}

export type FailurePlan =
  | {
      readonly kind: 'retry-in-process';
      readonly delayMs: number;
      readonly attempt: number;
      readonly dueAt: number;
    }
  | QueuedRetry
  | { readonly kind: 'dead-letter'; readonly envelope: DeadLetterEnvelope; readonly body: string };

/** A failed attempt inside a Lambda invocation. */
export interface FailedInvocation {
  readonly event: CloudEvent;
  readonly handler: string;
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  readonly error: unknown;
  readonly receivedAt: number;
  readonly firstAttemptAt: number;
  readonly now: number;
  /** `context.getRemainingTimeInMillis()` when the attempt failed. */
  readonly remainingMs: number;
  /** How long the failed attempt ran: the next one is assumed to take as long. */
  readonly attemptMs?: number;
}

export interface PlanOptions {
  /** Longest wait spent idle in the invocation (billed time); longer waits go to the queue. Default 5 s. */
  readonly maxInProcessDelayMs?: number;
  /** Time kept back to hand the event to the queue if the in-process retry fails too. Default 1 s. */
  readonly reserveMs?: number;
}

/**
 * Turns a decision on a failed attempt into what the Lambda runtime does next.
 *
 * @example
 * planFailure(decide(policy, failed), { event, handler: 'orders', attempt: 1, error, receivedAt: t0,
 *   firstAttemptAt: t0, now: t0 + 50, remainingMs: 5_800 })
 * // { kind: 'retry-in-process', delayMs: 1000, attempt: 2, dueAt: t0 + 1050 }
 */
export function planFailure(
  decision: Decision,
  failed: FailedInvocation,
  options: PlanOptions = {},
): FailurePlan {
  if (decision.action === 'dead-letter') {
    const envelope = deadLetterEnvelope({
      event: failed.event,
      reason: decision.reason,
      attempts: failed.attempt,
      error: failed.error,
      handler: failed.handler,
      firstAttemptAt: failed.firstAttemptAt,
      lastAttemptAt: failed.now,
    });
    return { kind: 'dead-letter', envelope, body: toStructuredJson(envelope) };
  }
  const delayMs = Math.max(0, decision.at - failed.now);
  if (placeRetry(delayMs, failed.attemptMs ?? 0, failed.remainingMs, options) === 'in-process')
    return { kind: 'retry-in-process', delayMs, attempt: failed.attempt + 1, dueAt: decision.at };
  return queueRetry(
    {
      event: failed.event,
      handler: failed.handler,
      attempt: failed.attempt + 1,
      receivedAt: failed.receivedAt,
      firstAttemptAt: failed.firstAttemptAt,
      dueAt: decision.at,
    },
    failed.now,
  );
}

/**
 * Where a retry due in `delayMs` waits: in this invocation, or in the retry queue. Waiting in-process
 * must leave time for one more attempt (assumed as long as the last, `attemptMs`) and, should it fail
 * too, the queue hand-off.
 */
export function placeRetry(
  delayMs: number,
  attemptMs: number,
  remainingMs: number,
  options: PlanOptions = {},
): 'in-process' | 'queue' {
  const { maxInProcessDelayMs = 5_000, reserveMs = 1_000 } = options;
  const wait = Math.max(0, delayMs);
  return wait <= maxInProcessDelayMs && wait + attemptMs + reserveMs <= remainingMs ? 'in-process' : 'queue';
}

/** The retry-queue message for a retry due at `retry.dueAt`, sent at `now`. */
export function queueRetry(retry: RetryState, now: number): QueuedRetry {
  const number = (value: number): SqsAttributeValue => ({ DataType: 'Number', StringValue: String(value) });
  return {
    kind: 'retry-queue',
    // Rounded up: a message never arrives before its due time (SQS delays in whole seconds).
    delaySeconds: Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.ceil((retry.dueAt - now) / 1000))),
    attributes: {
      [RETRY_ATTRIBUTES.attempt]: number(retry.attempt),
      [RETRY_ATTRIBUTES.receivedAt]: number(retry.receivedAt),
      [RETRY_ATTRIBUTES.firstAttemptAt]: number(retry.firstAttemptAt),
      [RETRY_ATTRIBUTES.dueAt]: number(retry.dueAt),
      [RETRY_ATTRIBUTES.handler]: { DataType: 'String', StringValue: retry.handler },
    },
    // The event's own JSON (as the emulator archives it), not `toStructuredJson`, which would add a
    // `datacontenttype`: the retried attempt sees the same event, and a later envelope the same bytes.
    body: JSON.stringify(retry.event),
    attempt: retry.attempt,
    dueAt: retry.dueAt,
  };
}

/**
 * What to do with a retry-queue message that has arrived: run the attempt, or — when it is early at all,
 * as after a 15-minute hop of a longer wait — send it round again (whole seconds, so never early), so an
 * attempt never runs before the time `decide` gave it, as in the emulator.
 */
export function planArrival(retry: RetryState, now: number): { readonly kind: 'run' } | QueuedRetry {
  return retry.dueAt > now ? queueRetry(retry, now) : { kind: 'run' };
}

/**
 * Reads a retry-queue message from the SQS records Lambda delivers: `undefined` when the record is not
 * one (no `triggerkit-attempt` attribute), so it is an ordinary SQS message. A record that claims to be
 * one but is malformed throws `E_SOURCE_INVALID`.
 */
export function readRetryMessage(
  record: Pick<SQSRecord, 'messageId' | 'body' | 'messageAttributes'>,
): RetryState | undefined {
  const attributes = record.messageAttributes ?? {};
  if (attributes[RETRY_ATTRIBUTES.attempt] === undefined) return undefined;
  const where = `retry-queue message ${record.messageId}`;
  const number = (name: string, min: number): number => {
    const raw = attributes[name]?.stringValue;
    const value = Number(raw);
    if (raw === undefined || !Number.isSafeInteger(value) || value < min)
      throw new TriggerError(
        'E_SOURCE_INVALID',
        `The ${where} has no valid \`${name}\` attribute (an integer of at least ${min}), got ${JSON.stringify(raw)}.`,
        { path: `messageAttributes.${name}` },
      );
    return value;
  };
  const handler = attributes[RETRY_ATTRIBUTES.handler]?.stringValue ?? '';
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new TriggerError('E_SOURCE_INVALID', `The ${where} body is not a structured-JSON CloudEvent.`, {
      cause: error,
      path: 'body',
    });
  }
  return {
    event: fromStructured(body, where),
    handler,
    attempt: number(RETRY_ATTRIBUTES.attempt, 1),
    receivedAt: number(RETRY_ATTRIBUTES.receivedAt, 0),
    firstAttemptAt: number(RETRY_ATTRIBUTES.firstAttemptAt, 0),
    dueAt: number(RETRY_ATTRIBUTES.dueAt, 0),
  };
}

/** The records of an SQS event that are retry-queue messages (they carry `triggerkit-attempt`), and the rest. */
export function retryQueueRecords(raw: unknown): { retries: SQSRecord[]; others: unknown[] } | undefined {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { Records?: unknown }).Records))
    return undefined;
  const records = (raw as { Records: unknown[] }).Records;
  const isRetry = (r: unknown): r is SQSRecord => {
    const record = r as Partial<SQSRecord> | null;
    return (
      typeof record === 'object' &&
      record !== null &&
      record.eventSource === 'aws:sqs' &&
      typeof record.messageAttributes === 'object' &&
      record.messageAttributes !== null &&
      record.messageAttributes[RETRY_ATTRIBUTES.attempt] !== undefined
    );
  };
  const retries = records.filter(isRetry);
  if (retries.length === 0) return undefined;
  return { retries, others: records.filter((r) => !isRetry(r)) };
}
