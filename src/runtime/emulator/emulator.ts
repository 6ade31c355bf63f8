/**
 * The local emulator: an HTTP server with a CloudEvents bus (`POST /events`), the webhook paths the
 * handlers declare, and the Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`) for
 * any raw event. Every route runs the handler exactly as Lambda would, through its middy chain.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEvent } from '../../cloud-event.js';
import type { TriggerHandler } from '../../define-handler.js';
import { isTriggerError, TriggerError } from '../../errors.js';
import { fromApiGatewayV2 } from '../../sources/aws/apigateway-v2.js';
import { cloudEventsMode } from '../../sources/http/cloudevents-binding.js';
import { toCloudEvents } from '../../sources/index.js';
import { createLocalContext } from '../aws-lambda/context.js';
import { malformedRequest, summarize } from '../aws-lambda/http-response.js';
import type { TraceRecord } from '../hooks.js';
import { readBody, toApiGatewayV2Event } from './http-ingress.js';
import { formatTraceLine } from './trace-line.js';

export interface EmulatorFunction {
  /** The function's name (serverless.yml key). */
  readonly name: string;
  readonly handler: TriggerHandler;
}

export interface EmulatorOptions {
  functions: readonly EmulatorFunction[];
  /** Receives every trace; default prints one line per trace to stdout. */
  onTrace?: (trace: TraceRecord) => void;
  log?: (line: string) => void;
}

export interface Emulator {
  /** Starts listening; resolves to the base URL. Port 0 picks a free port. */
  listen(port?: number, host?: string): Promise<string>;
  /** Swaps in rebuilt handlers without dropping the server. */
  setFunctions(functions: readonly EmulatorFunction[]): void;
  /** Runs one CloudEvent through every handler listening on the bus. */
  publish(event: CloudEvent): Promise<TraceRecord[]>;
  /** Invokes one function with a raw Lambda event, as the Lambda Invoke API does. */
  invoke(name: string, raw: unknown): Promise<{ response?: unknown; error?: unknown; traces: TraceRecord[] }>;
  close(): Promise<void>;
  readonly server: Server;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * Creates the emulator over loaded handlers.
 *
 * @example
 * const emulator = createEmulator({ functions: [{ name: 'orders', handler }] });
 * console.log(await emulator.listen(3000)); // http://127.0.0.1:3000
 */
export function createEmulator(options: EmulatorOptions): Emulator {
  let functions = options.functions;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const onTrace = options.onTrace ?? ((trace: TraceRecord) => log(formatTraceLine(trace)));

  async function run(fn: EmulatorFunction, raw: unknown) {
    const traces: TraceRecord[] = [];
    const context = createLocalContext({
      functionName: fn.name,
      requestId: randomUUID(),
      hooks: {
        observe(trace) {
          traces.push(trace);
          onTrace(trace);
        },
      },
    });
    try {
      return { response: await fn.handler(raw, context), traces };
    } catch (error) {
      return { error, traces };
    }
  }

  const listensOnBus = (fn: EmulatorFunction) => {
    const sources = fn.handler.definition.sources ?? [];
    return sources.length === 0 || sources.some((s) => s.type === 'bus');
  };

  async function publish(event: CloudEvent): Promise<TraceRecord[]> {
    const traces: TraceRecord[] = [];
    for (const fn of functions.filter(listensOnBus)) traces.push(...(await run(fn, event)).traces);
    return traces;
  }

  function route(method: string, path: string): EmulatorFunction | undefined {
    return functions.find((fn) =>
      (fn.handler.definition.sources ?? []).some(
        (s) =>
          s.type === 'http' &&
          s.path === path &&
          (s.method === undefined || s.method.toUpperCase() === method),
      ),
    );
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const invokeMatch = INVOKE_PATH.exec(path);
    if (method === 'GET' && path === '/') return send(res, 200, describe());
    const body = await readBody(req);
    if (invokeMatch && method === 'POST')
      return serveInvoke(decodeURIComponent(invokeMatch[1] ?? ''), body, res);
    if (path === '/events') return serveBus(req, body, res);
    const fn = route(method, path);
    if (fn === undefined) {
      return send(res, 404, {
        error: 'E_NOT_FOUND',
        message: `No route for ${method} ${path}. Send CloudEvents to POST /events, or use a path a handler declares.`,
        routes: describe().routes,
      });
    }
    const result = await run(fn, toApiGatewayV2Event(req, body, `${method} ${path}`));
    if (result.error !== undefined)
      return send(res, 502, { error: 'E_HANDLER_CRASHED', message: String(result.error) });
    const response = result.response as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
    };
    res.writeHead(response.statusCode, response.headers ?? {});
    res.end(response.body ?? '');
  }

