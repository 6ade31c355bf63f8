/**
 * No schema compiles at cold start: the build (`triggerkit build`, or esbuild with `triggerkitPlugin`)
 * loads each handler once, in a child process, with a listener that hears every schema `compileSchema`
 * compiles; turns them into ajv standalone code; and bundles that code so it registers the validators
 * before the handler module runs. The bundle gets `schema/ajv-absent.ts` in place of
 * `schema/ajv-compiler.ts`: ajv's compiler is not in it. esbuild itself comes from the caller (a
 * plugin's `build.esbuild`): this module imports only its types.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { promisify } from 'node:util';
import type * as esbuild from 'esbuild';
import { DEFINITION_COLLECTOR_SYMBOL } from '../define-handler.js';
import { TriggerError } from '../errors.js';
import { COLLECTOR_SYMBOL, type CollectedSchema } from '../schema/precompiled.js';
import type { HandlerFacts } from './prune.js';
import { MODULE_PREFIX } from './standalone-code.js';

const run = promisify(execFile);

/**
 * ESM bundles have no `require`, yet bundled CommonJS dependencies still call it for Node built-ins, and
 * so do the deferred built-ins of `prune.ts`: the probe and the Lambda bundles start with this line.
 */
export const REQUIRE_SHIM =
  "import { createRequire as __tkCreateRequire } from 'node:module'; const require = __tkCreateRequire(import.meta.url);";

const NAMESPACE = 'triggerkit-standalone';

/**
 * Runs in the child: listen (to schemas compiled, and to handlers defined), load the handler bundle,
 * write what was heard, and exit (open handles or not).
 */
const PROBE = `
const [probe, out] = process.argv.slice(1);
const schemas = [];
const handlers = [];
globalThis[Symbol.for(${JSON.stringify(COLLECTOR_SYMBOL)})] = (item) => schemas.push(item);
globalThis[Symbol.for(${JSON.stringify(DEFINITION_COLLECTOR_SYMBOL)})] = (c) =>
  handlers.push({ sources: c.sources.map((s) => s.type), filter: c.matcher !== undefined, transform: c.transform !== undefined,
    idempotency: c.idempotency !== undefined });
const { pathToFileURL } = await import('node:url');
const mod = await import(pathToFileURL(probe).href);
const definitions = {};
for (const [name, value] of Object.entries(mod)) {
  const d = value?.definition;
  if (d === null || typeof d !== 'object' || typeof d.handle !== 'function') continue;
  definitions[name] = { name: d.name, sources: d.sources ?? [], filter: d.filter, filterDialect: d.filterDialect,
    retry: d.retry, deadLetter: d.deadLetter, onError: d.onError, idempotency: d.idempotency !== undefined };
}
(await import('node:fs')).writeFileSync(out, JSON.stringify({ schemas, handlers, definitions }));
process.exit(0);
`;

/**
 * What the deploy plugin reads of a handler's definition (the JSON part of it: functions are dropped),
 * by the module export that carries it.
 */
export interface DefinitionFacts {
  readonly name?: string;
  readonly sources: readonly Readonly<Record<string, unknown>>[];
  readonly filter?: Readonly<Record<string, unknown>>;
  readonly filterDialect?: 'aws' | 'alibaba';
  readonly retry?: unknown;
  readonly deadLetter?: { readonly queue: string };
  readonly onError?: 'block' | 'dead-letter';
  readonly idempotency: boolean;
}

/** What loading a handler module showed: the schemas it compiled, the handlers it defined, their definitions by export. */
export interface ProbeResult {
  readonly schemas: CollectedSchema[];
  readonly handlers: HandlerFacts[];
  readonly definitions: Readonly<Record<string, DefinitionFacts>>;
}

/** The esbuild API the probe bundles with (a plugin's `build.esbuild`), and the build's resolution options. */
export interface ProbeBuild {
  readonly esbuild: Pick<esbuild.PluginBuild['esbuild'], 'build'>;
  readonly options?: esbuild.BuildOptions;
}

