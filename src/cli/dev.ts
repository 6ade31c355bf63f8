/**
 * `triggerkit dev`: bundle the handlers, serve them in the emulator, rebuild on change. Everything that
 * can refuse to start — the options, the state folder's lock, the port — is settled before the bundles
 * are built and long before the state is opened, so a second `triggerkit dev` that cannot run changes
 * nothing of the first one's state.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { watch } from 'chokidar';
import { devBuildContext } from '../build/bundle.js';
import { scaledClock } from '../dev/clock.js';
import { useColour } from '../dev/colour.js';
import {
  createEmulator,
  type Emulator,
  type EmulatorFunction,
  type EmulatorOptions,
} from '../dev/emulator.js';
import { bothNames } from '../dev/function-names.js';
import { acquireStateLock, type StateLock } from '../dev/store/lock.js';
import { parseRetentionFlags } from '../dev/store/retention.js';
import { TriggerError } from '../errors.js';
import { pickHandler } from './load-handler.js';
import type { FunctionEntry } from './project.js';

export interface DevOptions {
  root: string;
  functions: readonly FunctionEntry[];
  /** 0 to 65535 (0: any free port); a string is read as the `--port` flag. */
  port: number | string;
  host?: string;
  /** Host names to answer besides localhost, IP addresses and `host` (a tunnel's, a LAN name). */
  allowHosts?: readonly string[];
  /** A folder per bucket (`--bucket name=dir`); others live in `<stateDir>/buckets/<name>`. */
  buckets?: Readonly<Record<string, string>>;
  /** Rebuild on file changes (default true). */
  watch?: boolean;
  log?: (line: string) => void;
  /** Receives every attempt's trace instead of the printed lines (`EmulatorOptions.onTrace`). */
  onTrace?: EmulatorOptions['onTrace'];
  /** Colour the lines; default when `log` is the default and stdout is a terminal (`NO_COLOR`, `FORCE_COLOR` respected). */
  colour?: boolean;
  /** Where durable state lives; default `<root>/.triggerkit`. `:memory:` keeps nothing. */
  stateDir?: string;
  /** Emulated time runs this many times faster than real time (retries and backoff included); a string is read as `--time-scale`. */
  timeScale?: number | string;
  /** Finished events older than this are deleted (`--retain-age`: `7d`, `12h`; `0`/`off`: any age is kept). Default 7 days. */
  retainAge?: number | string;
  /** Only the newest this many finished events are kept (`--retain-events`; `0`/`off`: no bound). Default 100,000. */
  retainEvents?: number | string;
  /** The PostgreSQL server (`postgres://user@host:5432/db`) that feeds the `debezium` sources (`--postgres`). */
  postgres?: string;
  /** The DynamoDB-compatible server the DynamoDB API is forwarded to (`--dynamodb http://localhost:8000`). */
  dynamodb?: string;
  /** Local log groups fed by a file or a command (`--logs app=logs/app.log`, `--logs app=cmd:node app.js`). */
  logs?: EmulatorOptions['logs'];
  /** A folder to write every raw event that reaches a handler to, redacted (`--record`, dev/record.ts). */
  record?: string;
}

export interface DevServer {
  readonly url: string;
  readonly emulator: Emulator;
  stop(): Promise<void>;
}

const config = (message: string) => new TriggerError('E_CONFIG', message);

/** The options checked and read, before anything is touched. */
export function checkDevOptions(
  options: Pick<DevOptions, 'port' | 'host' | 'timeScale' | 'retainAge' | 'retainEvents' | 'dynamodb'>,
) {
  const port = Number(options.port);
  if (!/^\d+$/.test(String(options.port).trim()) || port > 65_535)
    throw config(
      `--port must be a whole number from 0 to 65535 (0: any free port), got ${JSON.stringify(String(options.port))}.`,
    );
  const host = options.host ?? '127.0.0.1';
  if (host.trim() === '') throw config('--host must name an address to listen on, such as 127.0.0.1.');
  const timeScale = Number(options.timeScale ?? 1);
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw config(
      `--time-scale must be a positive number such as 60, got ${JSON.stringify(String(options.timeScale))}.`,
    );
  if (options.dynamodb !== undefined && !/^https?:\/\/[^/\s]+/.test(options.dynamodb))
    throw config(
      `--dynamodb (or TRIGGERKIT_DYNAMODB_URL) must be the http:// URL of a DynamoDB-compatible server, such as http://127.0.0.1:8000, got ${JSON.stringify(options.dynamodb)}.`,
    );
  const retention = parseRetentionFlags(options.retainAge, options.retainEvents);
  return { port, host, timeScale, retention };
}

/**
 * The warning `triggerkit dev` prints when `--host` is not a loopback address: the emulator has no
 * authentication, so whoever reaches the address can send events, redrive, replay and rerun.
 */
export function exposedHostWarning(host: string): string | undefined {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name)) return undefined;
  return (
    `warning: --host ${host} is not a loopback address: anyone who can reach it can send events, ` +
    'redrive, replay and run your handlers here (the emulator has no authentication); ' +
    'leave --host out (127.0.0.1) unless you mean to share it.'
  );
}

