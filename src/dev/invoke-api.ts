/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`) as AWS answers it, so the AWS
 * SDK and CLI work against the emulator: names, ARNs and partial ARNs with a qualifier, the invocation
 * types (`RequestResponse`, `Event` — 202 at once, run in the background — and `DryRun`), `Tail` logs,
 * and errors with `x-amzn-ErrorType`. With `X-Triggerkit-Report: 1` (`triggerkit invoke`) a `RequestResponse`
 * call is answered with every event's outcome (`invoke-report.ts`).
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { TraceRecord } from '../runtime/hooks.js';
import { functionsNamed, knownFunctions, type NamedFunction } from './function-names.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './http-ingress.js';
import { type InvokeReport, invokeReport, REPORT_HEADER } from './invoke-report.js';
import { logTail, withLogCapture } from './log-capture.js';
import type { RouteRequest } from './router.js';

export const INVOKE_PATH = '/2015-03-31/functions/:name/invocations';
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
// The FunctionName pattern of the API reference: name, `account:function:name` or a full ARN, with an
// optional `:version` or `:alias`.
const FUNCTION_NAME =
  /^(?:arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(?:-gov)?-[a-z]+-\d:)?(?:\d{12}:)?(?:function:)?([a-zA-Z0-9_-]{1,64})(?::(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;

export interface InvokeResult {
  response?: unknown;
  error?: unknown;
  /** The attempts' traces: none when the function threw before any event ran. */
  traces?: readonly unknown[];
}

export interface InvokeApiContext {
  readonly functions: () => readonly NamedFunction[];
  /** Runs the function (by its key) on a raw event, as Lambda would; resolves with its answer or its error. */
  readonly run: (name: string, raw: unknown) => Promise<InvokeResult>;
  /** Keeps a background (`Event`) invocation for `close` to wait for. */
  readonly background: (work: Promise<unknown>) => void;
  /**
   * Told of every call not served, for the terminal: refused (an unknown function, a body that is not
   * JSON), or `Unhandled` — the function threw before any event ran (an input it cannot read).
   */
  readonly refused?: (status: number | string, reason: string) => void;
}

function fail(
  ctx: InvokeApiContext,
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
): void {
  ctx.refused?.(status, `${type}: ${message}`);
  const text = JSON.stringify({ Type: 'User', message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': type,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

const header = (request: RouteRequest, name: string) => {
  const value = request.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The function a FunctionName (name, partial or full ARN) and an optional `Qualifier` name: its key,
 * or its handler's name (`defineHandler({ name })`) when that names one function.
 */
function resolve(
  ctx: InvokeApiContext,
  given: string,
  qualifier: string | null,
): { name: string; version: string } | { problem: [number, string, string] } {
  const match = FUNCTION_NAME.exec(given);
  if (match === null)
    return {
      problem: [
        400,
        'InvalidParameterValueException',
        `FunctionName ${JSON.stringify(given)} is not a function name, ARN or partial ARN (name, 123456789012:function:name, arn:aws:lambda:region:123456789012:function:name, each with an optional :qualifier).`,
      ],
    };
  const [, name = '', fromName] = match;
  if (fromName !== undefined && qualifier !== null && qualifier !== fromName)
    return {
      problem: [
        400,
        'InvalidParameterValueException',
        `The derived qualifier from the function name (${fromName}) does not match the specified qualifier (${qualifier}).`,
      ],
    };
  const named = functionsNamed(ctx.functions(), name);
  if (named.length !== 1)
    return {
      problem: [
        named.length === 0 ? 404 : 400,
        named.length === 0 ? 'ResourceNotFoundException' : 'InvalidParameterValueException',
        named.length === 0
          ? `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}; the emulator has ${knownFunctions(ctx.functions())}.`
          : `${name} is the handler name of ${named.map((fn) => fn.name).join(', ')}; name one of them by its function name.`,
      ],
    };
  // Every version and alias runs the code the emulator has loaded.
  return {
    name: (named[0] as NamedFunction).name,
    version: /^\d+$/.test(fromName ?? qualifier ?? '') ? (fromName ?? qualifier ?? '') : '$LATEST',
  };
}

export async function serveInvoke(ctx: InvokeApiContext, request: RouteRequest): Promise<void> {
  const { res, body } = request;
  const target = resolve(ctx, request.params.name ?? '', request.query.get('Qualifier'));
  if ('problem' in target) return fail(ctx, res, ...target.problem);
  const type = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
  const logType = header(request, 'x-amz-log-type') ?? 'None';
  if (!['RequestResponse', 'Event', 'DryRun'].includes(type))
    return fail(
      ctx,
      res,
      400,
      'InvalidParameterValueException',
      `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got ${JSON.stringify(type)}.`,
    );
  if (logType !== 'None' && logType !== 'Tail')
    return fail(
      ctx,
      res,
      400,
      'InvalidParameterValueException',
      `X-Amz-Log-Type must be None or Tail, got ${JSON.stringify(logType)}.`,
    );
  let raw: unknown = {};
  if (body.length > 0) {
    if (jsonDepthExceeds(body, MAX_JSON_DEPTH))
      return fail(
        ctx,
        res,
        400,
        'InvalidRequestContentException',
        `Could not parse request body into json: it nests deeper than ${MAX_JSON_DEPTH} levels.`,
      );
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return fail(
        ctx,
        res,
        400,
        'InvalidRequestContentException',
        `Could not parse request body into json: ${(error as Error).message}.`,
      );
    }
  }
  const requestId = randomUUID();
  const headers = { 'x-amzn-requestid': requestId, 'x-amz-executed-version': target.version };
  if (type === 'DryRun') return void res.writeHead(204, headers).end();
  if (type === 'Event') {
    // Lambda queues the event and answers at once; its outcome shows in the trace lines.
    ctx.background(ctx.run(target.name, raw).then((result) => unhandled(ctx, result)));
    return void res.writeHead(202, headers).end();
  }
  const { result, log } =
    logType === 'Tail'
      ? await withLogCapture(requestId, () => ctx.run(target.name, raw))
      : { result: await ctx.run(target.name, raw), log: undefined };
  unhandled(ctx, result);
  // `triggerkit invoke` asks for every event's outcome too; the answer is then the report, never an error.
  if (header(request, REPORT_HEADER) !== undefined)
    return reply(res, headers, report(ctx, target.name, result));
  const payload = result.error === undefined ? (result.response ?? null) : describe(result.error);
  reply(
    res,
    {
      ...headers,
      ...(result.error !== undefined && { 'x-amz-function-error': 'Unhandled' }),
      ...(log !== undefined && { 'x-amz-log-result': logTail(log) }),
    },
    payload,
  );
}

function reply(res: ServerResponse, headers: Record<string, string>, payload: unknown): void {
  const text = JSON.stringify(payload) ?? 'null';
  res.writeHead(200, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function report(ctx: InvokeApiContext, name: string, result: InvokeResult): InvokeReport {
  // Looked up after the run: a rebuild in between swaps the handler, not its key.
  const definition = ctx.functions().find((f) => f.name === name)?.handler.definition ?? {};
  return invokeReport(name, definition as NamedFunction['handler']['definition'], {
    ...result,
    traces: result.traces as TraceRecord[],
  });
}

/** An error after events ran is on their trace lines; one before any did has no line but this one. */
function unhandled(ctx: InvokeApiContext, result: InvokeResult): void {
  if (result.error === undefined || result.traces?.length) return;
  const { errorType, errorMessage } = describe(result.error);
  ctx.refused?.('Unhandled', `${errorType}: ${errorMessage}`);
}

/** A function error as Lambda's Node.js runtime reports it. */
function describe(error: unknown) {
  const e = error as Partial<Error> | undefined;
  return {
    errorType: e?.name ?? 'Error',
    errorMessage: e?.message ?? String(error),
    trace: typeof e?.stack === 'string' ? e.stack.split('\n') : [],
  };
}