/** The options of the user's build that change how the handler's imports resolve and compile. */
const RESOLUTION_OPTIONS = [
  'alias',
  'conditions',
  'define',
  'loader',
  'mainFields',
  'nodePaths',
  'resolveExtensions',
  'tsconfig',
  'tsconfigRaw',
] as const satisfies readonly (keyof esbuild.BuildOptions)[];

/**
 * Loads the handler once (bundled, in a child process with the project root as cwd) and lists its
 * schemas and the stages of every handler it defined.
 */
export async function probeHandler(
  build: ProbeBuild,
  root: string,
  entry: string,
  label = entry,
): Promise<ProbeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'triggerkit-probe-'));
  try {
    const probe = join(dir, 'probe.mjs');
    const out = join(dir, 'schemas.json');
    const resolution = Object.fromEntries(
      RESOLUTION_OPTIONS.filter((key) => build.options?.[key] !== undefined).map((key) => [
        key,
        build.options?.[key],
      ]),
    );
    await build.esbuild.build({
      ...resolution,
      absWorkingDir: build.options?.absWorkingDir ?? root,
      entryPoints: [entry],
      outfile: probe,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: REQUIRE_SHIM },
      logLevel: 'silent',
    });
    try {
      await run(process.execPath, ['--input-type=module', '-e', PROBE, probe, out], {
        cwd: root,
        // Tells the HTTP source options to let an unset webhook secret through (sources/http/options.ts).
        env: { ...process.env, TRIGGERKIT_BUILD_PROBE: '1' },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      throw new TriggerError(
        'E_CONFIG',
        `${label}: triggerkit's build loads each handler once to precompile its schemas and learn its sources, and loading this one failed` +
          `${stderr === '' ? '' : `:\n${stderr}`}\nMake the module loadable without the Lambda environment, then rebuild.`,
        { path: label, cause: error },
      );
    }
    return JSON.parse(readFileSync(out, 'utf8')) as ProbeResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Serves the generated modules from memory, imports `index` on the first line of each entry (ES modules
 * evaluate imports in order, so the validators are registered before anything calls defineHandler; the
 * first line keeps the source map's lines), and swaps the ajv compiler for `ajv-absent`. `modules` is read
 * when the build needs it: the probe that fills it runs as the build starts.
 */
export function standalonePlugin(
  entries: readonly string[],
  modules: () => ReadonlyMap<string, string>,
): esbuild.Plugin {
  return {
    name: 'triggerkit-standalone-validators',
    setup(build) {
      build.onResolve({ filter: /^\.\/ajv-compiler\.js$/ }, async (args) => {
        if (basename(args.resolveDir) !== 'schema') return undefined;
        const found = await build.resolve('./ajv-absent.js', {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
        });
        return found.errors.length > 0 ? { errors: found.errors } : { path: found.path };
      });
      build.onResolve({ filter: new RegExp(`^${MODULE_PREFIX}`) }, (args) => ({
        path: args.path.slice(MODULE_PREFIX.length),
        namespace: NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: modules().get(args.path) ?? '',
        loader: 'js',
        resolveDir: build.initialOptions.absWorkingDir ?? process.cwd(),
      }));
      build.onLoad({ filter: new RegExp(`^(${entries.map(escapeRegExp).join('|')})$`) }, async (args) => {
        // One module is the empty `index`: no schema, nothing to register.
        if (modules().size <= 1) return undefined;
        return {
          contents: withFirstImport(await readFile(args.path, 'utf8'), `${MODULE_PREFIX}index`),
          loader: /^\.[cm]?tsx?$/.test(extname(args.path))
            ? extname(args.path) === '.tsx'
              ? 'tsx'
              : 'ts'
            : 'js',
        };
      });
    },
  };
}

/** Puts `import "<module>";` at the very start (after a shebang line), without adding a line. */
function withFirstImport(source: string, module: string): string {
  const statement = `import ${JSON.stringify(module)};`;
  if (!source.startsWith('#!')) return statement + source;
  const newline = source.indexOf('\n') + 1;
  return source.slice(0, newline) + statement + source.slice(newline);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
