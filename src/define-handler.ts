/** `defineHandler`: the user's entry point, and an AWS Lambda handler in its own right. */
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import { type CompiledDefinition, compileDefinition, type HandlerDefinition } from './definition.js';
import { handleLambdaEvent } from './runtime/aws-lambda/adapter.js';

const COMPILED = Symbol.for('triggerkit.compiled');

/** A Lambda handler (middy-wrapped, so `.use()` takes middy middleware) that carries its definition. */
export type TriggerHandler<TData = unknown, TResult = unknown> = MiddyfiedHandler<
  unknown,
  unknown,
  Error,
  LambdaContext
> & {
  readonly definition: HandlerDefinition<TData, TResult>;
};

/**
 * Defines an event handler. The definition is validated and its filter, transform and schema are
 * compiled now, at module load: a mistake throws `TriggerError` here, not on the first event.
 *
 * @example
 * export const handler = defineHandler({
 *   name: 'large-orders',
 *   sources: [{ type: 'aws:sqs', queue: 'orders' }],
 *   filter: { data: { currency: ['EUR'] } },
 *   async handle(event) { console.log(event.id, event.data) },
 * });
 */
export function defineHandler<TData = unknown, TResult = unknown>(
  definition: HandlerDefinition<TData, TResult>,
): TriggerHandler<TData, TResult> {
  const compiled = compileDefinition(definition as HandlerDefinition);
  const lambdaHandler = middy<unknown, unknown, Error, LambdaContext>(
    (raw: unknown, context: LambdaContext) => handleLambdaEvent(compiled, raw, context),
  );
  return Object.defineProperties(lambdaHandler, {
    definition: { value: Object.freeze({ ...definition }), enumerable: true },
    [COMPILED]: { value: compiled },
  }) as TriggerHandler<TData, TResult>;
}

/** True for a value made by `defineHandler` (from any copy of the library). */
export function isTriggerHandler(value: unknown): value is TriggerHandler {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[COMPILED] !== undefined;
}

/** The compiled definition behind a handler. */
export function compiledOf(handler: TriggerHandler): CompiledDefinition {
  return (handler as unknown as Record<symbol, CompiledDefinition>)[COMPILED] as CompiledDefinition;
}
