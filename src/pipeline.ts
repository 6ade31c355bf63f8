/**
 * One event through filter → transform → validate → handle. Pure apart from the user's own code:
 * no I/O, no clock. The outcome says what happened; the runtime decides what to do about a failure.
 */
import type { CloudEvent } from './cloud-event.js';
import type { CompiledDefinition, HandlerContext } from './definition.js';
import {
  type Claim,
  type IdempotencyStore,
  type ResolvedIdempotency,
  recordKey,
  storedResult,
} from './delivery/idempotency.js';
import type { Outcome, Stage } from './delivery/outcome.js';
import { isNonRetryable, TriggerError } from './errors.js';
import { formatProblems } from './schema/compile.js';

/** What the runtime lends the pipeline: the idempotency store of a handler that declares `idempotency`, and its clock. */
export interface PipelineRuntime {
  readonly idempotency?: { readonly store: IdempotencyStore; readonly now: () => number };
  /** The runtime already matched the event against the filter (the emulator's rule index): skip it. */
  readonly matched?: boolean;
}

/** Runs one event through a compiled definition and reports the outcome; never throws. */
export async function runPipeline(
  definition: CompiledDefinition,
  event: CloudEvent,
  ctx: HandlerContext,
  runtime: PipelineRuntime = {},
): Promise<Outcome> {
  if (definition.matcher !== undefined && runtime.matched !== true && !definition.matcher.matches(event))
    return { status: 'filtered', event };
  let input = event;
  if (definition.transform !== undefined) {
    try {
      input = Object.freeze({
        ...event,
        data: definition.transform(event, { ruleName: definition.name ?? ctx.lambda?.functionName }),
      });
    } catch (cause) {
      const error = new TriggerError(
        'E_TRANSFORM_FAILED',
        `transform failed on event ${event.id}: ${(cause as Error)?.message ?? cause}`,
        {
          cause,
          eventId: event.id,
        },
      );
      return { status: 'failed', event, stage: 'transform', error, retryable: false };
    }
  }
  if (definition.validate !== undefined) {
    // check(event): the registry needs the type and dataschema; Standard Schema output replaces data.
    const pending = definition.validate.check(input);
    const checked = pending instanceof Promise ? await pending : pending;
    if (!checked.ok) {
      const error = new TriggerError(
        'E_VALIDATION_FAILED',
        `${formatProblems(checked.problems)} (event id ${event.id}, record ${ctx.ref})`,
        { eventId: event.id, details: checked.problems },
      );
      return { status: 'failed', event, stage: 'schema', error, retryable: false };
    }
    if (checked.data !== input.data) input = Object.freeze({ ...input, data: checked.data });
  }
  if (definition.idempotency !== undefined)
    return handleOnce(definition, definition.idempotency, event, input, ctx, runtime);
  try {
    const result = await definition.handle(input, ctx);
    return { status: 'delivered', event, input, result };
  } catch (error) {
    return { status: 'failed', event, stage: 'handler', error, retryable: !isNonRetryable(error) };
  }
}

/** The handler behind an idempotency claim (see `delivery/idempotency.ts` for the semantics). */
async function handleOnce(
  definition: CompiledDefinition,
  idempotency: ResolvedIdempotency,
  event: CloudEvent,
  input: CloudEvent,
  ctx: HandlerContext,
  runtime: PipelineRuntime,
): Promise<Outcome> {
  const failed = (error: unknown, retryable: boolean, stage: Stage = 'idempotency'): Outcome => ({
    status: 'failed',
    event,
    stage,
    error,
    retryable,
  });
  const handler = definition.name ?? ctx.lambda.functionName;
  let key: string;
  try {
    key = recordKey(handler, idempotency.keyOf(event));
  } catch (error) {
    return failed(error, false);
  }
  const io = runtime.idempotency;
  if (io === undefined) {
    const message = `handler "${handler}" declares \`idempotency\` but this runtime has no idempotency store; in AWS set TRIGGERKIT_IDEMPOTENCY_TABLE to its DynamoDB table (see docs/delivery.md). Event ${event.id} is retried.`;
    return failed(new TriggerError('E_CONFIG', message, { path: 'idempotency', eventId: event.id }), true);
  }
  let claim: Claim;
  try {
    // An attempt that crashes keeps its claim only as long as the invocation could have run.
    claim = await io.store.claim(key, io.now(), Math.max(1_000, ctx.lambda.getRemainingTimeInMillis()));
  } catch (cause) {
    return failed(storeError('claim', key, event, cause), true);
  }
  if (claim.status === 'completed') {
    const result = claim.result === undefined ? undefined : JSON.parse(claim.result);
    return { status: 'delivered', event, input, result, duplicate: true };
  }
  if (claim.status === 'in-progress') {
    const until = new Date(claim.expiresAt).toISOString();
    const message = `Event ${event.id} is being handled by another attempt right now (idempotency key ${key}, claimed until ${until}); it is retried.`;
    return failed(new TriggerError('E_IDEMPOTENCY_IN_PROGRESS', message, { eventId: event.id }), true);
  }
  let result: unknown;
  try {
    result = await definition.handle(input, ctx);
  } catch (error) {
    // The retry must run the handler again: give the claim back (if that fails, it expires with the lock).
    await io.store.release(key, claim.token).catch((cause: unknown) => {
      console.error(`triggerkit: ${handler}: could not release the idempotency claim ${key}`, cause);
    });
    return failed(error, !isNonRetryable(error), 'handler');
  }
  try {
    await io.store.complete(key, claim.token, io.now(), idempotency.ttl, storedResult(result));
  } catch (cause) {
    // The handler's work is done, so the event is delivered; only a later duplicate may run it again.
    console.error(`triggerkit: ${handler}: could not record event ${event.id} as completed (${key})`, cause);
  }
  return { status: 'delivered', event, input, result };
}

function storeError(step: string, key: string, event: CloudEvent, cause: unknown): TriggerError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new TriggerError(
    'E_IDEMPOTENCY_STORE',
    `The idempotency store failed to ${step} ${key} for event ${event.id}: ${why}. The event is retried; check the store (the DynamoDB table, its permissions).`,
    { cause, eventId: event.id },
  );
}
