/**
 * The local emulator: an HTTP server with a CloudEvents bus (`POST /events`), the webhook paths the
 * handlers declare, and the Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`) for
 * any raw event. Every route runs the handler exactly as Lambda would, through its middy chain.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEvent } from '../cloud-event.js';
import type { TriggerHandler } from '../define-handler.js';
import { isTriggerError, TriggerError } from '../errors.js';
import { createLocalContext } from '../runtime/aws-lambda/context.js';
import { malformedRequest } from '../runtime/aws-lambda/http-response.js';
import type { TraceRecord } from '../runtime/hooks.js';
import { fromApiGatewayV2 } from '../sources/aws/apigateway-v2.js';
import { cloudEventsMode } from '../sources/http/cloudevents-binding.js';
import { methodsOf } from '../sources/http/guards.js';
import { toCloudEvents } from '../sources/index.js';
import { createBus, listensOnBus } from './bus.js';
import { type Clock, scaledClock } from './clock.js';
import { createDeliveryLoop } from './delivery-loop.js';
import { readBody, toApiGatewayV2Event } from './http-ingress.js';
import { createSqsEndpoint } from './sqs/endpoint.js';
import { send, serveStateRoute } from './state-routes.js';
import { createSqliteIdempotency } from './store/idempotency.js';
import { openStore, type Store } from './store/store.js';
import { formatTraceLine } from './trace-line.js';

export interface EmulatorFunction {
  /** The function's name (serverless.yml key). */
  readonly name: string;
  readonly handler: TriggerHandler;
  /** The function's timeout (serverless.yml `timeout`, in ms): a bus delivery still running then fails. Default 30 s. */
  readonly timeoutMs?: number;
}

export interface EmulatorOptions {
  functions: readonly EmulatorFunction[];
  /** Receives every trace; default prints one line per trace to stdout. */
  onTrace?: (trace: TraceRecord) => void;
  log?: (line: string) => void;
  /** Where the SQLite state lives (`.triggerkit` in a project); default in memory. */
  stateDir?: string;
  /** Emulated time; default real time. */
  clock?: Clock;
  /** Randomness for backoff jitter. */
  random?: () => number;
}

export interface Emulator {
  /** Starts listening; resolves to the base URL. Port 0 picks a free port. */
  listen(port?: number, host?: string): Promise<string>;
  /** Swaps in rebuilt handlers without dropping the server. */
  setFunctions(functions: readonly EmulatorFunction[]): void;
  /** Accepts a CloudEvent on the bus: stored durably, then delivered to every matching bus handler. */
  publish(event: CloudEvent): void;
  /** Runs every delivery due now, and resolves when they are done. */
  settle(): Promise<void>;
  /** With a manual clock: moves it to each next due time (through `advanceTo`) until nothing is pending. */
  runUntilIdle(advanceTo: (at: number) => void): Promise<void>;
  readonly store: Store;
  readonly clock: Clock;
  /** Invokes one function with a raw Lambda event, as the Lambda Invoke API does. */
  invoke(name: string, raw: unknown): Promise<{ response?: unknown; error?: unknown; traces: TraceRecord[] }>;
  close(): Promise<void>;
  readonly server: Server;
}

/** Events committed per transaction when a batch is accepted: about a millisecond of work each. */
const ACCEPT_SLICE = 128;

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
  const store = openStore(options.stateDir ?? ':memory:');
  const clock = options.clock ?? scaledClock(1);
  // The emulator is also an SQS endpoint (the JSON protocol of AWS SDK v3): retry queues and dead-letter
  // queues written by handlers land in the same store.
  const sqs = createSqsEndpoint({ db: store.db, clock });
  const idempotency = createSqliteIdempotency(store.db);
  const loop = createDeliveryLoop({
    store,
    clock,
    idempotency,
    functions: () => functions,
    onTrace,
    random: options.random,
  });
  const bus = createBus(store, onTrace);
  bus.setFunctions(functions);
  // Deliveries left pending (or running) by a previous run pick up where they stopped; a pass every
  // second also picks up what another process (`triggerkit dlq redrive`) put in the store.
  loop.wake();
  const poll = Number.isFinite(clock.toRealDelay(1000)) ? setInterval(() => loop.wake(), 1000) : undefined;
  poll?.unref();
  const stateContext = {
    store,
    clock,
    bus,
    functionNames: () => functions.map((f) => f.name),
    kick: () => loop.wake(),
  };

  async function run(fn: EmulatorFunction, raw: unknown) {
    const traces: TraceRecord[] = [];
    const context = createLocalContext({
      functionName: fn.name,
      requestId: randomUUID(),
      now: () => clock.now(),
      hooks: {
        now: () => clock.now(),
        idempotency: idempotency.store,
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

  function publish(event: CloudEvent): void {
    bus.accept(event, clock.now());
    loop.wake();
  }

  function route(method: string, path: string): EmulatorFunction | undefined {
    return functions.find((fn) =>
      (fn.handler.definition.sources ?? []).some(
        (s) => s.type === 'http' && s.path === path && (methodsOf(s)?.includes(method) ?? true),
      ),
    );
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const invokeMatch = INVOKE_PATH.exec(path);
    if (method === 'GET' && path === '/') return send(res, 200, describe());
    if (serveStateRoute(stateContext, method, new URL(req.url ?? '/', 'http://localhost'), res)) return;
    const body = await readBody(req);
    if (await sqs.handle(req, res, body)) return;
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
    // Committed to the store before the 202: an acknowledged event survives a crash of the emulator.
    // A large batch commits in slices, the event loop free between them, so other requests (and the
    // deliveries already running) are answered while it is stored; it is acknowledged once all are in.
    for (let at = 0; at < batch.items.length; at += ACCEPT_SLICE) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve));
      const slice = batch.items.slice(at, at + ACCEPT_SLICE);
      store.db.transaction(() => {
        for (const item of slice) bus.accept(item.event, clock.now());
      })();
    }
    loop.wake();
    send(res, 202, { accepted: batch.items.map((i) => i.event.id) });
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
        'POST / (SQS JSON protocol, X-Amz-Target: AmazonSQS.*)',
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
      bus.setFunctions(next);
    },
    publish,
    settle: () => loop.kick(),
    runUntilIdle: (advanceTo) => loop.runUntilIdle(advanceTo),
    store,
    clock,
    invoke: (name, raw) => {
      const fn = functions.find((f) => f.name === name);
      if (fn === undefined)
        throw new TriggerError('E_CONFIG', `No function ${JSON.stringify(name)} in the emulator.`);
      return run(fn, raw);
    },
    async close() {
      clearInterval(poll);
      sqs.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await loop.stop();
      store.close();
    },
  };
}
