/**
 * How the emulator answers one HTTP request: the `Host` check, then the emulator's own route table (with
 * its `Origin` and content-type checks), then the paths the handlers declare, served as API Gateway
 * would; 405 or 404 otherwise. Requests it cannot read get a 4xx naming the problem, never a 500. Every
 * refusal — a 4xx of the emulator's, or of a handler's path that ran no event (a bad signature, a guard)
 * — is reported (`refused`) with its status and reason, for the terminal.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TriggerHandler } from '../define-handler.js';
import { isTriggerError } from '../errors.js';
import { malformedRequest } from '../runtime/aws-lambda/http-response.js';
import type { SourceDeclaration } from '../sources/declarations.js';
import { methodsOf } from '../sources/http/guards.js';
import { rankByPath } from '../sources/http/path-template.js';
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
  readonly run: (
    fn: F,
    raw: unknown,
  ) => Promise<{ response?: unknown; error?: unknown; traces?: readonly unknown[] }>;
  /**
   * Told of every request not served — refused with a 4xx, or failed with a 5xx — with the reason (and
   * the HTTP source's code, when it gave one).
   */
  readonly refused?: (request: RefusedRequest, status: number, reason: string, code?: string) => void;
  /** Every route, for the 404 answer. */
  readonly routeList: () => string[];
}

type HttpDeclaration = Extract<SourceDeclaration, { type: 'http' }>;

export interface RefusedRequest {
  readonly method: string;
  readonly path: string;
}

/** The reason a refusal's body gives (`{ error, message }`, as `denialResponse` writes it), and its code. */
function reasonOf(body: string | undefined): [string, string?] {
  try {
    const { error, message } = JSON.parse(body ?? '') as { error?: unknown; message?: unknown };
    if (typeof message === 'string') return typeof error === 'string' ? [message, error] : [message];
  } catch {
    // Not JSON: the body itself is the reason.
  }
  return [body?.slice(0, 200) || 'no reason given'];
}

export function createDispatcher<F extends DispatchFunction>(ctx: DispatchContext<F>) {
  /**
   * The function serving a path a handler declares, if any, the most specific route first as API Gateway
   * picks it (`/orders/{id}` before `/orders/{proxy+}`); `allowed`: the methods the path takes.
   */
  function declared(method: string, path: string): { fn?: F; source?: HttpDeclaration; allowed: string[] } {
    const allowed: string[] = [];
    const routes = ctx
      .functions()
      .flatMap((fn) =>
        (fn.handler.definition.sources ?? []).flatMap((s) =>
          s.type === 'http' ? [{ fn, path: s.path, s }] : [],
        ),
      );
    for (const { item } of rankByPath(routes, path)) {
      const methods = methodsOf(item.s);
      if (methods === undefined || methods.includes(method)) return { fn: item.fn, source: item.s, allowed };
      allowed.push(...methods);
    }
    return { allowed };
  }

  function refuse(request: RefusedRequest, status: number, reason: string, code?: string): void {
    if (status >= 400) ctx.refused?.(request, status, reason, code);
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    request: { method: string; path: string },
  ): Promise<void> {
    const { method } = request;
    const { path, query } = parseTarget(req.url ?? '/');
    request.path = path;
    checkHost(req.headers, ctx.hosts);
    const found = findRoute(ctx.table, method, path, req.headers);
    if ('route' in found) {
      checkOwnRoute(method, req.headers, ctx.hosts, found.route);
      const body = await readBody(req);
      return found.route.handle({ req, res, method, path, query, params: found.params, body });
    }
    const { fn, source, allowed } = declared(method, path);
    if (fn === undefined) {
      const methods = [...new Set([...found.allowed, ...allowed])];
      if (methods.length > 0)
        throw new HttpProblem(
          405,
          'E_METHOD_NOT_ALLOWED',
          `${method} ${path} is not supported; use ${methods.join(' or ')}.`,
          { allow: methods.join(', ') },
        );
      const message = `No route for ${method} ${path}. Send CloudEvents to POST /events, or use a path a handler declares.`;
      refuse(request, 404, message);
      send(res, 404, { error: 'E_NOT_FOUND', message, routes: ctx.routeList() });
      return;
    }
    const body = await readBody(req);
    const route = source === undefined ? path : source.path;
    const result = await ctx.run(fn, toApiGatewayV2Event(req, body, `${method} ${route}`, route));
    if (result.error !== undefined) {
      refuse(request, 502, `E_HANDLER_CRASHED: ${String(result.error)}`);
      send(res, 502, { error: 'E_HANDLER_CRASHED', message: String(result.error) });
      return;
    }
    const response = result.response as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
    };
    // No event ran: the source itself refused the request (its guards, its signature check).
    if (!result.traces?.length) refuse(request, response.statusCode, ...reasonOf(response.body));
    res.writeHead(response.statusCode, response.headers ?? {});
    res.end(response.body ?? '');
  }

  return function answer(req: IncomingMessage, res: ServerResponse): void {
    const request = { method: (req.method ?? 'GET').toUpperCase(), path: req.url ?? '/' };
    serve(req, res, request).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof HttpProblem) {
        refuse(request, error.status, error.message);
        return send(res, error.status, { error: error.code, message: error.message }, error.headers);
      }
      if (isTriggerError(error)) {
        const answer = malformedRequest(error);
        refuse(request, answer.statusCode, error.message);
        res.writeHead(answer.statusCode, answer.headers);
        return void res.end(answer.body);
      }
      if (isStoreUnavailable(error)) {
        const message = `The emulator's state could not be written (${(error as Error).message}); nothing was accepted, send it again (free disk space, or close the other connection writing .triggerkit/state.db).`;
        refuse(request, 503, message);
        return send(res, 503, { error: 'E_STORE_UNAVAILABLE', message }, { 'retry-after': '1' });
      }
      refuse(request, 500, String(error));
      send(res, 500, { error: 'E_INTERNAL', message: String(error) });
    });
  };
}
