/**
 * One event through filter → transform → validate → handle. Pure apart from the user's own code:
 * no I/O, no clock. The outcome says what happened; the runtime decides what to do about a failure.
 */
import type { CloudEvent } from './cloud-event.js';
import type { CompiledDefinition, HandlerContext } from './definition.js';
import { isNonRetryable, TriggerError } from './errors.js';
import { formatProblems } from './schema/compile.js';

/** Where an event failed; `source` is a record that could not be read into a CloudEvent at all. */
export type Stage = 'source' | 'transform' | 'schema' | 'handler';

export type Outcome =
  | {
      readonly status: 'delivered';
      readonly event: CloudEvent;
      readonly input: CloudEvent;
      readonly result: unknown;
    }
  | { readonly status: 'filtered'; readonly event: CloudEvent }
  | {
      readonly status: 'failed';
      readonly event: CloudEvent;
      readonly stage: Stage;
      readonly error: unknown;
      readonly retryable: boolean;
    };

/** Runs one event through a compiled definition and reports the outcome; never throws. */
export async function runPipeline(
  definition: CompiledDefinition,
  event: CloudEvent,
  ctx: HandlerContext,
): Promise<Outcome> {
  if (definition.matcher !== undefined && !definition.matcher.matches(event))
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
  try {
    const result = await definition.handle(input, ctx);
    return { status: 'delivered', event, input, result };
  } catch (error) {
    return { status: 'failed', event, stage: 'handler', error, retryable: !isNonRetryable(error) };
  }
}
