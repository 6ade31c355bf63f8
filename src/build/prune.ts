/**
 * A Lambda bundle holds only what its handlers use. The build learns, while it loads the handler
 * module (`standalone.ts`'s probe), the sources, filter and transform of every handler the
 * module defines; this esbuild plugin then
 *
 * - keeps the normalizers of the declared sources only: the modules of the others (as the source catalog,
 *   `sources/catalog.ts`, names them) are replaced by nothing, and their rows become detect-only stand-ins
 *   (`sources/registry.ts`), so detection order and the `E_SOURCE_UNDECLARED` refusal stay as they are;
 * - gives `definition.ts` throwing stand-ins (`definition-absent.ts`) for the pattern compiler, the
 *   transform compiler and the HTTP options validator when no handler needs them;
 * - defers `@middy/core`'s `node:stream` imports, which only its `streamifyResponse` mode uses (and
 *   `defineHandler` never turns it on), until something calls them.
 *
 * A module that defines no handler when it loads (or one that takes every trigger) keeps every source.
 */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as esbuild from 'esbuild';
import { CATALOG } from '../sources/catalog.js';
import { kindsOf } from '../sources/declarations.js';

/** What the build learned of one handler. */
export interface HandlerFacts {
  /** Its declared source types (`aws:sqs`, `http`, `bus`…); empty: it takes every trigger. */
  readonly sources: readonly string[];
  readonly filter: boolean;
  readonly transform: boolean;
  /** Declares `idempotency` (a probe of an older build that does not say counts as yes). */
  readonly idempotency?: boolean;
}

/** What a bundle keeps: `kinds` undefined keeps every source. */
export interface BundlePlan {
  readonly kinds: ReadonlySet<string> | undefined;
  readonly filter: boolean;
  readonly transform: boolean;
  readonly http: boolean;
  readonly idempotency: boolean;
}

/** The plan for the handlers one module defined; keeps everything when it defined none. */
export function planBundle(handlers: readonly HandlerFacts[]): BundlePlan {
  if (handlers.length === 0)
    return { kinds: undefined, filter: true, transform: true, http: true, idempotency: true };
  const everything = handlers.some((h) => h.sources.length === 0);
  return {
    kinds: everything ? undefined : new Set(handlers.flatMap((h) => h.sources.flatMap(kindsOf))),
    filter: handlers.some((h) => h.filter),
    transform: handlers.some((h) => h.transform),
    http: handlers.some((h) => h.sources.includes('http')),
    idempotency: handlers.some((h) => h.idempotency !== false),
  };
}

/**
 * The modules (`sources/catalog.ts` imports) whose normalizers a bundle keeping `kinds` drops, each
 * replaced by `prunedModule()`: the catalog's row then stands in for its source (detect-only).
 */
export function prunedModules(kinds: ReadonlySet<string>): ReadonlySet<string> {
  return new Set(CATALOG.filter((row) => !kinds.has(row.kind)).map((row) => row.module));
}

/** True when the bundle keeps no source that answers HTTP (so no request reaches the adapter). */
export function keepsHttpReplies(kinds: ReadonlySet<string> | undefined): boolean {
  return kinds === undefined || CATALOG.some((row) => row.reply === 'http' && kinds.has(row.kind));
}

/** The code of a dropped normalizer module, as `sources/catalog.ts` imports it: no normalizer. */
export const prunedModule = (): string => 'export const normalize = undefined;\n';

/**
 * Node built-ins triggerkit's own modules import for work only some events or handlers do (signatures,
 * hashes, gzip, IP checks, schema files). An ES `import` of one loads it (`node:crypto` alone measured
 * about 1.5 ms of a cold start) or builds its module namespace (`node:fs` + `node:path` about 1.4 ms), so
 * in a bundle each imported function is a wrapper that loads the module on its first call (`require` is
 * the bundle's, from its banner); a capitalized name is a class, whose wrapper constructs (triggerkit
 * only ever uses them with `new`, which `prune.test.ts` checks); any other value is read at load, only
 * when something imports it.
 */
