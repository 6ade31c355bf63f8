/** `triggerkit dev`: bundle the handlers, serve them in the emulator, rebuild on change. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { watch } from 'chokidar';
import { devBuildContext } from '../build/bundle.js';
import { isTriggerHandler, type TriggerHandler } from '../define-handler.js';
import { scaledClock } from '../dev/clock.js';
import {
  createEmulator,
  type Emulator,
  type EmulatorFunction,
  type EmulatorOptions,
} from '../dev/emulator.js';
import { TriggerError } from '../errors.js';
import type { FunctionEntry } from './project.js';

export interface DevOptions {
  root: string;
  functions: readonly FunctionEntry[];
  port: number;
  host?: string;
  /** Rebuild on file changes (default true). */
  watch?: boolean;
  log?: (line: string) => void;
  /** Receives every trace; default prints one line per trace. */
  onTrace?: EmulatorOptions['onTrace'];
  /** Where durable state lives; default `<root>/.triggerkit`. `:memory:` keeps nothing. */
  stateDir?: string;
  /** Emulated time runs this many times faster than real time (retries and backoff included). */
  timeScale?: number;
}

export interface DevServer {
  readonly url: string;
  readonly emulator: Emulator;
  stop(): Promise<void>;
}

/**
 * Starts the emulator over the given functions.
 *
 * @example
 * const dev = await startDev({ root: process.cwd(), functions: functionsFromServerless('serverless.yml', process.cwd()), port: 3000 });
 */
export async function startDev(options: DevOptions): Promise<DevServer> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const outdir = resolve(options.root, '.triggerkit/dev');
  mkdirSync(outdir, { recursive: true });
  const builds = await Promise.all(options.functions.map((fn) => devBuildContext(options.root, fn, outdir)));
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
      functions.push({ name: fn.name, handler: pickHandler(module, fn) });
    }
    return { functions, inputs: [...inputs].filter((f) => !f.includes('/node_modules/')) };
  }

  const first = await load();
  const emulator = createEmulator({
    functions: first.functions,
    log,
    onTrace: options.onTrace,
    stateDir: options.stateDir ?? resolve(options.root, '.triggerkit'),
    clock: scaledClock(options.timeScale ?? 1),
  });
  const watcher = options.watch === false ? undefined : watch(first.inputs, { ignoreInitial: true });
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

  const url = await emulator.listen(options.port, options.host);
  log(`triggerkit emulator listening on ${url}`);
  for (const fn of first.functions) log(`  ${fn.name}: ${describeSources(fn.handler)}`);
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

function pickHandler(module: Record<string, unknown>, fn: FunctionEntry): TriggerHandler {
  const handler = module[fn.exportName];
  if (!isTriggerHandler(handler)) {
    throw new TriggerError(
      'E_CONFIG',
      `${fn.entry} has no defineHandler export named \`${fn.exportName}\` (exports: ${Object.keys(module).join(', ') || 'none'}); ` +
        `write \`export const ${fn.exportName} = defineHandler({ … })\`.`,
      { path: fn.entry },
    );
  }
  return handler;
}

function describeSources(handler: TriggerHandler): string {
  const sources = handler.definition.sources ?? [];
  if (sources.length === 0) return 'bus';
  return sources
    .map((s) =>
      s.type === 'http' ? `${s.method ?? 'ANY'} ${s.path}` : s.type === 'aws:sqs' ? `sqs:${s.queue}` : 'bus',
    )
    .join(', ');
}
