/**
 * What the emulator prints while it runs: one line per attempt of an event through a handler — a failed
 * attempt once its fate is known, on the same line — one per dead letter no printed attempt led to, and
 * one per refused request. The callers say when (they know the decision); this says how (`trace-line.ts`),
 * in colour on a terminal (`colour.ts`), with a failed handler's source location (`error-location.ts`).
 */
import type { DeadLetterEnvelope } from '../delivery/dead-letter.js';
import type { TraceRecord } from '../runtime/hooks.js';
import { PLAIN, type Style } from './colour.js';
import { locateError } from './error-location.js';
import { type Fate, formatDeadLetterLine, formatRefusedLine, formatTraceLine } from './trace-line.js';

export type { Fate } from './trace-line.js';

export interface TraceLines {
  /** Prints an attempt; a failed one with what became of it (`fate`). */
  attempt(trace: TraceRecord, fate?: Fate): void;
  /**
   * Prints a dead letter: on the line of the attempt that led to it (`failed`), else a line of its own.
   * `queue`: the local queue it was also sent to.
   */
  deadLettered(envelope: DeadLetterEnvelope, failed?: TraceRecord, queue?: string): void;
  /**
   * Prints a request not served — refused (4xx) or failed (5xx, `Unhandled`) — with its status and the
   * reason (and the HTTP source's `code`, for a hint).
   */
  refused(
    request: { readonly method: string; readonly path: string },
    status: number | string,
    reason: string,
    code?: string,
  ): void;
}

export interface TraceLinesOptions {
  readonly log: (line: string) => void;
  readonly style?: Style;
  /** Source locations are shown relative to this folder. Default the working directory. */
  readonly cwd?: string;
}

/** Stages whose errors come from the user's code, and so have a location in it. */
const USER_STAGES = new Set(['handler', 'transform']);

/**
 * @example
 * const lines = createTraceLines({ log: console.log });
 * lines.attempt(trace, { retry: { delay: 30_000, attempt: 2, maxAttempts: 3 } });
 * // trace 7 com.shop.order.created → orders failed 3.1ms (handler: db down at src/orders.ts:14) — retry in 30s (attempt 2/3)
 */
export function createTraceLines(options: TraceLinesOptions): TraceLines {
  const { log } = options;
  const style = options.style ?? PLAIN;
  const where = (trace: TraceRecord) => {
    const { outcome } = trace;
    return outcome.status === 'failed' && USER_STAGES.has(outcome.stage)
      ? locateError(outcome.error, options.cwd)
      : undefined;
  };
  const attempt = (trace: TraceRecord, fate?: Fate) =>
    log(formatTraceLine(trace, { style, fate, where: where(trace) }));
  return {
    attempt,
    deadLettered(envelope, failed, queue) {
      if (failed !== undefined) return attempt(failed, { deadLettered: envelope.dlreason, queue });
      log(formatDeadLetterLine(envelope, { style, queue }));
    },
    refused(request, status, reason, code) {
      log(formatRefusedLine(request, status, reason, code, style));
    },
  };
}

/**
 * The failed attempts of one invocation (or delivery) waiting for their fate, by event: a failed
 * attempt's line is printed when the attempt loop has decided — retry, dead letter, redelivery — or,
 * for a call that is not retried here, when the caller is answered. Other attempts print at once.
 */
export function pendingAttempts(lines: TraceLines | undefined) {
  const held = new Map<string, TraceRecord>();
  const key = (event: { readonly id: string; readonly source: string }) => `${event.source}\n${event.id}`;
  return {
    observe(trace: TraceRecord): void {
      if (lines === undefined) return;
      if (trace.outcome.status !== 'failed') {
        lines.attempt(trace);
        return;
      }
      // Two copies of one event in a batch: the earlier one is not left unprinted.
      const earlier = held.get(key(trace.event));
      if (earlier !== undefined) lines.attempt(earlier);
      held.set(key(trace.event), trace);
    },
    /** The failed attempt of `event` awaiting its fate, taken. */
    take(event: { readonly id: string; readonly source: string }): TraceRecord | undefined {
      const trace = held.get(key(event));
      held.delete(key(event));
      return trace;
    },
    /** Prints every failed attempt still waiting, with `fate`. */
    release(fate?: Fate): void {
      for (const trace of held.values()) lines?.attempt(trace, fate);
      held.clear();
    },
  };
}

export type PendingAttempts = ReturnType<typeof pendingAttempts>;