  async function serveBus(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const v2 = toApiGatewayV2Event(req, body, '$default');
    const request = fromApiGatewayV2(v2);
    if (
      !(request.method === 'OPTIONS' || (request.method === 'POST' && cloudEventsMode(request) !== undefined))
    ) {
      const allowed = request.method === 'POST';
      return send(res, allowed ? 415 : 405, {
        error: allowed ? 'E_SOURCE_INVALID' : 'E_METHOD_NOT_ALLOWED',
        message: allowed
          ? `POST /events takes CloudEvents: binary mode (ce-specversion, ce-id, ce-source, ce-type headers), ` +
            `structured (Content-Type: application/cloudevents+json) or batch (application/cloudevents-batch+json); ` +
            `got Content-Type ${JSON.stringify(request.headers['content-type'] ?? '(none)')} without ce-* headers.`
          : `${request.method} /events is not supported; POST CloudEvents to it.`,
      });
    }
    const batch = toCloudEvents(v2);
    if (batch.control) {
      res.writeHead(batch.control.statusCode, batch.control.headers);
      return void res.end(batch.control.body);
    }
    const traces: TraceRecord[] = [];
    for (const item of batch.items) traces.push(...(await publish(item.event)));
    send(res, 202, {
      accepted: batch.items.map((i) => i.event.id),
      deliveries: traces.map((t) => ({ handler: t.handler, ...summarize(t.outcome) })),
    });
  }

  async function serveInvoke(name: string, body: Buffer, res: ServerResponse): Promise<void> {
    const fn = functions.find((f) => f.name === name);
    if (fn === undefined) {
      return send(res, 404, {
        error: 'E_NOT_FOUND',
        message: `No function ${JSON.stringify(name)}; known: ${functions.map((f) => f.name).join(', ')}.`,
      });
    }
    let raw: unknown;
    try {
      raw = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (error) {
      return send(res, 400, {
        error: 'E_SOURCE_INVALID',
        message: `The invocation payload is not JSON: ${(error as Error).message}.`,
      });
    }
    const result = await run(fn, raw);
    if (result.error === undefined) return send(res, 200, result.response ?? null);
    const error = result.error as Error;
    res.setHeader('x-amz-function-error', 'Unhandled');
    send(res, 200, { errorType: error?.name ?? 'Error', errorMessage: error?.message ?? String(error) });
  }

  function describe() {
    return {
      name: 'triggerkit emulator',
      functions: functions.map((fn) => ({
        name: fn.name,
        handler: fn.handler.definition.name ?? fn.name,
        bus: listensOnBus(fn),
      })),
      routes: [
        'POST /events (CloudEvents bus)',
        'POST /2015-03-31/functions/<name>/invocations (Lambda Invoke API)',
        ...functions.flatMap((fn) =>
          (fn.handler.definition.sources ?? []).flatMap((s) =>
            s.type === 'http' ? [`${s.method ?? 'ANY'} ${s.path} → ${fn.name}`] : [],
          ),
        ),
      ],
    };
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (isTriggerError(error)) {
        const answer = malformedRequest(error);
        res.writeHead(answer.statusCode, answer.headers);
        return void res.end(answer.body);
      }
      send(res, 500, { error: 'E_INTERNAL', message: String(error) });
    });
  });

  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://${host}:${address.port}`);
        });
      });
    },
    setFunctions(next) {
      functions = next;
    },
    publish,
    invoke: (name, raw) => {
      const fn = functions.find((f) => f.name === name);
      if (fn === undefined)
        throw new TriggerError('E_CONFIG', `No function ${JSON.stringify(name)} in the emulator.`);
      return run(fn, raw);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
