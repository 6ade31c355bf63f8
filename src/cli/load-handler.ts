/**
 * A project's handlers loaded in this process as `triggerkit dev` loads them: each source file bundled
 * by esbuild (packages left to node_modules), imported, and its `defineHandler` export picked.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { devBuildContext } from '../build/bundle.js';
import { isTriggerHandler, type TriggerHandler } from '../define-handler.js';
import { TriggerError } from '../errors.js';
import type { FunctionEntry } from './project.js';

/** The module's `defineHandler` export `fn.exportName`; E_CONFIG naming the exports and the fix, else. */
export function pickHandler(module: Record<string, unknown>, fn: FunctionEntry): TriggerHandler {
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

/**
 * Builds and imports each function once, into `outdir` (relative to `root`).
 *
 * @example
 * const [orders] = await loadHandlers(process.cwd(), [{ name: 'orders', entry: 'src/orders.ts', exportName: 'handler' }], '.triggerkit/invoke');
 */
export async function loadHandlers(
  root: string,
  functions: readonly FunctionEntry[],
  outdir: string,
): Promise<{ name: string; handler: TriggerHandler }[]> {
  const dir = resolve(root, outdir);
  mkdirSync(dir, { recursive: true });
  const loaded: { name: string; handler: TriggerHandler }[] = [];
  for (const fn of functions) {
    const build = await devBuildContext(root, fn, dir);
    try {
      await build.rebuild();
    } finally {
      await build.dispose();
    }
    const module = (await import(`${pathToFileURL(build.outfile).href}?at=${Date.now()}`)) as Record<
      string,
      unknown
    >;
    loaded.push({ name: fn.name, handler: pickHandler(module, fn) });
  }
  return loaded;
}
