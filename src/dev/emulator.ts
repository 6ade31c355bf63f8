/**
 * The local emulator: an HTTP server with a CloudEvents bus (`POST /events`), the webhook paths the
 * handlers declare, the Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`) for any raw
 * event, and SQS, SNS, Kinesis and EventBridge endpoints (PutEvents lands on the bus). Every route runs
 * the handler exactly as Lambda would, through its middy chain. The emulator's own routes are one table
 * (`routes`); `GET /` lists it.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CloudEvent, toStructuredJson } from '../cloud-event.js';
import { methodsOf } from '../sources/http/guards.js';
import { createAwsApis } from './aws-apis.js';
import { s3Routes } from './buckets/s3-api.js';
import { createBuckets } from './buckets/service.js';
import { createBus, listensOnBus } from './bus.js';
import { busRoutes } from './bus-routes.js';
import { scaledClock } from './clock.js';
import { COLOURED, PLAIN, useColour } from './colour.js';
import { createDeliveryLoop } from './delivery-loop.js';
import { describeRoute, describeSources } from './describe.js';
import type { Emulator, EmulatorOptions } from './emulator-types.js';
import { bothNames, functionsNamed, handlerNameOf } from './function-names.js';
import type { HostPolicy } from './guard.js';
import { acceptH2c } from './h2c.js';
import { createDispatcher } from './http-server.js';
import { invokeRoutes } from './invoke-routes.js';
import { startLogFeeds } from './logs/feeds.js';
import { createRecorder } from './record.js';
import { compileRoute, type Route, send } from './router.js';
import { sourceRoutes } from './source-routes.js';
import { stateRoutes } from './state-routes.js';
import { openLogStore } from './store/logs.js';
import { resolveRetention } from './store/retention.js';
import { openStore } from './store/store.js';
import { createTraceLines } from './trace-lines.js';
import { createTriggerHost } from './triggers/host.js';
import { startTriggers } from './triggers/index.js';
import { EXPLAINED, explainUnreceived, type Unreceived } from './unreceived.js';
import { webRoutes } from './web/routes.js';

export type { Emulator, EmulatorFunction, EmulatorOptions } from './emulator-types.js';

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
  const recorder = options.record === undefined ? undefined : createRecorder(options.record, log);
  const bus = createBus(
    store,
    (trace) => {
      onTrace(trace);
      lines?.attempt(trace);
    },
    recorder && ((event, name) => recorder.record(name, JSON.parse(toStructuredJson(event)), 'bus')),
  );
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
    onRaw: recorder && ((fn, raw) => void recorder.record(fn.name, raw)),
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

  // The emulator is also SQS, SNS, Kinesis, EventBridge, CloudWatch Logs and DynamoDB over its store.
  const aws = createAwsApis({
    store,
    clock,
    logs,
    log,
    ...(options.dynamodb !== undefined && { dynamodb: options.dynamodb }),
    onQueueChange: (queue) => host.queueChanged(queue),
    publish: publishNow,
  });

  const invocation = invokeRoutes({
    functions: () => functions,
    host,
    refused: (request, status, reason) => lines?.refused(request, status, reason),
    background(work) {
      background.add(work);
      void work.finally(() => background.delete(work));
    },
  });
  const web = webRoutes({
    store,
    now: () => clock.now(),
    functions: () => functions,
    listensTo: (fn) => describeSources(fn, triggers.feeds),
    kick: () => loop.wake(),
    dir: options.uiDir,
  });
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
          // Group commit: the requests of one turn of the event loop share a transaction.
          await store.write(() => {
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
    ...web.routes,
    ...invocation.routes,
    ...aws.routes,
    ...s3Routes(host, buckets, false),
  ];
  // Started once the route table exists: a declared bucket may not be named like one of its routes.
  let triggers = startTriggers(host, functions);

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
    invoke: (name, raw, platform) => invocation.invoke(name, raw, platform),
    async close() {
      clearInterval(poll);
      clearInterval(pruneTimer);
      web.close();
      aws.close();
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
