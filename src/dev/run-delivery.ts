/**
 * One attempt of a bus delivery through the handler's whole middy chain, as Lambda runs it. The event
 * was normalized and matched when the bus accepted it: the adapter only runs the pipeline and returns
 * the outcome (`runtime/prepared.ts`). The function's timeout ends an attempt that runs too long.
 */
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '../cloud-event.js';
import type { TriggerHandler } from '../define-handler.js';
import type { IdempotencyStore } from '../delivery/idempotency.js';
import type { Outcome } from '../delivery/outcome.js';
import { createLocalContext } from '../runtime/aws-lambda/context.js';
import { type TraceRecord, traceRecord } from '../runtime/hooks.js';
import { outcomeOf, prepareEvent } from '../runtime/prepared.js';
import type { Transport } from '../sources/types.js';
import type { Clock } from './clock.js';
import { handlerNameOf } from './function-names.js';

/** One function the emulator hosts. */
export interface EmulatorFunction {
  /** The function's name (serverless.yml key, or the file's). */
  readonly name: string;
  readonly handler: TriggerHandler;
  /** The function's timeout in ms (serverless.yml `timeout`): a bus delivery still running then fails. Default 30 s. */
  readonly timeoutMs?: number;
}

/** The emulator's default function timeout when none is configured. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface BusDeliveryOptions {
  readonly clock: Clock;
  readonly onTrace: (trace: TraceRecord) => void;
  /** Where a handler that declares `idempotency` keeps its records (the attempt's deferred store). */
  readonly idempotency?: IdempotencyStore;
  /** How the event came (a live trigger's retry keeps its `aws:sqs`…); default the bus's `cloudevents`. */
  readonly transport?: Transport;
}

/** Runs attempt `attempt` of `event` through `fn` and reports the outcome (and its trace); never throws. */
export async function runBusDelivery(
  fn: EmulatorFunction,
  event: CloudEvent,
  attempt: number,
  { clock, onTrace, idempotency, transport = 'cloudevents' }: BusDeliveryOptions,
): Promise<Outcome> {
  const timeoutMs = fn.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const context = createLocalContext({
    functionName: fn.name,
    requestId: randomUUID(),
    timeoutMs,
    now: () => clock.now(),
  });
  const raw = prepareEvent({
    event,
    ref: event.id,
    transport,
    attempt,
    now: () => clock.now(),
    ...(idempotency && { idempotency }),
  });
  const at = clock.now();
  const began = performance.now();
  let outcome: Outcome;
  try {
    outcome =
      outcomeOf(await withTimeout(fn.handler(raw, context), timeoutMs, clock)) ??
      failure(event, new Error(`a middleware of "${fn.name}" answered instead of running the handler`));
  } catch (error) {
    // A middleware threw, or the function timed out (the pipeline itself never throws).
    outcome = failure(event, error);
  }
  onTrace(
    traceRecord(handlerNameOf(fn), transport, event.id, outcome, {
      ms: performance.now() - began,
      attempt,
      at,
    }),
  );
  return outcome;
}

const failure = (event: CloudEvent, error: unknown): Outcome => ({
  status: 'failed',
  event,
  stage: 'handler',
  error,
  retryable: true,
});

/** The failure of an attempt that ran past the function's timeout. */
export class FunctionTimeout extends Error {}

/**
 * The handler's promise, or a failure once the function's timeout has passed on the emulator's clock —
 * as Lambda ends an invocation that runs too long. The abandoned call runs on in the background, as it
 * cannot be stopped in-process; its result is ignored.
 */
export function withTimeout<T>(running: Promise<T>, timeoutMs: number, clock: Clock): Promise<T> {
  const realMs = clock.toRealDelay(timeoutMs);
  if (!Number.isFinite(realMs)) return running;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new FunctionTimeout(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)),
      realMs,
    );
  });
  return Promise.race([running, timedOut]).finally(() => clearTimeout(timer));
}
