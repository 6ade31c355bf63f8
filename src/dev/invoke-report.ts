/**
 * What one invocation of a function with one raw event came to, as plain JSON: each event's outcome
 * (delivered, a duplicate, filtered with the reason, failed at a stage with the error), the function's
 * answer (a batch response, an HTTP answer) or what it threw, and one overall verdict. The emulator's
 * Invoke API answers it when asked (`X-Triggerkit-Report: 1`) and `triggerkit invoke --local` builds the
 * same one in process, so both print and exit alike.
 */
import type { HandlerDefinition } from '../definition.js';
import type { TraceRecord } from '../runtime/hooks.js';
import { describeValue } from '../sources/kit/describe.js';
import { explainFilter, finalTraces } from '../testing/outcomes.js';

/** The request header that asks the Invoke API for the report instead of the bare function answer. */
export const REPORT_HEADER = 'x-triggerkit-report';

export interface EventReport {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly outcome: 'delivered' | 'duplicate' | 'filtered' | 'failed';
  /** Failed: where. */
  readonly stage?: string;
  /** Failed: the error's message. */
  readonly error?: string;
  /** Failed: whether a retry could succeed (a `NonRetryableError` or invalid data cannot). */
  readonly retryable?: boolean;
  /** Filtered: the first part of the filter the event did not meet. */
  readonly reason?: string;
  /** Delivered: what the handler returned. */
  readonly result?: unknown;
}

export interface InvokeReport {
  /** The function's key (serverless.yml, or the file's name). */
  readonly function: string;
  /** The handler's `name`, when it has one. */
  readonly handler?: string;
  /**
   * `failed`: an event failed or the invocation threw; `filtered`: no event reached the handler (every
   * one filtered, or the input held none); else `delivered`.
   */
  readonly outcome: 'delivered' | 'filtered' | 'failed';
  readonly events: readonly EventReport[];
  /** What the function answered (a batch response, `{ statusCode, headers, body }` for an HTTP event). */
  readonly response?: unknown;
  /** What the function threw (an input no source reads, an HTTP event whose handler failed…). */
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
}

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : describeValue(error);

/** JSON's view of a value (what the wire carries), so an in-process report equals a remote one. */
const asJson = (value: unknown): unknown => {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return describeValue(value);
  }
};

/**
 * The report of one invocation of function `name` (its handler's `definition`).
 *
 * @example
 * const report = invokeReport('ordersQueue', handler.definition, await emulator.invoke('ordersQueue', raw));
 * report.outcome; // 'failed'
 */
export function invokeReport(
  name: string,
  definition: HandlerDefinition,
  invocation: { response?: unknown; error?: unknown; traces?: readonly TraceRecord[] },
): InvokeReport {
  const events = finalTraces(invocation.traces ?? []).map(({ event, outcome }): EventReport => {
    const base = { id: event.id, type: event.type, source: event.source };
    if (outcome.status === 'delivered')
      return outcome.duplicate
        ? { ...base, outcome: 'duplicate' }
        : { ...base, outcome: 'delivered', result: asJson(outcome.result) };
    if (outcome.status === 'filtered')
      return { ...base, outcome: 'filtered', reason: explainFilter(definition, event) };
    return {
      ...base,
      outcome: 'failed',
      stage: outcome.stage,
      error: messageOf(outcome.error),
      retryable: outcome.retryable,
    };
  });
  const { error } = invocation;
  const failed = error !== undefined || events.some((e) => e.outcome === 'failed');
  const reached = events.some((e) => e.outcome === 'delivered' || e.outcome === 'duplicate');
  return {
    function: name,
    ...(definition.name !== undefined && definition.name !== name && { handler: definition.name }),
    outcome: failed ? 'failed' : reached ? 'delivered' : 'filtered',
    events,
    ...(invocation.response !== undefined && { response: asJson(invocation.response) }),
    ...(error !== undefined && {
      error: { errorType: (error as Error | undefined)?.name ?? 'Error', errorMessage: messageOf(error) },
    }),
  };
}
