/**
 * Function Compute 3.0's InvokeFunction API (`POST /2023-03-30/functions/<name>/invocations`) as FC
 * answers it, so a recorded FC event replays against the emulator exactly as FC would hand it over:
 * the request body is the event's bytes (a `Buffer`, CBOR for Tablestore), the handler gets FC's
 * context, and the answer is FC's — `200` with the function's return value, an unhandled error
 * named by `x-fc-error-type`, `202` for `x-fc-invocation-type: Async`.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-invokefunction
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { functionsNamed, knownFunctions, type NamedFunction } from './function-names.js';
import type { InvokeResult } from './invoke-api.js';
import type { RouteRequest } from './router.js';

export const FC_INVOKE_PATH = '/2023-03-30/functions/:name/invocations';

export interface FcInvokeApiContext {
  readonly functions: () => readonly NamedFunction[];
  /** Runs the function (by its key) on the event's bytes with FC's context; resolves with its answer or error. */
  readonly run: (name: string, event: Buffer) => Promise<InvokeResult>;
  /** Keeps an `Async` invocation for `close` to wait for. */
  readonly background: (work: Promise<unknown>) => void;
  readonly refused?: (status: number | string, reason: string) => void;
}

function fail(ctx: FcInvokeApiContext, res: ServerResponse, status: number, code: string, message: string) {
  ctx.refused?.(status, `${code}: ${message}`);
  const requestId = randomUUID();
  const text = JSON.stringify({ Code: code, Message: message, RequestId: requestId });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-fc-request-id': requestId,
  });
  res.end(text);
}

/** What FC sends back of a return value: bytes and strings as they are, anything else as JSON. */
function bodyOf(response: unknown): Buffer {
  if (Buffer.isBuffer(response)) return response;
  if (typeof response === 'string') return Buffer.from(response);
  return Buffer.from(JSON.stringify(response ?? null) ?? 'null');
}

export async function serveFcInvoke(ctx: FcInvokeApiContext, request: RouteRequest): Promise<void> {
  const { res, body } = request;
  const given = request.params.name ?? '';
  const named = functionsNamed(ctx.functions(), given);
  if (named.length !== 1)
    return fail(
      ctx,
      res,
      named.length === 0 ? 404 : 400,
      named.length === 0 ? 'FunctionNotFound' : 'InvalidArgument',
      named.length === 0
        ? `function '${given}' does not exist; the emulator has ${knownFunctions(ctx.functions())}.`
        : `${given} is the handler name of ${named.map((fn) => fn.name).join(', ')}; name one of them by its function name.`,
    );
  const name = (named[0] as NamedFunction).name;
  const header = request.req.headers['x-fc-invocation-type'];
  const type = (Array.isArray(header) ? header[0] : header) ?? 'Sync';
  if (type !== 'Sync' && type !== 'Async')
    return fail(
      ctx,
      res,
      400,
      'InvalidArgument',
      `x-fc-invocation-type must be Sync or Async, got ${JSON.stringify(type)}.`,
    );
  const requestId = randomUUID();
  if (type === 'Async') {
    // FC queues the event and answers at once; its outcome shows in the trace lines.
    ctx.background(ctx.run(name, body));
    return void res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': 0 }).end();
  }
  const result = await ctx.run(name, body);
  if (result.error !== undefined) {
    const e = result.error as Partial<Error> | undefined;
    const text = JSON.stringify({
      errorMessage: e?.message ?? String(result.error),
      errorType: e?.name ?? 'Error',
      stackTrace:
        typeof e?.stack === 'string'
          ? e.stack
              .split('\n')
              .slice(1)
              .map((l) => l.trim())
          : [],
    });
    if (!result.traces?.length)
      ctx.refused?.('Unhandled', `${e?.name ?? 'Error'}: ${e?.message ?? String(result.error)}`);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-fc-request-id': requestId,
      'x-fc-error-type': 'UnhandledInvocationError',
    });
    return void res.end(text);
  }
  const bytes = bodyOf(result.response);
  res.writeHead(200, { 'content-length': bytes.length, 'x-fc-request-id': requestId });
  res.end(bytes);
}
