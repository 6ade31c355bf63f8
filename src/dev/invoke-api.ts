/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`): runs a function on any raw
 * event, as Lambda's synchronous invocation does.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import type { RouteRequest } from './router.js';
import { send } from './router.js';

export const INVOKE_PATH = '/2015-03-31/functions/:name/invocations';

export interface InvokeResult {
  response?: unknown;
  error?: unknown;
}

export interface InvokeApiContext {
  readonly functionNames: () => readonly string[];
  /** Runs the function on a raw event, as Lambda would; resolves with its answer or its error. */
  readonly run: (name: string, raw: unknown) => Promise<InvokeResult>;
}

export async function serveInvoke(ctx: InvokeApiContext, { res, params, body }: RouteRequest): Promise<void> {
  const name = params.name ?? '';
  if (!ctx.functionNames().includes(name)) {
    send(res, 404, {
      error: 'E_NOT_FOUND',
      message: `No function ${JSON.stringify(name)}; known: ${ctx.functionNames().join(', ')}.`,
    });
    return;
  }
  let raw: unknown;
  try {
    raw = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (error) {
    send(res, 400, {
      error: 'E_SOURCE_INVALID',
      message: `The invocation payload is not JSON: ${(error as Error).message}.`,
    });
    return;
  }
  const result = await ctx.run(name, raw);
  if (result.error === undefined) {
    send(res, 200, result.response ?? null);
    return;
  }
  const error = result.error as Error;
  send(
    res,
    200,
    { errorType: error?.name ?? 'Error', errorMessage: error?.message ?? String(error) },
    { 'x-amz-function-error': 'Unhandled' },
  );
}
