/**
 * How the emulator answers one HTTP request: the `Host` check, then the emulator's own route table (with
 * its `Origin` and content-type checks), then the paths the handlers declare, served as API Gateway
 * would; 405 or 404 otherwise. Requests it cannot read get a 4xx naming the problem, never a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TriggerHandler } from '../define-handler.js';
import { isTriggerError } from '../errors.js';
import { malformedRequest } from '../runtime/aws-lambda/http-response.js';
import { methodsOf } from '../sources/http/guards.js';
import { checkHost, checkOwnRoute, type HostPolicy } from './guard.js';
import { readBody, toApiGatewayV2Event } from './http-ingress.js';
import { type CompiledRoute, findRoute, HttpProblem, parseTarget, send } from './router.js';
import { isStoreUnavailable } from './store/store.js';

interface DispatchFunction {
  readonly name: string;
  readonly handler: TriggerHandler;
}

export interface DispatchContext<F extends DispatchFunction> {
  readonly table: readonly CompiledRoute[];
  readonly hosts: HostPolicy;
  readonly functions: () => readonly F[];
  /** Runs a function on a raw event (here an API Gateway v2 event), as Lambda would. */
  readonly run: (fn: F, raw: unknown) => Promise<{ response?: unknown; error?: unknown }>;
  /** Every route, for the 404 answer. */
  readonly routeList: () => string[];
}

export function createDispatcher<F extends DispatchFunction>(ctx: DispatchContext<F>) {
  /** The function serving a path a handler declares, if any. */
  function declared(method: string, path: string): F | undefined {
    return ctx
      .functions()
      .find((fn) =>
        (fn.handler.definition.sources ?? []).some(
          (s) => s.type === 'http' && s.path === path && (methodsOf(s)?.includes(method) ?? true),
        ),
      );
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const { path, query } = parseTarget(req.url ?? '/');
    checkHost(req.headers, ctx.hosts);
    const found = findRoute(ctx.table, method, path, req.headers);
    if ('route' in found) {
      checkOwnRoute(method, req.headers, ctx.hosts, found.route);
      const body = await readBody(req);
      return found.route.handle({ req, res, method, path, query, params: found.params, body });
    }
    const fn = declared(method, path);
    if (fn === undefined) {
      if (found.allowed.length > 0)
        throw new HttpProblem(
          405,
          'E_METHOD_NOT_ALLOWED',
          `${method} ${path} is not supported; use ${found.allowed.join(' or ')}.`,
          { allow: found.allowed.join(', ') },
        );
      send(res, 404, {
        error: 'E_NOT_FOUND',
        message: `No route for ${method} ${path}. Send CloudEvents to POST /events, or use a path a handler declares.`,
        routes: ctx.routeList(),
      });
      return;
    }
    const body = await readBody(req);
    const result = await ctx.run(fn, toApiGatewayV2Event(req, body, `${method} ${path}`));
    if (result.error !== undefined) {
      send(res, 502, { error: 'E_HANDLER_CRASHED', message: String(result.error) });
      return;
    }
    const response = result.response as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
    };
    res.writeHead(response.statusCode, response.headers ?? {});
    res.end(response.body ?? '');
  }

  return function answer(req: IncomingMessage, res: ServerResponse): void {
    serve(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof HttpProblem)
        return send(res, error.status, { error: error.code, message: error.message }, error.headers);
      if (isTriggerError(error)) {
        const answer = malformedRequest(error);
        res.writeHead(answer.statusCode, answer.headers);
        return void res.end(answer.body);
      }
      if (isStoreUnavailable(error))
        return send(
          res,
          503,
          {
            error: 'E_STORE_UNAVAILABLE',
            message: `The emulator's state could not be written (${(error as Error).message}); nothing was accepted, send it again (free disk space, or close the other connection writing .triggerkit/state.db).`,
          },
          { 'retry-after': '1' },
        );
      send(res, 500, { error: 'E_INTERNAL', message: String(error) });
    });
  };
}
