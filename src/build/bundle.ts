/** esbuild bundles: minified ESM for Lambda, fast unminified ones for the emulator. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { BUILD_DIR, type FunctionEntry } from '../cli/project.js';
import { isTriggerError, TriggerError } from '../errors.js';
import { triggerkitPlugin } from './plugin.js';
import type { DefinitionFacts, ProbeResult } from './standalone.js';

export interface BuiltFunction {
  readonly name: string;
  readonly outfile: string;
  readonly bytes: number;
  /** The definition the function's handler export carries (undefined: the export is no `defineHandler`). */
  readonly definition: DefinitionFacts | undefined;
}

/**
 * The Lambda bundle path of a function: BUILD_DIR mirrors the source tree, so serverless.yml stays readable.
 * A handler outside the project root (`../shared/orders.ts`) has no place in that mirror — its bundle would
 * land outside the output directory, over whatever is there — so it is refused: `E_CONFIG`.
 */
export function lambdaOutfile(root: string, fn: FunctionEntry, outdir = BUILD_DIR): string {
  const base = resolve(root, outdir);
  const outfile = resolve(base, fn.entry.replace(/\.[cm]?[jt]s$/, '.mjs'));
  const inside = relative(base, outfile);
  if (inside === '' || inside.split(sep)[0] === '..' || isAbsolute(inside)) {
    throw new TriggerError(
      'E_CONFIG',
      `Function "${fn.name}": its handler ${fn.entry} is outside the project root, and \`triggerkit build\` mirrors source paths under --outdir; move the file into the project, or run triggerkit from a directory that contains it.`,
      { path: fn.entry },
    );
  }
  return outfile;
}

/** What `triggerkit build` leaves out of the bundles. */
export interface LambdaBuildOptions {
  /** Packages left external (`--external`, repeatable; `pkg` or `@scope/*`). */
  readonly external?: readonly string[];
  /** Bundle the AWS SDK v3 too (`--bundle-aws-sdk`); by default `@aws-sdk/*` is external, as the nodejs22.x runtime provides it. */
  readonly bundleAwsSdk?: boolean;
}

/** The platforms `triggerkit build --target` bundles for. */
export type BuildTarget = 'aws-lambda' | 'alibaba-fc';

/**
 * Per target: esbuild's `target` (the runtime's Node.js), the runtime name for deployment files, and
 * the default output folder. FC's newest built-in Node.js runtime is `nodejs20`, which loads ES
 * modules (`.mjs` handlers) since Node.js 18.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc/request-handlers
 */
export const BUILD_TARGETS = {
  'aws-lambda': { node: 'node22', runtime: 'nodejs22.x', outdir: BUILD_DIR },
  'alibaba-fc': { node: 'node20', runtime: 'nodejs20', outdir: '.triggerkit/build-fc' },
} as const satisfies Record<BuildTarget, { node: string; runtime: string; outdir: string }>;

/**
 * Bundles every function for AWS Lambda: ESM, node22, minified, with source maps, every dependency
 * included but the AWS SDK v3 (`@aws-sdk/*`, which the runtime provides) and `options.external`.
 *
 * @example
 * await buildForLambda(process.cwd(), functionsFromServerless('serverless.yml', process.cwd()));
 */
export function buildForLambda(
  root: string,
  functions: readonly FunctionEntry[],
  outdir = BUILD_DIR,
  options: LambdaBuildOptions = {},
): Promise<BuiltFunction[]> {
  return buildFor('aws-lambda', root, functions, outdir, options);
}

/**
 * Bundles every function for Alibaba Cloud Function Compute (built-in runtime `nodejs20`): the same
 * pruned, minified ESM bundles as for Lambda, built for Node.js 20; the `handler` export is the FC
 * handler (`<file>.handler`). `@aws-sdk/*` stays external unless `bundleAwsSdk`: the FC adapter never
 * loads it (FC keeps the retries), only AWS-specific features would.
 *
 * @example
 * await buildForFc(process.cwd(), [{ name: 'orders', entry: 'src/orders.ts', exportName: 'handler' }]);
 */
export function buildForFc(
  root: string,
  functions: readonly FunctionEntry[],
  outdir: string = BUILD_TARGETS['alibaba-fc'].outdir,
  options: LambdaBuildOptions = {},
): Promise<BuiltFunction[]> {
  return buildFor('alibaba-fc', root, functions, outdir, options);
}

async function buildFor(
  target: BuildTarget,
  root: string,
  functions: readonly FunctionEntry[],
  outdir: string,
  options: LambdaBuildOptions,
): Promise<BuiltFunction[]> {
  const external = [...(options.bundleAwsSdk ? [] : ['@aws-sdk/*']), ...(options.external ?? [])];
  // Every path is checked before anything is built: a refused handler leaves no bundle of the others behind.
  const outfiles = functions.map((fn) => lambdaOutfile(root, fn, outdir));
  return Promise.all(
    functions.map(async (fn, i) => {
      const outfile = outfiles[i] ?? lambdaOutfile(root, fn, outdir);
      let definition: DefinitionFacts | undefined;
      const heard = (probes: readonly ProbeResult[]) => {
        definition = probes[0]?.definitions[fn.exportName];
      };
      const result = await esbuild
        .build({
          ...sharedOptions(root, fn, outfile),
          target: BUILD_TARGETS[target].node,
          minify: true,
          sourcemap: true,
          legalComments: 'none',
          ...(external.length > 0 && { external }),
          // The same plugin as `triggerkit/esbuild`: precompiled validators, only the sources used.
          plugins: [triggerkitPlugin({ onProbe: heard })],
        })
        .catch(unwrapPluginError);
      const output =
        result.metafile.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith('.mjs')) ?? ''];
      return { name: fn.name, outfile, bytes: output?.bytes ?? 0, definition };
    }),
  );
}

/** What every bundle of a function shares, cloud or emulator: one ESM file for Node, with its metafile. */
function sharedOptions(root: string, fn: FunctionEntry, outfile: string) {
  return {
    absWorkingDir: root,
    entryPoints: [resolve(root, fn.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
  } as const satisfies esbuild.BuildOptions;
}

/** A build the plugin failed (a handler that does not load) rejects with the plugin's TriggerError. */
function unwrapPluginError(error: unknown): never {
  const detail = (error as { errors?: { detail?: unknown }[] }).errors?.[0]?.detail;
  throw isTriggerError(detail) ? detail : error;
}

/** An incremental emulator build of one function; `rebuild()` returns the files it read, for watching. */
export async function devBuildContext(root: string, fn: FunctionEntry, outdir: string) {
  const outfile = resolve(outdir, `${fn.name}.mjs`);
  const context = await esbuild.context({
    ...sharedOptions(root, fn, outfile),
    target: 'node20',
    sourcemap: 'inline',
    packages: 'external',
  });
  return {
    outfile,
    async rebuild(): Promise<string[]> {
      const result = await context.rebuild();
      return Object.keys(result.metafile?.inputs ?? {}).map((input) => resolve(root, input));
    },
    dispose: () => context.dispose(),
  };
}
