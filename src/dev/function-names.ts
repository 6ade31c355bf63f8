/**
 * One function, two names: its key in serverless.yml (or its file's name) — what AWS and the Invoke API
 * call it, and what the store files its deliveries under — and its handler's `name` from
 * `defineHandler({ name })`, which every runtime's traces and dead-letter envelopes carry. Wherever a
 * function is named (the Invoke API, `?handler=`, `triggerkit replay --handler`, `send --to`, dead-letter
 * filters) either name is accepted; the banner and `GET /` show both.
 */
import type { TriggerHandler } from '../define-handler.js';
import { HttpProblem } from './router.js';

export interface NamedFunction {
  /** The serverless.yml key, or the file's name. */
  readonly name: string;
  readonly handler: TriggerHandler;
}

/** The name traces and dead-letter envelopes carry: the handler's `name`, else the function's key. */
export function handlerNameOf(fn: NamedFunction): string {
  return fn.handler.definition.name ?? fn.name;
}

/** `ordersQueue (orders-queue)`: the key, then the handler's name when it differs. */
export function bothNames(fn: NamedFunction): string {
  const handler = handlerNameOf(fn);
  return handler === fn.name ? fn.name : `${fn.name} (${handler})`;
}

/** Every function `given` names, by key or by handler name (two keys may share one handler name). */
export function functionsNamed<F extends NamedFunction>(functions: readonly F[], given: string): F[] {
  const byKey = functions.filter((fn) => fn.name === given);
  return byKey.length > 0 ? byKey : functions.filter((fn) => handlerNameOf(fn) === given);
}

/** What the emulator runs, for messages: `ordersQueue (orders-queue), clicks`. */
export function knownFunctions(functions: readonly NamedFunction[]): string {
  return functions.map(bothNames).join(', ') || 'no functions';
}

/**
 * The one function `given` names; a key wins over a handler name. Undefined when none does; throws a
 * 400 naming the candidates when a handler name is shared by several functions.
 *
 * @example
 * resolveFunction(functions, 'orders-queue')?.name // 'ordersQueue'
 */
export function resolveFunction<F extends NamedFunction>(
  functions: readonly F[],
  given: string,
): F | undefined {
  const named = functionsNamed(functions, given);
  if (named.length > 1)
    throw new HttpProblem(
      400,
      'E_AMBIGUOUS_FUNCTION',
      `${JSON.stringify(given)} is the handler name of ${named.map((fn) => fn.name).join(', ')}; name one of them by its key.`,
    );
  return named[0];
}
