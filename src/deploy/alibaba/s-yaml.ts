/**
 * A Serverless Devs project (`s.yaml`, edition 3.0.0) that deploys a project's functions to Function
 * Compute 3.0 with the `fc3` component, derived from their definitions: per function its bundle, its
 * triggers (filters pushed down into EventBridge rules), its asynchronous invocation config and its
 * dead-letter queue. Pure: definitions in, the document out; `triggerkit build --target alibaba-fc`
 * writes it beside the bundles, and `s deploy -t <that file>` deploys them.
 * @see https://github.com/devsapp/fc3/blob/master/docs/zh/yaml/readme.md
 * @see ../../../docs/alibaba-fc.md
 */
import type { DefinitionFacts } from '../../build/standalone.js';
import { deadLetterQueueName } from '../names.js';
import { asyncInvokeConfig } from './retry.js';
import { type FcTrigger, fcTrigger, isByHand, isTrigger } from './triggers.js';
import { REGION } from './vars.js';

export interface FcFunction {
  /** The function's key: under serverless.yml `functions`, or its export name when discovered. */
  readonly key: string;
  readonly definition: DefinitionFacts;
  /** The bundle's folder, relative to the written s.yaml. */
  readonly code: string;
  /** `<file>.<export>` inside that folder, e.g. `index.handler`. */
  readonly handler: string;
  readonly timeoutSeconds?: number;
  readonly memorySize?: number;
}

export interface FcProject {
  /** The project's name: `name` of s.yaml, and the prefix of every function name. */
  readonly name: string;
  /** Default `cn-hangzhou`; s.yaml keeps it in `vars.region`, so one edit moves every function. */
  readonly region?: string;
  /** Default `dev`: part of the generated queue names, as for AWS. */
  readonly stage?: string;
}

export interface ServerlessDevsProject {
  readonly document: Record<string, unknown>;
  /** One line per source left to the user, naming the function and what is needed. */
  readonly byHand: readonly string[];
  /** The MNS queues the functions' failures go to: s.yaml names them, the fc3 component does not create them. */
  readonly deadLetterQueues: readonly string[];
}

/** Sources FC invokes asynchronously: their failures are retried by FC and then sent to the destination. */
const ASYNC_TRIGGERS = new Set<FcTrigger['triggerType']>([
  'oss',
  'mns_topic',
  'timer',
  'cdn_events',
  'eventbridge',
]);
const BUS = { type: 'alibaba:eventbridge' };
/** FC function names: a letter or `_`, then letters, digits, `_` and `-`, at most 64. */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** `name-key` as an FC function name (other characters become `-`). */
export function fcFunctionName(project: string, key: string): string {
  const name = `${project}-${key}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  return FUNCTION_NAME.test(name) ? name : `_${name.slice(0, 63)}`;
}

/** HTTP sources become one trigger with every method any of them allows. */
function mergeHttp(triggers: FcTrigger[]): FcTrigger[] {
  const http = triggers.filter((t) => t.triggerType === 'http');
  if (http.length <= 1) return triggers;
  const methods = [...new Set(http.flatMap((t) => t.triggerConfig.methods as string[]))];
  const first = http[0] as FcTrigger;
  return [
    { ...first, triggerConfig: { ...first.triggerConfig, methods } },
    ...triggers.filter((t) => t.triggerType !== 'http'),
  ];
}

/**
 * @example
 * serverlessDevsProject([{ key: 'resize', definition, code: './resize', handler: 'index.handler' }], { name: 'shop' })
 * // → { document: { edition: '3.0.0', name: 'shop', resources: { resize: { component: 'fc3', props: { … } } } }, byHand: [] }
 */
export function serverlessDevsProject(
  functions: readonly FcFunction[],
  project: FcProject,
): ServerlessDevsProject {
  const byHand: string[] = [];
  const queues = new Set<string>();
  const resources: Record<string, unknown> = {};
  for (const fn of functions) {
    // No sources: the handler listens on the bus, which on Alibaba Cloud is EventBridge's default bus.
    const sources = fn.definition.sources.length > 0 ? fn.definition.sources : [BUS];
    const queue = deadLetterQueueName(
      { service: project.name, stage: project.stage ?? 'dev', functionKey: fn.key },
      fn.definition.deadLetter,
    );
    const wired = sources.map((source, i) => fcTrigger(source, i, fn.definition, queue));
    for (const w of wired) if (isByHand(w)) byHand.push(`${fn.key}: ${w.byHand}`);
    const triggers = mergeHttp(wired.filter(isTrigger).map((w) => w.trigger));
    const async = triggers.some((t) => ASYNC_TRIGGERS.has(t.triggerType));
    if (async) queues.add(queue);
    resources[fn.key] = {
      component: 'fc3',
      props: {
        region: REGION,
        functionName: fcFunctionName(project.name, fn.key),
        description: `${fn.definition.name ?? fn.key} (triggerkit)`,
        runtime: 'nodejs20',
        code: fn.code,
        handler: fn.handler,
        timeout: fn.timeoutSeconds ?? 60,
        memorySize: fn.memorySize ?? 512,
        environmentVariables: { NODE_OPTIONS: '--enable-source-maps' },
        ...(async && { asyncInvokeConfig: asyncInvokeConfig(fn.definition, queue) }),
        ...(triggers.length > 0 && { triggers }),
      },
    };
  }
  return {
    document: {
      edition: '3.0.0',
      name: project.name,
      access: 'default',
      vars: { region: project.region ?? 'cn-hangzhou' },
      resources,
    },
    byHand,
    deadLetterQueues: [...queues],
  };
}
