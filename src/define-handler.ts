/** `defineHandler`: the user's entry point, and an AWS Lambda handler in its own right. */
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import { type CompiledDefinition, compileDefinition, type HandlerDefinition } from './definition.js';
import { TriggerError } from './errors.js';
import { handleLambdaEvent } from './runtime/aws-lambda/adapter.js';
import type { DataOf, SchemaOption } from './schema/types.js';
import { checkBuiltInSources } from './sources/declarations.js';

const COMPILED = Symbol.for('triggerkit.compiled');
/** `triggerkit build` listens here while it loads a handler module, to learn which stages it uses. */
export const DEFINITION_COLLECTOR_SYMBOL = 'triggerkit.definition-collector';
const COLLECTOR = Symbol.for(DEFINITION_COLLECTOR_SYMBOL);

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
 * `event.data`'s type comes from `TData` when given (`defineHandler<Order>(…)`), else from `schema`:
 * a JSON Schema written inline (or `as const`) through json-schema-to-ts's `FromSchema`, or a
 * Standard Schema validator's output type (zod, valibot…); else it is `unknown`.
 *
 * @example
 * export const handler = defineHandler({
 *   name: 'large-orders',
 *   sources: [{ type: 'aws:sqs', queue: 'orders' }],
 *   schema: { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] },
 *   async handle(event) { console.log(event.id, event.data.total) }, // total: number
 * });
 */
export function defineHandler<
  TData = never,
  TResult = unknown,
  const TSchema extends SchemaOption = SchemaOption,
>(
  definition: HandlerDefinition<DataOf<TData, TSchema>, TResult, TSchema>,
): TriggerHandler<DataOf<TData, TSchema>, TResult> {
  const compiled = compileDefinition(definition as HandlerDefinition);
  checkBuiltInSources(compiled.sources, compiled.name ? `handler "${compiled.name}"` : 'handler');
  (globalThis as unknown as Record<symbol, ((c: CompiledDefinition) => void) | undefined>)[COLLECTOR]?.(
    compiled,
  );
  const lambdaHandler = middy<unknown, unknown, Error, LambdaContext>(
    (raw: unknown, context: LambdaContext) => handleLambdaEvent(compiled, raw, context),
  );
  // `.use()` files every `before` through `.before()`: one gate for both ways of adding middleware.
  const before = lambdaHandler.before;
  lambdaHandler.before = (middleware) => before(refuseEventNormalizer(middleware, compiled.name));
  return Object.defineProperties(lambdaHandler, {
    definition: { value: Object.freeze({ ...definition }), enumerable: true },
    [COMPILED]: { value: compiled },
  }) as TriggerHandler<DataOf<TData, TSchema>, TResult>;
}

/**
 * `@middy/event-normalizer` parses the raw event in place (SQS bodies into objects, S3 keys decoded,
 * Kinesis data unpacked). triggerkit reads that raw event itself, exactly once, so on a triggerkit
 * handler the normalizer makes every record unreadable: it is refused when it is added. Recognized by
 * its `before` function's name, which minification renames — a built bundle is not checked again, but
 * the handler has been loaded unminified by `triggerkit dev` and by tests long before.
 */
function refuseEventNormalizer<T>(middleware: T, name: string | undefined): T {
  if (typeof middleware === 'function' && middleware.name === 'eventNormalizerMiddlewareBefore') {
    throw new TriggerError(
      'E_CONFIG',
      `${name ? `Handler "${name}"` : 'A triggerkit handler'} cannot use @middy/event-normalizer: triggerkit already turns the raw event into CloudEvents (bodies parsed, keys decoded), and the normalizer's in-place rewrite would make every record unreadable; remove .use(eventNormalizer()).`,
      { path: 'use' },
    );
  }
  return middleware;
}

/** True for a value made by `defineHandler` (from any copy of the library). */
export function isTriggerHandler(value: unknown): value is TriggerHandler {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[COMPILED] !== undefined;
}

/** The compiled definition behind a handler. */
export function compiledOf(handler: TriggerHandler): CompiledDefinition {
  return (handler as unknown as Record<symbol, CompiledDefinition>)[COMPILED] as CompiledDefinition;
}