export const DEFERRED_BUILTINS = ['node:crypto', 'node:zlib', 'node:net', 'node:fs', 'node:path'] as const;

/** The module that stands in for `builtin`. */
export function deferredBuiltin(builtin: string): string {
  const exports = Object.entries(requireHere(builtin) as Record<string, unknown>).filter(([name]) =>
    /^[A-Za-z_$][\w$]*$/.test(name),
  );
  const bindings = exports.map(([name, value]) =>
    typeof value !== 'function'
      ? `export const ${name} = /* @__PURE__ */ (() => load().${name})();`
      : /^[A-Z]/.test(name)
        ? `export function ${name}(...args) { return new (load().${name})(...args); }`
        : `export function ${name}(...args) { return load().${name}(...args); }`,
  );
  return ['let m;', `const load = () => (m ??= require(${JSON.stringify(builtin)}));`, ...bindings, ''].join(
    '\n',
  );
}

/** middy's stream imports, bound on first use (`require` is the bundle's, from its banner). */
const MIDDY_STREAMS: Readonly<Record<string, string>> = {
  'node:stream':
    'export const Readable = { from: (...args) => require("node:stream").Readable.from(...args) };',
  'node:stream/promises':
    'export const pipeline = (...args) => require("node:stream/promises").pipeline(...args);',
  'node:stream/web':
    'export const ReadableStream = { [Symbol.hasInstance]: (value) => value instanceof require("node:stream/web").ReadableStream };',
};

const requireHere = createRequire(import.meta.url);
/** triggerkit's own modules (its src/ or dist/), whose built-in imports are deferred. */
const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const isOwn = (importer: string) =>
  [`${PACKAGE}src${sep}`, `${PACKAGE}dist${sep}`].some((dir) => importer.startsWith(dir));
/** `./`, `../`… from the importer to triggerkit's root module folder (src/ or dist/). */
const ownRoot = (importer: string) => {
  const inside = importer.slice(PACKAGE.length).split(sep).slice(1, -1);
  return inside.length === 0 ? './' : '../'.repeat(inside.length);
};
const DEFERRED = new RegExp(`^(${DEFERRED_BUILTINS.join('|')})$`);

const NAMESPACE = 'triggerkit-pruned';

/**
 * Parsers the catalog imports only to check one kind's declarations (a schedule's expression, a log
 * subscription's filter pattern): left out with that kind. Declaring it later still fails to define
 * (the kind's normalizer is gone too), with the problem these name.
 */
const DECLARATION_CHECKERS: Readonly<Record<string, { kind: string; contents: string }>> = {
  './aws/schedule-expression.js': {
    kind: kindOf('./aws/eventbridge.js'),
    contents: `export const readScheduleExpression = () => ${JSON.stringify(leftOutProblem(kindOf('./aws/eventbridge.js')))};\n`,
  },
  './logs/filter-pattern.js': {
    kind: kindOf('./logs/cloudwatch-logs.js'),
    contents: `export const filterPatternProblem = () => ${JSON.stringify(leftOutProblem(kindOf('./logs/cloudwatch-logs.js')))};\n`,
  },
};

/** The kind of the catalog row whose normalizer is `module` (kinds are written in the catalog only). */
function kindOf(module: string): string {
  return CATALOG.find((row) => row.module === module)?.kind ?? module;
}

function leftOutProblem(kind: string): string {
  return `not checked: \`triggerkit build\` left ${kind} out of this bundle (no handler defined when the module loaded declared it)`;
}
const IN_CATALOG = /[\\/]sources[\\/]catalog\.[cm]?[jt]s$/;
const IN_DEFINITION = /[\\/]definition\.[cm]?[jt]s$/;
const IN_MIDDY = /[\\/]@middy[\\/]core[\\/]/;
const ABSENT_STAGES: Readonly<Record<string, keyof BundlePlan>> = {
  './rules/compile-pattern.js': 'filter',
  './transforms/compile.js': 'transform',
  './sources/http/options.js': 'http',
};

