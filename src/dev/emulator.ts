/**
 * The local emulator: an HTTP server with a CloudEvents bus (`POST /events`), the webhook paths the
 * handlers declare, the Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`) for any raw
 * event, and SQS, SNS, Kinesis and EventBridge endpoints (PutEvents lands on the bus). Every route runs
 * the handler exactly as Lambda would, through its middy chain. The emulator's own routes are one table
 * (`routes`); `GET /` lists it.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEvent } from '../cloud-event.js';
import { TriggerError } from '../errors.js';
import type { TraceRecord } from '../runtime/hooks.js';
import { methodsOf } from '../sources/http/guards.js';
import { s3Routes } from './buckets/s3-api.js';
import { createBuckets } from './buckets/service.js';
import { createBus, listensOnBus } from './bus.js';
import { busRoutes } from './bus-routes.js';
import { type Clock, scaledClock } from './clock.js';
import { COLOURED, PLAIN, useColour } from './colour.js';
import { createDeliveryLoop } from './delivery-loop.js';
import { describeRoute, describeSources } from './describe.js';
import { createDynamoDbEndpoint } from './dynamodb/endpoint.js';
import { createUpstream, DYNAMODB_TARGET_PREFIX } from './dynamodb/upstream.js';
import { createEventBridgeEndpoint } from './eventbridge/endpoint.js';
import { bothNames, functionsNamed, handlerNameOf, knownFunctions } from './function-names.js';
import type { HostPolicy } from './guard.js';
import { acceptH2c } from './h2c.js';
import { createDispatcher } from './http-server.js';
import { INVOKE_PATH, serveInvoke } from './invoke-api.js';
import { createKinesisEndpoint, KINESIS_TARGET_PREFIX } from './kinesis/endpoint.js';
import { createLogsApi, LOGS_TARGET } from './logs/api.js';
import { type LogFeed, startLogFeeds } from './logs/feeds.js';
import { compileRoute, HttpProblem, type Route, send } from './router.js';
import type { EmulatorFunction } from './run-delivery.js';
import { createSnsEndpoint, SNS_VERSION } from './sns/endpoint.js';
import { sourceRoutes } from './source-routes.js';
import { createSqsEndpoint } from './sqs/endpoint.js';
import { stateRoutes } from './state-routes.js';
import type { StateLock } from './store/lock.js';
import { openLogStore } from './store/logs.js';
import { resolveRetention } from './store/retention.js';
import { openStore, type Store } from './store/store.js';
import { createTraceLines } from './trace-lines.js';
import { createTriggerHost } from './triggers/host.js';
import { startTriggers } from './triggers/index.js';
import { EXPLAINED, explainUnreceived, type Unreceived } from './unreceived.js';

export type { EmulatorFunction } from './run-delivery.js';

export interface EmulatorOptions {
  functions: readonly EmulatorFunction[];
  /**
   * Receives every attempt's trace, instead of the printed lines. Default: `log` prints one line per
   * attempt of an event through a handler (a failed one with its retry or dead letter), per dead letter
   * and per refused request (`trace-line.ts`).
   */
  onTrace?: (trace: TraceRecord) => void;
  log?: (line: string) => void;
  /** Colour the printed lines. Default: when `log` is the default and stdout is a terminal (`colour.ts`). */
  colour?: boolean;
  /** Where the SQLite state lives (`.triggerkit` in a project); default in memory. */
  stateDir?: string;
  /** The state folder's lock, when the caller took it already (`triggerkit dev` takes it first). */
  stateLock?: StateLock;
  /** A server already listening (`triggerkit dev` binds the port before it touches the state). */
  server?: Server;
  /** Host names to answer besides localhost, IP addresses and the bound host (a tunnel's, say). */
  allowHosts?: readonly string[];
  /** Emulated time; default real time. */
  clock?: Clock;
  /** Randomness for backoff jitter. */
  random?: () => number;
  /**
   * How long finished events (with their deliveries and traces) are kept: deleted once older than
   * `maxAgeMs` or beyond the newest `maxEvents`, at start and every minute. Default 7 days and
   * 100,000 events; 0 turns a bound off. Pending work and dead letters are always kept.
   */
  retention?: { maxAgeMs?: number; maxEvents?: number };
  /** The PostgreSQL server (`postgres://…`) whose changes feed the `debezium` sources. */
  postgres?: string;
  /**
   * The DynamoDB-compatible server (dynalite, DynamoDB Local: `http://localhost:8000`) the DynamoDB API is
   * forwarded to; writes through the emulator feed the `aws:dynamodb` sources.
   */
  dynamodb?: string;
  /** A folder per bucket (`--bucket name=dir`); other buckets: `<stateDir>/buckets/<name>` (in memory: a temporary folder). */
  buckets?: Readonly<Record<string, string>>;
  /** Local log groups fed by a tailed file or a command's output (`--logs app=logs/app.log`). */
  logs?: readonly LogFeed[];
}

