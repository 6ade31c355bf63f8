/**
 * Which SQS queues `triggerkit dlq --aws --function <key>` works on, found the way the deploy plugin
 * names them (deploy/names.ts): serverless.yml's `service`, the stage and the function's key, or the
 * queue the function's definition names in `deadLetter: { queue }` (read by loading the handler once,
 * as `triggerkit build` does).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { deadLetterQueueName, type FunctionAddress, retryQueueName } from '../deploy/names.js';
import { TriggerError } from '../errors.js';
import { type Sqs, sqsErrorName, sqsFailure } from './dlq-sqs.js';
import { readServerlessConfig, type ServerlessConfig, serverlessFunction } from './project.js';

export interface FunctionQueuesOptions {
  /** The project root (serverless.yml and the handler sources are found from it). */
  readonly root: string;
  /** serverless.yml, relative to `root`. */
  readonly config: string;
  /** The function's key under `functions:`. */
  readonly functionKey: string;
  /** `--stage`; else `provider.stage`, else `dev`. */
  readonly stage?: string;
}

/** A function's place in serverless.yml, and the words that say where its names came from. */
export interface LocatedFunction {
  readonly at: FunctionAddress;
  readonly config: ServerlessConfig;
  readonly configPath: string;
  /** `service "shop" from serverless.yml, stage "dev" from provider.stage, function "orders"`. */
  readonly derivation: string;
}

const problem = (message: string, path?: string) => new TriggerError('E_CONFIG', message, { path });
const isUrl = (text: string) => /^https?:\/\//.test(text);

