/**
 * The cloud adapters' log line: one JSON object on one line per event, handler and attempt, with the
 * emulator trace's names (`id`, `type`, `source`, `handler`, `outcome`, `attempt`, `error`), and what
 * Lambda's JSON log format and Powertools Logger put on theirs (`level`, `timestamp`, `message`,
 * `requestId`, the X-Ray trace):
 *
 *     {"level":"WARN","timestamp":"2026-03-02T10:00:00.412Z","message":"retry-scheduled com.shop.order.created → orders (handler: db down)",
 *      "id":"7f3…","type":"com.shop.order.created","source":"…","handler":"orders","outcome":"retry-scheduled","attempt":1,
 *      "durationMs":3.1,"stage":"handler","error":{"type":"Error","message":"db down","stack":"…"},"retryInMs":30000,…}
 *
 * Pure formatting: which lines are written is `observer.ts`'s business.
 */
import type { AttemptRecord } from '../../delivery/attempts.js';
import { describeError } from '../../errors.js';
import type { Transport } from '../../sources/types.js';
import type { LogLevel } from './settings.js';

/** What became of an attempt: its outcome, or for a failure what happens next. */
export type LoggedOutcome = 'delivered' | 'filtered' | 'retry-scheduled' | 'dead-lettered' | 'failed';

/** The level of each outcome: a failure the platform redelivers is an error, as a dead letter is. */
export const OUTCOME_LEVEL: Readonly<Record<LoggedOutcome, LogLevel>> = {
  delivered: 'info',
  filtered: 'info',
  'retry-scheduled': 'warn',
  'dead-lettered': 'error',
  failed: 'error',
};

/** What every line of one invocation shares. */
export interface InvocationFields {
  readonly requestId: string;
  readonly functionName: string | undefined;
  /** The `Root` of Lambda's `_X_AMZN_TRACE_ID`. */
  readonly xrayTraceId: string | undefined;
}

/** The event's side of a line: who handled it, from which record, in which trace. */
export interface EventFields {
  readonly handler: string;
  readonly transport: Transport;
  readonly ref: string;
  readonly traceparent: string | undefined;
  readonly traceId: string | undefined;
}

/** What follows a failed attempt: a retry due in `retryInMs`, or the dead letter's `reason`. */
export type Next = { readonly retryInMs: number; readonly retryAt: number } | { readonly reason: string };

/**
 * The JSON line (without its newline) for one attempt. Built by assignment, not spreads: it runs once
 * per record on the hot path when logging is on, and spreads of conditional objects cost several times
 * more (measured; docs/observability.md gives the cost of a line).
 */
export function formatLogLine(
  record: AttemptRecord,
  outcome: LoggedOutcome,
  event: EventFields,
  invocation: InvocationFields,
  next?: Next,
): string {
  const result = record.outcome;
  const ce = result.event;
  const failure = result.status === 'failed' ? result : undefined;
  const error = failure && errorFields(failure.error);
  const line: Record<string, unknown> = {
    level: LEVEL_NAME[OUTCOME_LEVEL[outcome]],
    timestamp: new Date(record.at + record.ms).toISOString(),
    message: `${outcome} ${ce.type} → ${event.handler}${failure ? ` (${failure.stage}: ${error?.message})` : ''}`,
    id: ce.id,
    type: ce.type,
    source: ce.source,
    subject: ce.subject,
    handler: event.handler,
    outcome,
    attempt: record.attempt,
    durationMs: Math.round(record.ms * 10) / 10,
  };
  if (result.status === 'delivered' && result.duplicate) line.duplicate = true;
  if (failure) {
    line.stage = failure.stage;
    line.retryable = failure.retryable;
    line.error = error;
  }
  if (next !== undefined && 'retryInMs' in next) {
    line.retryInMs = next.retryInMs;
    line.retryAt = new Date(next.retryAt).toISOString();
  } else if (next !== undefined) line.reason = next.reason;
  line.transport = event.transport;
  line.ref = event.ref;
  line.requestId = invocation.requestId;
  line.functionName = invocation.functionName;
  // `undefined` fields are left out by JSON.stringify.
  line.traceparent = event.traceparent;
  line.traceId = event.traceId;
  line.xrayTraceId = invocation.xrayTraceId;
  return JSON.stringify(line);
}

const LEVEL_NAME: Readonly<Record<LogLevel, string>> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

function errorFields(error: unknown) {
  const { type, message, code } = describeError(error);
  const stack = error instanceof Error ? error.stack : undefined;
  return { type, message, ...(code !== undefined && { code }), ...(stack !== undefined && { stack }) };
}
