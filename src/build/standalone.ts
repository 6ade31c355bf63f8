/**
 * No schema compiles at cold start: `triggerkit build` loads each handler once, in a child process,
 * with a listener that hears every schema `compileSchema` compiles; turns them into ajv standalone
 * code; and bundles that code so it registers the validators before the handler module runs. The
 * bundle gets `schema/ajv-absent.ts` in place of `schema/ajv-compiler.ts`: ajv's compiler is not in it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import type { FunctionEntry } from '../cli/project.js';
import { TriggerError } from '../errors.js';
import { COLLECTOR_SYMBOL, type CollectedSchema } from '../schema/precompiled.js';
import { generateValidatorModules, MODULE_PREFIX } from './standalone-code.js';

const run = promisify(execFile);

/** Same shim as the Lambda bundles: bundled CommonJS dependencies still call require(). */
const REQUIRE_SHIM =
  "import { createRequire as __tkCreateRequire } from 'node:module'; const require = __tkCreateRequire(import.meta.url);";

const NAMESPACE = 'triggerkit-standalone';

/** Runs in the child: listen, load the handler bundle, write what was heard, and exit (open handles or not). */
const PROBE = `
const [probe, out] = process.argv.slice(1);
const seen = [];
globalThis[Symbol.for(${JSON.stringify(COLLECTOR_SYMBOL)})] = (item) => seen.push(item);
const { pathToFileURL } = await import('node:url');
await import(pathToFileURL(probe).href);
(await import('node:fs')).writeFileSync(out, JSON.stringify(seen));
process.exit(0);
`;

/**
 * The esbuild plugin that gives one function's Lambda bundle precompiled validators and no ajv compiler.
 * Throws `TriggerError` `E_CONFIG` when the handler cannot be loaded to learn its schemas.
 *
 * @example
 * await esbuild.build({ entryPoints: [entry], plugins: [await standaloneValidators(root, fn)], … });
 */
export async function standaloneValidators(root: string, fn: FunctionEntry): Promise<esbuild.Plugin> {
  const entry = resolve(root, fn.entry);
  return standalonePlugin(entry, generateValidatorModules(await collectSchemas(root, entry, fn.entry)));
}

/** Loads the handler once (bundled, in a child process with the project root as cwd) and lists its schemas. */
export async function collectSchemas(root: string, entry: string, label = entry): Promise<CollectedSchema[]> {
  const dir = mkdtempSync(join(tmpdir(), 'triggerkit-probe-'));
  try {
    const probe = join(dir, 'probe.mjs');
    const out = join(dir, 'schemas.json');
    await esbuild.build({
      absWorkingDir: root,
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
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      throw new TriggerError(
        'E_CONFIG',
        `${label}: triggerkit build loads each handler once to precompile its schemas, and loading this one failed` +
          `${stderr === '' ? '' : `:\n${stderr}`}\nMake the module loadable without the Lambda environment, then rebuild.`,
        { path: label, cause: error },
      );
    }
    return JSON.parse(readFileSync(out, 'utf8')) as CollectedSchema[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Serves the generated modules from memory, imports `index` on the entry's first line (ES modules
 * evaluate imports in order, so the validators are registered before anything calls defineHandler;
 * the first line keeps the source map's lines), and swaps the ajv compiler for `ajv-absent`.
 */
export function standalonePlugin(entry: string, modules: ReadonlyMap<string, string>): esbuild.Plugin {
  const hasValidators = modules.size > 1;
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
      if (!hasValidators) return;
      build.onResolve({ filter: new RegExp(`^${MODULE_PREFIX}`) }, (args) => ({
        path: args.path.slice(MODULE_PREFIX.length),
        namespace: NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: modules.get(args.path) ?? '',
        loader: 'js',
        resolveDir: build.initialOptions.absWorkingDir ?? process.cwd(),
      }));
      build.onLoad({ filter: new RegExp(`^${escapeRegExp(entry)}$`) }, async (args) => ({
        contents: withFirstImport(await readFile(args.path, 'utf8'), `${MODULE_PREFIX}index`),
        loader: /^\.[cm]?tsx?$/.test(extname(args.path))
          ? extname(args.path) === '.tsx'
            ? 'tsx'
            : 'ts'
          : 'js',
      }));
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