/**
 * The esbuild plugin that prunes one Lambda bundle to `plan`, read when the build needs it (the probe
 * that learns it runs as the build starts).
 *
 * @example
 * await esbuild.build({ …, plugins: [prunePlugin(() => planBundle(probe.handlers))] });
 */
export function prunePlugin(plan: () => BundlePlan): esbuild.Plugin {
  let dropped: { plan: BundlePlan; modules: ReadonlySet<string> | undefined } | undefined;
  const droppedModules = () => {
    const current = plan();
    if (dropped?.plan !== current)
      dropped = { plan: current, modules: current.kinds && prunedModules(current.kinds) };
    return dropped.modules;
  };
  return {
    name: 'triggerkit-prune',
    setup(build) {
      const local = (path: string, importer: string) => ({
        path,
        namespace: NAMESPACE,
        pluginData: importer,
      });
      build.onResolve({ filter: /^node:stream(\/promises|\/web)?$/ }, (args) =>
        IN_MIDDY.test(args.importer) ? local(args.path, args.importer) : undefined,
      );
      build.onResolve({ filter: DEFERRED }, (args) =>
        isOwn(args.importer) ? local(args.path, args.importer) : undefined,
      );
      build.onResolve({ filter: /^\.\/(rules|transforms|sources\/http)\// }, async (args) => {
        const stage = ABSENT_STAGES[args.path];
        if (stage === undefined || plan()[stage] || !IN_DEFINITION.test(args.importer)) return undefined;
        return resolveBeside(build, args, './definition-absent.js');
      });
      // Idempotency (its module, the DynamoDB store, JSONPath) when no handler declares it.
      build.onResolve({ filter: /(^|\/)(delivery\/|dynamodb-)idempotency\.js$/ }, (args) =>
        plan().idempotency || !isOwn(args.importer)
          ? undefined
          : resolveBeside(build, args, `${ownRoot(args.importer)}idempotency-absent.js`),
      );
      // The SNS HTTP subscription (signature check, certificates) when no kept source answers HTTP.
      build.onResolve({ filter: /(^|\/)sources\/http\/sns-subscription\.js$/ }, (args) =>
        keepsHttpReplies(plan().kinds) || !isOwn(args.importer)
          ? undefined
          : resolveBeside(
              build,
              args,
              args.path.replace(/sns-subscription\.js$/, 'sns-subscription-absent.js'),
            ),
      );
      build.onResolve({ filter: /^\.\/[\w/-]+\.js$/ }, (args) => {
        if (!IN_CATALOG.test(args.importer)) return undefined;
        const kinds = plan().kinds;
        const checker = DECLARATION_CHECKERS[args.path];
        if (checker !== undefined && kinds !== undefined && !kinds.has(checker.kind))
          return local(args.path, args.importer);
        return droppedModules()?.has(args.path) ? local(args.path, args.importer) : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const resolveDir = dirname(args.pluginData as string);
        if (DEFERRED.test(args.path))
          return { contents: deferredBuiltin(args.path), loader: 'js', resolveDir };
        if (MIDDY_STREAMS[args.path] !== undefined)
          return { contents: MIDDY_STREAMS[args.path], loader: 'js', resolveDir };
        const checker = DECLARATION_CHECKERS[args.path];
        if (checker !== undefined) return { contents: checker.contents, loader: 'js', resolveDir };
        return { contents: prunedModule(), loader: 'js', resolveDir };
      });
    },
  };
}

async function resolveBeside(build: esbuild.PluginBuild, args: esbuild.OnResolveArgs, path: string) {
  const found = await build.resolve(path, {
    kind: args.kind,
    importer: args.importer,
    resolveDir: args.resolveDir,
  });
  return found.errors.length > 0 ? { errors: found.errors } : { path: found.path };
}
