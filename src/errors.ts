/**
 * Errors that steer the pipeline. Checked with a brand (`isTriggerError`) rather than `instanceof`,
 * because a Lambda bundle and the emulator can each load their own copy of the library.
 */

const BRAND = Symbol.for('triggerkit.error');

/** Stable error codes. Configuration codes (`E_CONFIG…`, `E_RULE_INVALID`, …) are thrown at definition time. */
export type TriggerErrorCode =
  | 'E_CONFIG'
  | 'E_RULE_INVALID'
  | 'E_TRANSFORM_INVALID'
  | 'E_SCHEMA_INVALID'
  | 'E_CLOUDEVENT_INVALID'
  | 'E_SOURCE_UNKNOWN'
  | 'E_SOURCE_INVALID'
  | 'E_SOURCE_UNDECLARED'
  | 'E_TRANSFORM_FAILED'
  | 'E_VALIDATION_FAILED'
  | 'E_NON_RETRYABLE'
  | 'E_RETRY_AFTER'
  /** The event has no value at the handler's `idempotency.key` (not retried). */
  | 'E_IDEMPOTENCY_KEY'
  /** The same event is being handled right now, elsewhere (retried). */
  | 'E_IDEMPOTENCY_IN_PROGRESS'
  /** The idempotency store could not be read or written (retried). */
  | 'E_IDEMPOTENCY_STORE';

export interface TriggerErrorOptions {
  cause?: unknown;
  /** Where the problem is: a definition key, a JSON path, a header name. */
  path?: string;
  /** The CloudEvent id the error concerns, when there is one. */
  eventId?: string;
  /** Extra machine-readable detail (validation errors, the HTTP status to answer with, …). */
  details?: unknown;
}

/**
 * The one error type of triggerkit: a stable `code`, a message that says what, where and how to fix.
 *
 * @example
 * throw new TriggerError('E_CONFIG', 'Expected `retry.maxAttempts` to be a positive integer, got 0.', { path: 'retry.maxAttempts' });
 */
export class TriggerError extends Error {
  readonly code: TriggerErrorCode;
  readonly path: string | undefined;
  readonly eventId: string | undefined;
  readonly details: unknown;
  readonly [BRAND] = true;

  constructor(code: TriggerErrorCode, message: string, options: TriggerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TriggerError';
    this.code = code;
    this.path = options.path;
    this.eventId = options.eventId;
    this.details = options.details;
  }
}

/**
 * Thrown by a handler to say the event can never succeed: no retry, straight to the dead-letter target.
 *
 * @example
 * if (!order.customerId) throw new NonRetryableError('order has no customer');
 */
export class NonRetryableError extends TriggerError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('E_NON_RETRYABLE', message, options);
    this.name = 'NonRetryableError';
  }
}

/**
 * Thrown by a handler to ask for the next attempt no sooner than `retryAfter` (milliseconds, or a Date).
 *
 * @example
 * throw new RetryAfterError('rate limited by the shop API', 30_000);
 */
export class RetryAfterError extends TriggerError {
  readonly retryAfter: number | Date;
  constructor(message: string, retryAfter: number | Date, options: { cause?: unknown } = {}) {
    super('E_RETRY_AFTER', message, options);
    this.name = 'RetryAfterError';
    this.retryAfter = retryAfter;
  }
}

/**
 * True for any triggerkit error, from this copy of the library or another.
 *
 * @example
 * try { compilePattern(p) } catch (e) { if (isTriggerError(e) && e.code === 'E_RULE_INVALID') console.error(e.message) }
 */
export function isTriggerError(value: unknown): value is TriggerError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** True when the error says the event must not be retried. */
/**
 * Input nested so deeply that reading it overflows the call stack (a `RangeError` from a recursive reader
 * or `JSON.stringify`) is malformed input, not a crash: `E_SOURCE_INVALID` naming where. Any other error
 * is returned as is.
 */
export function tooDeep(error: unknown, where: string): unknown {
  if (!(error instanceof RangeError) || !/call stack/i.test(error.message)) return error;
  return new TriggerError(
    'E_SOURCE_INVALID',
    `${where} is nested too deeply to read (${error.message}); flatten the payload or send nested documents as strings.`,
    { cause: error, path: where },
  );
}

export function isNonRetryable(error: unknown): boolean {
  if (!isTriggerError(error)) return false;
  return (
    error.code === 'E_NON_RETRYABLE' ||
    error.code === 'E_VALIDATION_FAILED' ||
    error.code === 'E_TRANSFORM_FAILED' ||
    error.code === 'E_CLOUDEVENT_INVALID' ||
    error.code === 'E_IDEMPOTENCY_KEY'
  );
}

/** Short JSON-safe description of any thrown value, for traces and responses. */
export function describeError(error: unknown): { type: string; message: string; code?: string } {
  if (isTriggerError(error)) return { type: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { type: error.name, message: error.message };
  return { type: typeof error, message: String(error) };
}
