/**
 * How a runtime (emulator, tests) listens in on a handler without changing what it returns to Lambda:
 * hooks ride on the Lambda context object under a global symbol, so they survive middy middlewares and
 * work across two loaded copies of the library (the emulator's and the handler bundle's).
 */
import type { CloudEvent } from '../cloud-event.js';
import type { OnError } from '../definition.js';
import type { AttemptRuntime } from '../delivery/attempts.js';
import type { IdempotencyStore } from '../delivery/idempotency.js';
import type { Outcome } from '../delivery/outcome.js';
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
  /** Which attempt this was, 1-based. */
  readonly attempt: number;
  /** When the attempt started, on the runtime's clock (ms since the epoch). */
  readonly at: number;
}

export interface RuntimeHooks {
  observe?(trace: TraceRecord): void;
  /**
   * The attempt number the runtime is making. When set, retries are the runtime's business (the
   * emulator's delivery loop, `invoke`): the Lambda adapter runs each event once and reports failures.
   * When unset, the adapter retries and dead-letters itself if its queues are configured. Default 1.
   */
  attempt?: number;
  /**
   * Plays every retry of each event in this process, on the runtime the factory returns (a fresh one per
   * event: `invoke(…, { retries: true })` gives each a virtual clock). Unset: one attempt per invocation,
   * or the adapter's own retry queue in AWS. `ordered` is the handler's `onError` when the batch keeps
   * order (FIFO queue, stream): such a record may wait in-process but never be handed to a later delivery.
   */
  attempts?: (ordered?: OnError) => AttemptRuntime;
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
  timing: { readonly ms: number; readonly attempt: number; readonly at: number },
): TraceRecord {
  return { handler, transport, ref, event: outcome.event, outcome, ...timing };
}

export function hooksOf(context: unknown): RuntimeHooks | undefined {
  return typeof context === 'object' && context !== null
    ? ((context as Record<symbol, RuntimeHooks | undefined>)[RUNTIME_HOOKS] ?? undefined)
    : undefined;
}
