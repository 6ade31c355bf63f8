/**
 * An event a runtime has already normalized and matched — the emulator's bus routes each stored event
 * only to the handlers whose filter it matched — handed to the handler's middy chain as its raw event.
 * The adapter runs it through the pipeline without normalizing or filtering it again, and the outcome
 * comes back as the handler's return value. Symbols from the global registry, so the emulator's copy of
 * the library and the handler bundle's recognize each other's.
 */
import type { CloudEvent } from '../cloud-event.js';
import type { IdempotencyStore } from '../delivery/idempotency.js';
import type { Outcome } from '../delivery/outcome.js';
import type { Transport } from '../sources/types.js';

const PREPARED = Symbol.for('triggerkit.prepared-event');
const OUTCOME = Symbol.for('triggerkit.outcome');

export interface PreparedEvent {
  readonly event: CloudEvent;
  /** The record's identity in traces. */
  readonly ref: string;
  /** The transport that delivered it, e.g. `cloudevents`. */
  readonly transport: Transport;
  /** 1-based. */
  readonly attempt: number;
  /** The runtime's clock, for idempotency windows. */
  readonly now: () => number;
  /** Where a handler that declares `idempotency` keeps its records. */
  readonly idempotency?: IdempotencyStore;
}

/** The raw event that carries `prepared` through a middy chain. */
export function prepareEvent(prepared: PreparedEvent): object {
  return Object.freeze({ [PREPARED]: prepared });
}

export function preparedOf(raw: unknown): PreparedEvent | undefined {
  return typeof raw === 'object' && raw !== null
    ? (raw as Record<symbol, PreparedEvent | undefined>)[PREPARED]
    : undefined;
}

/** The handler's return value for a prepared event. */
export function outcomeResponse(outcome: Outcome): object {
  return Object.freeze({ [OUTCOME]: outcome });
}

/** The outcome a handler returned for a prepared event; `undefined` when a middleware replaced it. */
export function outcomeOf(response: unknown): Outcome | undefined {
  return typeof response === 'object' && response !== null
    ? (response as Record<symbol, Outcome | undefined>)[OUTCOME]
    : undefined;
}