/** A literal value of serverless.yml; `${opt:stage, 'x'}` gives `x`; any other variable is refused. */
function literal(value: unknown, where: string, fix: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  const fallback = /^\$\{opt:stage,\s*['"]?([\w-]+)['"]?\s*\}$/.exec(text)?.[1];
  if (fallback !== undefined) return fallback;
  if (text.includes('${'))
    throw problem(
      `serverless.yml ${where} is ${JSON.stringify(text)}, a variable triggerkit does not resolve; ${fix}.`,
      where,
    );
  return text;
}

/** Reads the service, the stage and the function's key, checking the function is in serverless.yml. */
export function locateFunction(options: FunctionQueuesOptions): LocatedFunction {
  const configPath = resolve(options.root, options.config);
  if (!existsSync(configPath))
    throw problem(
      `No ${options.config} in ${options.root}: --function names a function of serverless.yml; run in the project folder, pass --config, or give the queue as --queue-url.`,
      options.config,
    );
  const config = readServerlessConfig(configPath);
  const raw = config.service;
  const service = literal(
    typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : raw,
    'service',
    'give the queue as --queue-url',
  );
  if (service === undefined)
    throw problem(
      `${options.config} has no \`service\`: add one, or give the queue as --queue-url.`,
      'service',
    );
  const fromYaml =
    options.stage === undefined
      ? literal(config.provider?.stage, 'provider.stage', 'pass --stage')
      : undefined;
  const stage = options.stage ?? fromYaml ?? 'dev';
  const stageFrom =
    options.stage !== undefined ? '--stage' : fromYaml !== undefined ? 'provider.stage' : 'the default';
  if (config.functions?.[options.functionKey] === undefined) {
    const known = Object.keys(config.functions ?? {});
    throw problem(
      `${options.config} has no function "${options.functionKey}" under \`functions:\`; ${known.length === 0 ? 'it lists none' : `its functions: ${known.join(', ')}`}. Pass the function's key as --function.`,
      `functions.${options.functionKey}`,
    );
  }
  return {
    at: { service, stage, functionKey: options.functionKey },
    config,
    configPath,
    derivation: `service "${service}" from ${options.config}, stage "${stage}" from ${stageFrom}, function "${options.functionKey}"`,
  };
}

/** Loads the function's handler once (in a child process) and reads its `deadLetter.queue`. */
async function declaredDeadLetter(fn: LocatedFunction, root: string): Promise<string | undefined> {
  const entry = serverlessFunction(fn.config, fn.at.functionKey, fn.configPath, root);
  const { probeHandler } = await import('../build/standalone.js');
  const esbuild = await import('esbuild');
  let definitions: Awaited<ReturnType<typeof probeHandler>>['definitions'];
  try {
    ({ definitions } = await probeHandler({ esbuild }, root, entry.entry));
  } catch (error) {
    const stderr = String((error as { cause?: { stderr?: unknown } }).cause?.stderr ?? '');
    const last = stderr
      .trim()
      .split('\n')
      .filter((l) => /\S/.test(l) && !/^\s+at /.test(l))
      .at(-1);
    throw problem(
      `Loading ${entry.entry} to read functions.${fn.at.functionKey}'s \`deadLetter\` failed (${last?.trim() ?? (error as Error).message.split('\n')[0]}): make the module loadable without the Lambda environment, or give the dead-letter queue as --queue-url.`,
      entry.entry,
    );
  }
  const handler = definitions?.[entry.exportName];
  if (handler === undefined)
    throw problem(
      `${entry.entry} exports no triggerkit handler named "${entry.exportName}" (functions.${fn.at.functionKey}.handler): only defineHandler functions have a dead-letter queue; give the queue as --queue-url.`,
      entry.entry,
    );
  return handler.deadLetter?.queue;
}

/** `GetQueueUrl`, with a missing queue explained by how its name was derived. */
async function queueUrlOf(sqs: Sqs, name: string, how: string, fix: string): Promise<string> {
  try {
    const { QueueUrl } = await sqs.client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (QueueUrl) return QueueUrl;
  } catch (error) {
    if (sqsErrorName(error) !== 'QueueDoesNotExist') throw sqsFailure(error, sqs, 'GetQueueUrl', name);
  }
  throw problem(`${sqs.where} has no queue named "${name}" (${how}); ${fix}.`, name);
}

const NOT_FOUND_FIX = 'deploy the function, check --stage, --region and the account, or pass --queue-url';

/**
 * The function's dead-letter queue URL: `deadLetter.queue` when it is a URL, else the queue named
 * `deadLetterQueueName` (the declared name, or `<service>-<stage>-<function>-dlq`).
 */
export async function deadLetterQueueUrl(sqs: Sqs, options: FunctionQueuesOptions): Promise<string> {
  const fn = locateFunction(options);
  const declared = await declaredDeadLetter(fn, options.root);
  if (declared !== undefined && isUrl(declared)) return declared;
  const name = deadLetterQueueName(fn.at, declared === undefined ? undefined : { queue: declared });
  const how =
    declared === name
      ? `the \`deadLetter.queue\` of functions.${fn.at.functionKey}'s handler`
      : `<service>-<stage>-<function>-dlq: ${fn.derivation}`;
  return queueUrlOf(sqs, name, how, NOT_FOUND_FIX);
}

/** The function's retry queue URL: the queue named `<service>-<stage>-<function>-retry`. */
export async function retryQueueUrl(sqs: Sqs, options: FunctionQueuesOptions): Promise<string> {
  const fn = locateFunction(options);
  return queueUrlOf(
    sqs,
    retryQueueName(fn.at),
    `<service>-<stage>-<function>-retry: ${fn.derivation}`,
    'deploy the function with its retry queue, or check --stage, --region and the account',
  );
}

/** A queue given by name or URL (`--to`): a URL as it is, a name through `GetQueueUrl`. */
export async function namedQueueUrl(sqs: Sqs, nameOrUrl: string): Promise<string> {
  if (isUrl(nameOrUrl)) return nameOrUrl;
  return queueUrlOf(
    sqs,
    nameOrUrl,
    'given as --to',
    'check the name, --region and the account, or pass its URL',
  );
}