export interface Emulator {
  /**
   * Starts listening (or, given a listening server, reports it); resolves to the base URL once the live
   * triggers are ready to notice (every bucket folder scanned). Port 0 picks a free port.
   */
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
  /** What feeds a function here, in one line: `aws:sqs shop-orders, POST /hooks/orders`. */
  listensTo(name: string): string;
  /** Invokes one function with a raw Lambda event, as the Lambda Invoke API does. */
  invoke(name: string, raw: unknown): Promise<{ response?: unknown; error?: unknown; traces: TraceRecord[] }>;
  close(): Promise<void>;
  readonly server: Server;
}

/** An API of the emulator in AWS's JSON protocol: answers and resolves true, or resolves false (not its call). */
interface AwsJsonService {
  readonly prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
}
const AWS_JSON_SERVICES =
  'AmazonSQS.*, Kinesis_20131202.*, AWSEvents.*, Logs_20140328.*, DynamoDB_20120810.* (forwarded to --dynamodb)';

/** Events committed per transaction when a batch is accepted. */
const ACCEPT_SLICE = 128;
/** Real time between two passes of retention. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Creates the emulator over loaded handlers. It owns its state folder while it runs (store/lock.ts).
 *
 * @example
 * const emulator = createEmulator({ functions: [{ name: 'orders', handler }] });
 * console.log(await emulator.listen(3000)); // http://127.0.0.1:3000
 */
