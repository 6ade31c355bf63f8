/**
 * Dead letters on Function Compute. FC keeps an asynchronous invocation's retries itself, and when the
 * last one fails it sends its own record to the on-failure destination (the MNS queue `s.yaml` names):
 * `{ timestamp, requestContext: { requestId, functionArn, condition, approximateInvokeCount },
 * requestPayload, responseContext, responsePayload }`. `deadLettersOfFcRecord` reads that record back as
 * the one dead-letter envelope the emulator and Lambda write: the same event (the payload normalized
 * again, with its deterministic id), reason, attempts, error and handler; only the attempt times differ
 * (FC's record carries one timestamp).
 *
 * FC reports a thrown error by its name and message only, so the adapter marks a triggerkit error's
 * message with its code (`mark.ts`); the code tells a schema failure (`invalid`) from a transform
 * failure (`non-retryable`), and the mark is taken off again here.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/result-callback
 */
import { type DeadLetterEnvelope, deadLetterEnvelope } from '../../delivery/dead-letter.js';
import type { DeadLetterReason } from '../../delivery/decide.js';
import { TriggerError } from '../../errors.js';
import { toCloudEvents } from '../../sources/index.js';
import { isObject } from '../../sources/types.js';
import { decodeFcEvent } from './decode.js';
import { MARK } from './mark.js';

/** The record FC sends to an asynchronous invocation's destination. */
export interface FcDestinationRecord {
  readonly timestamp: number;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: string;
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: string;
  readonly responseContext?: { readonly statusCode?: number; readonly functionError?: string };
  readonly responsePayload?: string;
}

export interface FcDeadLetterOptions {
  /** The handler's name in the envelope (the definition's `name`); FC's function name when absent. */
  readonly handler?: string;
}

/**
 * The dead-letter envelopes of one FC destination record: one per event of the failed invocation.
 *
 * @example
 * const envelopes = deadLettersOfFcRecord(JSON.parse(mnsMessage.body)); // [{ id, …, dlreason: 'retries-exhausted', dlattempts: 4, … }]
 */
export function deadLettersOfFcRecord(
  record: unknown,
  options: FcDeadLetterOptions = {},
): DeadLetterEnvelope[] {
  const read = readRecord(record);
  const failure = errorOf(read.responsePayload ?? read.responseContext?.functionError);
  const code = MARK.exec(failure.message)?.[1];
  const message = code === undefined ? failure.message : failure.message.replace(MARK, '');
  const at = read.timestamp;
  const batch = toCloudEvents(decodeFcEvent(read.requestPayload), { now: at });
  return batch.items.map(({ event }) =>
    deadLetterEnvelope({
      event,
      reason: reasonOf(read.requestContext.condition, failure.type, code),
      attempts: Math.max(1, Math.trunc(read.requestContext.approximateInvokeCount)),
      error: Object.assign(new Error(message), { name: failure.type }),
      handler: options.handler ?? functionName(read.requestContext.functionArn),
      firstAttemptAt: at,
      lastAttemptAt: at,
    }),
  );
}

/** Why FC gave up, in the envelope's words. */
function reasonOf(condition: string, type: string, code: string | undefined): DeadLetterReason {
  if (/expire|age/i.test(condition)) return 'event-too-old';
  if (code === 'E_VALIDATION_FAILED') return 'invalid';
  if (type === 'NonRetryableError' || (code !== undefined && FINAL_CODES.has(code))) return 'non-retryable';
  return 'retries-exhausted';
}

/** The codes of triggerkit errors no retry can mend (`isNonRetryable`), besides a failed schema. */
const FINAL_CODES = new Set([
  'E_NON_RETRYABLE',
  'E_TRANSFORM_FAILED',
  'E_CLOUDEVENT_INVALID',
  'E_IDEMPOTENCY_KEY',
]);

/** FC's `responsePayload` for a thrown error: `{"errorMessage","errorType","stackTrace"}` as JSON text. */
function errorOf(payload: unknown): { type: string; message: string } {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { type: 'Error', message: value as string };
    }
  }
  if (!isObject(value)) return { type: 'Error', message: String(value ?? '') };
  return {
    type: typeof value.errorType === 'string' ? value.errorType : 'Error',
    message: typeof value.errorMessage === 'string' ? value.errorMessage : '',
  };
}

/** `acs:fc:{region}:{account}:functions/{name}` (FC 2.0: `services/{service}/functions/{name}`). */
function functionName(arn: string): string {
  const at = arn.lastIndexOf('functions/');
  return at < 0 ? arn : arn.slice(at + 'functions/'.length).split(/[/:]/)[0] || arn;
}

function readRecord(record: unknown): FcDestinationRecord {
  const fail = (what: string) =>
    new TriggerError(
      'E_SOURCE_INVALID',
      `This is not a Function Compute destination record: ${what}. Pass the JSON FC sent to the on-failure destination (the MNS message body).`,
    );
  if (!isObject(record)) throw fail('it is not a JSON object');
  const context = record.requestContext;
  if (!isObject(context) || typeof context.functionArn !== 'string')
    throw fail('requestContext.functionArn is missing');
  if (typeof record.timestamp !== 'number') throw fail('timestamp is not a number');
  if (typeof record.requestPayload !== 'string') throw fail('requestPayload is not the payload text');
  return {
    ...(record as unknown as FcDestinationRecord),
    requestContext: {
      requestId: String(context.requestId ?? ''),
      functionArn: context.functionArn,
      condition: String(context.condition ?? ''),
      approximateInvokeCount: Number(context.approximateInvokeCount) || 1,
    },
  };
}
