/**
 * Which handlers a project has: the functions of `serverless.yml` (the Serverless Framework convention),
 * or handlers named on the command line as `<file>[:export]`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { TriggerError } from '../errors.js';

/** Where `triggerkit build` writes Lambda bundles; `serverless.yml` handlers point below it. */
export const BUILD_DIR = '.triggerkit/build';

export interface FunctionEntry {
  /** The function's name in serverless.yml (or the file's base name). */
  readonly name: string;
  /** The source file, relative to the project root. */
  readonly entry: string;
  /** The exported handler's name. */
  readonly exportName: string;
  /** The function's timeout in ms (serverless.yml `timeout`, else `provider.timeout`, in seconds). */
  readonly timeoutMs?: number;
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** The parts of serverless.yml triggerkit reads. */
export interface ServerlessConfig {
  readonly service?: unknown;
  readonly provider?: { readonly stage?: unknown; readonly timeout?: unknown };
  readonly functions?: Record<string, { readonly handler?: unknown; readonly timeout?: unknown }>;
}

/** Parses a serverless.yml; CloudFormation tags (!Ref, !GetAtt, …) are kept as plain values. */
export function readServerlessConfig(configPath: string): ServerlessConfig {
  const text = readFileSync(configPath, 'utf8');
  const doc = parseDocument(text, { customTags: cloudFormationTags, logLevel: 'error' });
  if (doc.errors.length > 0) {
    throw new TriggerError('E_CONFIG', `${configPath} is not valid YAML: ${doc.errors[0]?.message}.`, {
      path: configPath,
    });
  }
  return (doc.toJS() ?? {}) as ServerlessConfig;
}

/** Reads the functions of a serverless.yml; each `handler` may point at a bundle under BUILD_DIR or at a source file. */
export function functionsFromServerless(configPath: string, root: string): FunctionEntry[] {
  return functionsOf(readServerlessConfig(configPath), configPath, root);
}

/** The functions of a serverless.yml already read (the Serverless Framework's resolved `service`, for one). */
export function functionsOf(config: ServerlessConfig, configPath: string, root: string): FunctionEntry[] {
  const functions = Object.keys(config.functions ?? {});
  if (functions.length === 0) {
    throw new TriggerError(
      'E_CONFIG',
      `${configPath} lists no functions; add one under \`functions:\` with a \`handler\`.`,
      {
        path: configPath,
      },
    );
  }
  return functions.map((name) => serverlessFunction(config, name, configPath, root));
}

/** The function `name` of a parsed serverless.yml (it must be there): its source, export and timeout. */
export function serverlessFunction(
  config: ServerlessConfig,
  name: string,
  configPath: string,
  root: string,
): FunctionEntry {
  const fn = config.functions?.[name];
  if (typeof fn?.handler !== 'string') {
    throw new TriggerError(
      'E_CONFIG',
      `${configPath}: functions.${name}.handler must be a string such as src/orders.handler.`,
      {
        path: `functions.${name}.handler`,
      },
    );
  }
  const dot = fn.handler.lastIndexOf('.');
  const modulePath = fn.handler.slice(0, dot).replace(new RegExp(`^(\\./)?${BUILD_DIR}/`), '');
  const timeout =
    seconds(fn.timeout, `functions.${name}.timeout`, configPath) ??
    seconds(config.provider?.timeout, 'provider.timeout', configPath);
  return {
    name,
    entry: findSource(modulePath, root, `functions.${name}.handler`),
    exportName: fn.handler.slice(dot + 1),
    ...(timeout !== undefined && { timeoutMs: timeout * 1000 }),
  };
}

/** A timeout in seconds, as serverless.yml writes it (a CloudFormation reference or variable counts as unset). */
function seconds(value: unknown, where: string, configPath: string): number | undefined {
  if (value === undefined || (typeof value === 'string' && /^\$\{/.test(value)) || typeof value === 'object')
    return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n) && n > 0) return n;
  throw new TriggerError(
    'E_CONFIG',
    `${configPath}: ${where} must be a number of seconds such as 6, got ${JSON.stringify(value)}.`,
    { path: where },
  );
}

/** `path/to/file.ts[:export]`, export defaulting to `handler`. */
export function functionFromArgument(argument: string, root: string): FunctionEntry {
  const [file = '', exportName = 'handler'] = argument.split(':');
  const full = resolve(root, file);
  if (!existsSync(full)) {
    throw new TriggerError('E_CONFIG', `--handler ${argument}: no file at ${file}.`, { path: file });
  }
  const name = file.replace(/^.*\//, '').replace(/\.[cm]?[jt]s$/, '');
  return { name, entry: relative(root, full), exportName };
}

function findSource(modulePath: string, root: string, where: string): string {
  for (const ext of EXTENSIONS) {
    if (existsSync(resolve(root, modulePath + ext))) return modulePath + ext;
  }
  throw new TriggerError(
    'E_CONFIG',
    `${where}: no source file ${modulePath}{${EXTENSIONS.join(',')}}; the handler must name a source file, or a bundle under ${BUILD_DIR}/ that mirrors one.`,
    { path: where },
  );
}

const cloudFormationTags = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'ImportValue',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'FindInMap',
  'GetAZs',
  'Base64',
  'Cidr',
].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((nodeClass) => ({
    tag: `!${name}`,
    collection: nodeClass === 'scalar' ? undefined : nodeClass,
    resolve: (value: unknown) => value,
  })),
) as never;