export function createEmulator(options: EmulatorOptions): Emulator {
  let functions = options.functions;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const colour = options.colour ?? (options.log === undefined && useColour(process.stdout, process.env));
  const lines =
    options.onTrace === undefined ? createTraceLines({ log, style: colour ? COLOURED : PLAIN }) : undefined;
  const onTrace = options.onTrace ?? (() => {});
  const retention = resolveRetention(options.retention);
  const store = openStore(options.stateDir ?? ':memory:', { lock: options.stateLock });
  store.recover();
  const clock = options.clock ?? scaledClock(1);
  // The emulator is also an SQS endpoint (the JSON protocol of AWS SDK v3): retry queues and dead-letter
  // queues written by handlers land in the same store.
  const sqs = createSqsEndpoint({
    queues: store.queues,
    clock,
    onChange: (queue) => host.queueChanged(queue),
  });
  // And an SNS endpoint (the query protocol of AWS SDK v3): topics fan out to those queues and to functions.
  const sns = createSnsEndpoint({ store, clock, log, onQueueChange: (queue) => host.queueChanged(queue) });
  const idempotency = store.idempotency;
  const loop = createDeliveryLoop({
    store,
    clock,
    idempotency,
    functions: () => functions,
    onTrace,
    lines,
    log,
    random: options.random,
    onQueueMessage: (queue) => host.queueChanged(queue),
  });
  const bus = createBus(store, (trace) => {
    onTrace(trace);
    lines?.attempt(trace);
  });
  bus.setFunctions(functions);
  // Every declared source with a local platform is live: queues, topics, streams, schedules…
  const host = createTriggerHost({
    store,
    clock,
    functions: () => functions,
    onTrace,
    lines,
    idempotency,
    wake: () => loop.wake(),
    log,
    postgres: options.postgres,
    dynamodb: options.dynamodb,
  });
  const buckets = createBuckets(host, {
    folders: options.buckets,
    stateDir: options.stateDir,
    ownRoutes: () => routes,
  });
  const logs = openLogStore(store.db);
  const logFeeds = startLogFeeds(logs, clock, options.logs ?? [], log);
  // Deliveries left pending (or running) by a previous run pick up where they stopped; a pass every
  // second also picks up what another process put in the store.
  loop.wake();
  const poll = Number.isFinite(clock.toRealDelay(1000)) ? setInterval(() => loop.wake(), 1000) : undefined;
  poll?.unref();
  // At most one pass at a time; a pass that fails (the store busy, the disk full) is tried next minute.
  let pruning: Promise<unknown> | undefined;
  const prune = () => {
    pruning ??= store
      .prune(clock.now(), retention)
      .catch((error: unknown) =>
        log(`retention: could not delete old events (${String(error)}); trying again in a minute.`),
      )
      .finally(() => {
        pruning = undefined;
      });
  };
  prune();
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
  pruneTimer.unref();
  /** Background work (`Event` invocations) that `close` waits for before it closes the store. */
  const background = new Set<Promise<unknown>>();
  let boundHost = '127.0.0.1';
  const hosts: HostPolicy = {
    get bound() {
      return boundHost;
    },
    extra: options.allowHosts ?? [],
  };

  function publish(event: CloudEvent): void {
    bus.accept(event, clock.now());
    loop.wake();
  }

  /** Accepts events on the bus in one transaction (committed when it returns), then wakes the deliveries. */
  function publishNow(events: readonly CloudEvent[]): void {
    store.transaction(() => {
      for (const event of events) bus.accept(event, clock.now());
    });
    loop.wake();
  }

  // EventBridge's PutEvents lands on the bus: the handlers' filters are its rules.
  const eventBridge = createEventBridgeEndpoint({ clock, publish: publishNow });

  /** The APIs that speak AWS's JSON protocol, by `X-Amz-Target` prefix. */
  const awsJson: readonly AwsJsonService[] = [
    { prefix: 'AmazonSQS.', handle: sqs.handle },
    {
      prefix: KINESIS_TARGET_PREFIX,
      handle: createKinesisEndpoint({ streams: store.streams, clock }).handle,
    },
    { prefix: 'AWSEvents.', handle: eventBridge.handle },
    { prefix: LOGS_TARGET, handle: createLogsApi(logs, clock) },
    {
      prefix: DYNAMODB_TARGET_PREFIX,
      handle: createDynamoDbEndpoint({
        upstream: options.dynamodb === undefined ? undefined : createUpstream(options.dynamodb),
        streams: store.streams,
        clock,
      }).handle,
    },
  ];

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/',
      summary: 'this list: the functions and every route',
      handle: ({ res }) => send(res, 200, describe()),
    },
    ...busRoutes({
      // Committed before the 202. A large batch commits in slices with the event loop free between them,
      // so other requests (and the deliveries already running) are answered while it is stored.
      async publishAll(events) {
        const unreceived: Unreceived[] = [];
        for (let at = 0; at < events.length; at += ACCEPT_SLICE) {
          if (at > 0) await new Promise((resolve) => setImmediate(resolve));
          store.transaction(() => {
            for (const event of events.slice(at, at + ACCEPT_SLICE))
              if (bus.accept(event, clock.now()) === 0 && unreceived.length < EXPLAINED)
                unreceived.push(explainUnreceived(event, functions, triggers.feeds));
          });
        }
        loop.wake();
        return unreceived;
      },
    }),
    ...stateRoutes({ store, clock, bus, functions: () => functions, kick: () => loop.wake() }),
    ...sourceRoutes({ host }),
    {
      method: 'POST',
      path: INVOKE_PATH,
      summary: 'the Lambda Invoke API (names, ARNs; RequestResponse, Event, DryRun; --log-type Tail)',
      changesState: true,
      handle: (request) =>
        serveInvoke(
          {
            functions: () => functions,
            run: (name, raw) => invoke(name, raw),
            refused: (status, reason) => lines?.refused(request, status, reason),
            background(work) {
              background.add(work);
              void work.finally(() => background.delete(work));
            },
          },
          request,
        ),
    },
    {
      method: 'POST',
      path: '/',
      header: 'x-amz-target',
      summary: `the AWS JSON-protocol APIs (X-Amz-Target: ${AWS_JSON_SERVICES}) over the same store`,
      changesState: true,
      async handle({ req, res, body }) {
        const target = String(req.headers['x-amz-target']);
        for (const service of awsJson)
          if (target.startsWith(service.prefix)) {
            if (await service.handle(req, res, body)) return;
          }
        throw new HttpProblem(
          400,
          'E_BAD_REQUEST',
          `X-Amz-Target ${JSON.stringify(target)} names no API of the emulator; it serves ${AWS_JSON_SERVICES}.`,
        );
      },
    },
    {
      method: 'POST',
      path: '/',
      summary:
        'the SNS API (AWS query protocol: form-encoded Action=Publish&Version=2010-03-31…, XML answers)',
      changesState: true,
      accepts: 'POST / takes AWS API calls as the AWS SDK signs them (an Authorization or X-Amz-* header)',
      async handle({ req, res, body }) {
        if (await sns.handle(req, res, body)) return;
        throw new HttpProblem(
          400,
          'E_BAD_REQUEST',
          `POST / serves AWS APIs: SNS as a form-encoded query (Content-Type application/x-www-form-urlencoded, Action=…&Version=${SNS_VERSION}) or ${AWS_JSON_SERVICES} with an X-Amz-Target header; this request is neither. Bus events go to POST /events.`,
        );
      },
    },
    ...s3Routes(host, buckets, false),
  ];
  // Started once the route table exists: a declared bucket may not be named like one of its routes.
  let triggers = startTriggers(host, functions);

  /** The Invoke API's run: the caller gets the function's answer, nothing is retried here. */
  async function invoke(name: string, raw: unknown) {
    const fn = functionsNamed(functions, name)[0];
    if (fn === undefined)
      throw new TriggerError(
        'E_CONFIG',
        `No function ${JSON.stringify(name)} in the emulator; it runs ${knownFunctions(functions)}.`,
      );
    const { traces = [], ...result } = await host.call(fn, raw, () => 'not retried (Invoke API)');
    return { ...result, traces: [...traces] };
  }

  function describe() {
    return {
      name: 'triggerkit emulator',
      functions: functions.map((fn) => ({
        name: fn.name,
        handler: handlerNameOf(fn),
        bus: listensOnBus(fn),
        listensTo: describeSources(fn, triggers.feeds),
      })),
      routes: [
        ...routes.map(describeRoute),
        ...functions.flatMap((fn) =>
          (fn.handler.definition.sources ?? []).flatMap((s) =>
            s.type === 'http' ? [`${methodsOf(s)?.join(',') ?? 'ANY'} ${s.path}: → ${bothNames(fn)}`] : [],
          ),
        ),
      ],
    };
  }

  const answer = createDispatcher({
    table: routes.map(compileRoute),
    hosts,
    functions: () => functions,
    // A request on a handler's path: its caller hears of a failure in the answer, and retries itself.
    run: (fn, raw) =>
      host.call(fn, raw, (result) =>
        result.error === undefined
          ? `answered ${(result.response as { statusCode?: number } | undefined)?.statusCode ?? 200}`
          : 'answered 502',
      ),
    refused: (request, status, reason, code) => lines?.refused(request, status, reason, code),
    routeList: () => describe().routes,
  });

  const server = options.server ?? createServer();
  // A server bound ahead of time may hold a placeholder that answered while the handlers were built.
  server.removeAllListeners('request');
  server.on('request', answer);
  // The Kinesis SDK speaks HTTP/2 only.
  const h2c = acceptH2c(server, answer);

  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
      boundHost = host;
      const url = () =>
        `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
      // Resolved once every bucket folder has had its first (silent) look: a file dropped after the
      // emulator says it listens is announced, never taken for one that was already there.
      if (server.listening) return buckets.ready().then(url);
      return new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      })
        .then(() => buckets.ready())
        .then(url);
    },
    setFunctions(next) {
      functions = next;
      bus.setFunctions(next);
      const previous = triggers;
      triggers = startTriggers(host, next);
      void previous.stop();
    },
    publish,
    listensTo(name) {
      const fn = functionsNamed(functions, name)[0];
      return fn === undefined ? '' : describeSources(fn, triggers.feeds);
    },
    settle: () => loop.kick(),
    runUntilIdle: (advanceTo) => loop.runUntilIdle(advanceTo),
    store,
    clock,
    invoke,
    async close() {
      clearInterval(poll);
      clearInterval(pruneTimer);
      sqs.close();
      h2c.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...background]);
      logFeeds.close();
      await triggers.stop();
      await buckets.close();
      await loop.stop();
      await pruning;
      store.close();
    },
  };
}
