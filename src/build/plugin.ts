/**
 * `triggerkit/esbuild`: what `triggerkit build` does to a Lambda bundle, as a plugin for your own esbuild
 * call (serverless-esbuild, a build script, a SAM makefile). As each build starts it loads every entry
 * point once, in a child process (`standalone.ts`'s probe), to hear the schemas it compiles and the
 * handlers it defines; then the bundle gets precompiled validators instead of ajv's compiler
 * (`standalone.ts`) and only the sources and stages those handlers use (`prune.ts`).
 *
 * esbuild is the caller's: the plugin uses `build.esbuild` and imports only esbuild's types, so it needs
 * no other development tool.
 */
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type * as esbuild from 'esbuild';
import { isTriggerError } from '../errors.js';
import { type BundlePlan, planBundle, prunePlugin } from './prune.js';
import { type ProbeResult, probeHandler, REQUIRE_SHIM, standalonePlugin } from './standalone.js';
import { generateValidatorModules } from './standalone-code.js';

export interface TriggerkitPluginOptions {
  /**
   * The directory each handler module is loaded in while it is probed (its working directory, where
   * `schema: './contracts/order.json'` resolves). Default: esbuild's `absWorkingDir`, else the current
   * directory.
   */
  readonly root?: string;
  /** Hears what the probes learned as each build starts (`triggerkit build` reads the definitions there). */
  readonly onProbe?: (probes: readonly ProbeResult[]) => void;
}

/** What the probes of one build learned. */
interface Learned {
  plan: BundlePlan;
  modules: ReadonlyMap<string, string>;
}

const EXTENSIONS = ['', '.ts', '.mts', '.tsx', '.js', '.mjs', '.jsx'];

/**
 * An esbuild plugin that prunes a handler bundle and precompiles its schemas, as `triggerkit build` does.
 * It reads the entry points from the build's options; with several in one build, each bundle keeps what
 * any of them uses (build one function per esbuild call, as serverless-esbuild does, for the leanest).
 * An ESM build gets a `require` for bundled CommonJS code (unless its `banner.js` already defines one).
 *
 * @example
 * import * as esbuild from 'esbuild';
 * import { triggerkitPlugin } from 'triggerkit/esbuild';
 *
 * await esbuild.build({
 *   entryPoints: ['src/orders.ts'], outfile: 'dist/orders.mjs',
 *   bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true, sourcemap: true,
 *   plugins: [triggerkitPlugin()],
 * });
 */
export function triggerkitPlugin(options: TriggerkitPluginOptions = {}): esbuild.Plugin {
  return {
    name: 'triggerkit',
    setup(build) {
      const initial = build.initialOptions;
      const workingDir = initial.absWorkingDir ?? process.cwd();
      const root = options.root ?? workingDir;
      const entries = entryFiles(initial.entryPoints, workingDir);
      // Nothing to probe (stdin): the bundle stays whole, and keeps ajv's compiler for its schemas.
      if (entries.length === 0) return;
      if (initial.format === 'esm') addRequireShim(initial);
      const learned: Learned = { plan: planBundle([]), modules: new Map() };
      build.onStart(async () => {
        try {
          const probes = await Promise.all(
            entries.map((entry) =>
              probeHandler({ esbuild: build.esbuild, options: initial }, root, entry, relative(root, entry)),
            ),
          );
          options.onProbe?.(probes);
          learned.plan = planBundle(probes.flatMap((probe) => probe.handlers));
          learned.modules = generateValidatorModules(probes.flatMap((probe) => probe.schemas));
          return undefined;
        } catch (error) {
          return { errors: [{ text: isTriggerError(error) ? error.message : String(error), detail: error }] };
        }
      });
      // Precompiled ajv validators, no ajv compiler in the bundle (standalone.ts).
      standalonePlugin(entries, () => learned.modules).setup(build);
      // Only the sources and stages its handlers use (prune.ts).
      prunePlugin(() => learned.plan).setup(build);
    },
  };
}

/** The entry files of a build, absolute; an extensionless entry is found as esbuild would find it. */
function entryFiles(entryPoints: esbuild.BuildOptions['entryPoints'], workingDir: string): string[] {
  const list = Array.isArray(entryPoints)
    ? entryPoints.map((entry) => (typeof entry === 'string' ? entry : entry.in))
    : Object.values(entryPoints ?? {});
  return list.map((entry) => {
    const path = resolve(workingDir, entry);
    return (
      EXTENSIONS.map((extension) => path + extension).find((file) =>
        statSync(file, { throwIfNoEntry: false })?.isFile(),
      ) ?? path
    );
  });
}

/** Puts `require` in an ESM bundle, unless the build's own banner already declares it. */
function addRequireShim(initial: esbuild.BuildOptions): void {
  const banner = initial.banner?.js ?? '';
  if (/\b(?:const|let|var)\s+require\s*=/.test(banner)) return;
  initial.banner = { ...initial.banner, js: banner === '' ? REQUIRE_SHIM : `${REQUIRE_SHIM}\n${banner}` };
}