/** Binds the port (a placeholder answers 503 until the emulator takes the server over). */
function bind(port: number, host: string): Promise<Server> {
  const server = createServer((_req, res) => {
    res
      .writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain' })
      .end('triggerkit dev is starting\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is in use (another triggerkit dev?): pass --port 0 for any free port, or stop what uses it`
          : error.code === 'EACCES'
            ? `this user may not listen on ${where}; pass a --port above 1023`
            : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
              ? `--host ${host} is not an address of this machine; pass 127.0.0.1, 0.0.0.0 or one of its addresses`
              : `cannot listen on ${where} (${error.code ?? error.message})`;
      reject(config(`${reason[0]?.toUpperCase()}${reason.slice(1)}.`));
    });
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * Starts the emulator over the given functions.
 *
 * @example
 * const dev = await startDev({ root: process.cwd(), functions: functionsFromServerless('serverless.yml', process.cwd()), port: 3000 });
 */
export async function startDev(options: DevOptions): Promise<DevServer> {
  const { port, host, timeScale, retention } = checkDevOptions(options);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stateDir = options.stateDir ?? resolve(options.root, '.triggerkit');
  const lock: StateLock | undefined = stateDir === ':memory:' ? undefined : acquireStateLock(stateDir);
  let server: Server | undefined;
  const undo: (() => unknown)[] = [
    () => (server?.listening ? new Promise((done) => server?.close(done)) : undefined),
    () => lock?.release(),
  ];
  try {
    server = await bind(port, host);
    return await serve(options, { log, stateDir, lock, server, host, timeScale, retention, undo });
  } catch (error) {
    for (const step of undo) await step();
    throw error;
  }
}

async function serve(
  options: DevOptions,
  started: {
    log: (line: string) => void;
    stateDir: string;
    lock: StateLock | undefined;
    server: Server;
    host: string;
    timeScale: number;
    retention: EmulatorOptions['retention'];
    undo: (() => unknown)[];
  },
): Promise<DevServer> {
  const { log } = started;
  const outdir = resolve(options.root, '.triggerkit/dev');
  mkdirSync(outdir, { recursive: true });
  const builds = await Promise.all(options.functions.map((fn) => devBuildContext(options.root, fn, outdir)));
  started.undo.unshift(() => Promise.all(builds.map((b) => b.dispose())));
  let generation = 0;

  async function load(): Promise<{ functions: EmulatorFunction[]; inputs: string[] }> {
    generation++;
    const inputs = new Set<string>();
    const functions: EmulatorFunction[] = [];
    for (const [i, fn] of options.functions.entries()) {
      const build = builds[i] as (typeof builds)[number];
      for (const input of await build.rebuild()) inputs.add(input);
      const module = (await import(`${pathToFileURL(build.outfile).href}?v=${generation}`)) as Record<
        string,
        unknown
      >;
      functions.push({
        name: fn.name,
        handler: pickHandler(module, fn),
        ...(fn.timeoutMs !== undefined && { timeoutMs: fn.timeoutMs }),
      });
    }
    return { functions, inputs: [...inputs].filter((f) => !f.includes('/node_modules/')) };
  }

  const first = await load();
  const emulator = createEmulator({
    functions: first.functions,
    log,
    onTrace: options.onTrace,
    colour: options.colour ?? (options.log === undefined && useColour(process.stdout, process.env)),
    stateDir: started.stateDir,
    stateLock: started.lock,
    server: started.server,
    allowHosts: options.allowHosts,
    buckets: options.buckets,
    clock: scaledClock(started.timeScale),
    retention: started.retention,
    ...(options.postgres && { postgres: options.postgres }),
    ...(options.dynamodb && { dynamodb: options.dynamodb }),
    logs: options.logs,
    ...(options.record !== undefined && { record: options.record }),
  });
  started.undo.unshift(() => emulator.close());
  // An editor's save (or `writeFileSync`) truncates, then writes: wait until the file has stopped
  // changing, or the rebuild may read it empty and the change that completes it may be coalesced away.
  const watcher =
    options.watch === false
      ? undefined
      : watch(first.inputs, {
          ignoreInitial: true,
          awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 },
        });
  // Changes made before the watcher is ready would be missed: announce the server only once it is.
  if (watcher) await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  let pending: Promise<void> = Promise.resolve();
  watcher?.on('all', (_event, file) => {
    pending = pending.then(async () => {
      const started = performance.now();
      try {
        const next = await load();
        emulator.setFunctions(next.functions);
        watcher.add(next.inputs);
        log(`rebuilt after a change to ${file} in ${(performance.now() - started).toFixed(0)}ms`);
      } catch (error) {
        log(`rebuild failed, keeping the previous handlers: ${(error as Error).message}`);
      }
    });
  });

  const url = await emulator.listen(0, started.host);
  started.lock?.announce(url);
  log(`triggerkit emulator listening on ${url}`);
  const warning = exposedHostWarning(started.host);
  if (warning !== undefined) log(warning);
  log(`  web UI: ${url}/ui/`);
  for (const fn of first.functions) log(`  ${bothNames(fn)}: ${emulator.listensTo(fn.name)}`);
  if (first.functions.some((fn) => bothNames(fn) !== fn.name))
    log(
      '  key (handler name): traces show the handler name; the Invoke API, ?handler= and --handler take either',
    );
  if (options.record !== undefined)
    log(`  recording every raw event that reaches a handler in ${options.record}`);
  log(`  POST ${url}/events takes CloudEvents; traces follow, one line per event and handler.`);

  return {
    url,
    emulator,
    async stop() {
      await watcher?.close();
      await pending;
      await emulator.close();
      await Promise.all(builds.map((b) => b.dispose()));
    },
  };
}
