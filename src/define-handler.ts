/** `defineHandler`: the user's entry point, and an AWS Lambda handler in its own right. */
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import { type CompiledDefinition, compileDefinition, type HandlerDefinition } from './definition.js';
import { TriggerError } from './errors.js';
import { handleFcEvent } from './runtime/alibaba-fc/adapter.js';
import { isFcContext } from './runtime/alibaba-fc/context.js';
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
  // One handler for both platforms: FC's calling convention is told by its context (see isFcContext).
  const lambdaHandler = middy<unknown, unknown, Error, LambdaContext>(
    (raw: unknown, context: LambdaContext) =>
      isFcContext(context)
        ? handleFcEvent(compiled, raw, context)
        : handleLambdaEvent(compiled, raw, context),
  );
  // `.use()` files every `before` through `.before()`: one gate for both ways of adding middleware.
  const before = lambdaHandler.before;
  lambdaHandler.before = (middleware) => before(refuseEventNormalizer(middleware, compiled.name));
  return Object.defineProperties(withCallback(lambdaHandler), {
    definition: { value: Object.freeze({ ...definition }), enumerable: true },
    [COMPILED]: { value: compiled },
  }) as TriggerHandler<DataOf<TData, TSchema>, TResult>;
}

/**
 * FC's older Node.js runtimes (and some callers) pass a callback as the third argument and wait for it;
 * Node.js 18+ runtimes await the returned promise. In FC the handler answers both: given a callback it
 * calls it (and returns nothing, so the answer is given once), else it returns the promise. In Lambda
 * it always returns the promise, as before. Middy's chaining
 * methods return this wrapper, so `defineHandler(…).use(m)` is still the handler with its definition.
 */
function withCallback<H extends MiddyfiedHandler<unknown, unknown, Error, LambdaContext>>(inner: H): H {
  // Two declared parameters, as middy's own handler: runtimes that look at a handler's arity see no callback.
  const handler = ((event: unknown, context: LambdaContext, ...rest: unknown[]) => {
    const answer = inner(event, context);
    const callback = rest[0];
    // Lambda always passes one, and answering through it would wait for an empty event loop: FC only.
    if (typeof callback !== 'function' || !isFcContext(context)) return answer;
    answer.then(
      (result) => callback(null, result),
      (error: unknown) => callback(error),
    );
    return undefined;
  }) as unknown as H;
  for (const name of ['use', 'before', 'after', 'onError', 'handler'] as const) {
    const method = inner[name] as (arg: never) => unknown;
    Object.defineProperty(handler, name, {
      value: (arg: never) => {
        method(arg);
        return handler;
      },
      writable: true,
    });
  }
  return handler;
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
