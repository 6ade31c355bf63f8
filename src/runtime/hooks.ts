/**
 * How a runtime (emulator, tests) listens in on a handler without changing what it returns to Lambda:
 * hooks ride on the Lambda context object under a global symbol, so they survive middy middlewares and
 * work across two loaded copies of the library (the emulator's and the handler bundle's).
 */
import type { CloudEvent } from '../cloud-event.js';
import type { IdempotencyStore } from '../delivery/idempotency.js';
import type { Outcome } from '../pipeline.js';
import type { Transport } from '../sources/types.js';

export const RUNTIME_HOOKS = Symbol.for('triggerkit.runtime-hooks');

/** One event's passage through one handler. */
export interface TraceRecord {
  readonly handler: string;
  readonly transport: Transport;
  readonly ref: string;
  readonly event: CloudEvent;
  readonly outcome: Outcome;
  /** Wall time of the pipeline for this event, in milliseconds. */
  readonly ms: number;
}

export interface RuntimeHooks {
  observe?(trace: TraceRecord): void;
  /**
   * The attempt number the runtime is making. When set, retries are the runtime's business (the
   * emulator's delivery loop, `invoke`): the Lambda adapter runs each event once and reports failures.
   * When unset, the adapter retries and dead-letters itself if its queues are configured. Default 1.
   */
  attempt?: number;
  /** The runtime's clock (virtual in tests, scaled in the emulator), for replay windows and event age. */
  now?: () => number;
  /** Waits between in-process retries on the runtime's clock (a virtual clock advances). Default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where handlers that declare `idempotency` keep their records (the emulator's SQLite, `invoke`'s
   * memory). Unset in AWS: the adapter uses DynamoDB (`TRIGGERKIT_IDEMPOTENCY_TABLE`).
   */
  idempotency?: IdempotencyStore;
}

/** The trace of one event's last attempt through a handler. */
export function traceRecord(
  handler: string,
  transport: Transport,
  ref: string,
  outcome: Outcome,
  ms: number,
): TraceRecord {
  return { handler, transport, ref, event: outcome.event, outcome, ms };
}

export function hooksOf(context: unknown): RuntimeHooks | undefined {
  return typeof context === 'object' && context !== null
    ? ((context as Record<symbol, RuntimeHooks | undefined>)[RUNTIME_HOOKS] ?? undefined)
    : undefined;
}
