/**
 * A declared source as a Function Compute 3.0 trigger in the Serverless Devs `fc3` component's terms
 * (`triggerName`, `triggerType`, `sourceArn`, `invocationRole`, `triggerConfig`). Sources with no FC
 * trigger, or whose trigger needs what `sources` does not say (an MNS topic, a RocketMQ instance and
 * group), get a one-line `byHand` note instead.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/trigger-overview
 * @see ../../../docs/alibaba-fc.md
 */
import type { DefinitionFacts } from '../../build/standalone.js';
import { isObject } from '../../sources/types.js';
import { eventBridgeTrigger } from './eventbridge.js';
import { pushRetryStrategy, retriesOf, streamRunOptions } from './retry.js';
import { ACCOUNT, REGION } from './vars.js';

export type Declaration = Readonly<Record<string, unknown>>;

export interface FcTrigger {
  readonly triggerName: string;
  readonly triggerType:
    | 'http'
    | 'oss'
    | 'log'
    | 'mns_topic'
    | 'timer'
    | 'eventbridge'
    | 'tablestore'
    | 'cdn_events';
  readonly sourceArn?: string;
  readonly invocationRole?: string;
  readonly qualifier?: string;
  readonly triggerConfig: Readonly<Record<string, unknown>>;
}

/** One source's trigger, or why there is none. */
export type TriggerWiring = { readonly trigger: FcTrigger } | { readonly byHand: string };

const text = (value: unknown, fallback = '') => (typeof value === 'string' ? value : fallback);

const methodsOf = (value: unknown): string[] =>
  value === undefined
    ? ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']
    : (Array.isArray(value) ? value : [value]).map((m) => String(m).toUpperCase());

/**
 * `sources[index]` → its trigger. HTTP sources are merged into one trigger by the caller: FC gives a
 * function one HTTP endpoint, and the handler routes by path.
 *
 * @example
 * fcTrigger({ type: 'alibaba:oss', bucket: 'uploads', suffix: '.jpg' }, 0, definition, 'shop-dev-resize-dlq')
 * // → { trigger: { triggerName: 'oss-uploads', triggerType: 'oss', sourceArn: 'acs:oss:${vars.region}:…:uploads', … } }
 */
export function fcTrigger(
  source: Declaration,
  index: number,
  definition: DefinitionFacts,
  deadLetterQueue: string,
): TriggerWiring {
  const where = `sources[${index}] (${String(source.type)})`;
  switch (source.type) {
    case 'http':
      return {
        trigger: {
          triggerName: 'http',
          triggerType: 'http',
          qualifier: 'LATEST',
          triggerConfig: {
            authType: 'anonymous',
            disableURLInternet: false,
            methods: methodsOf(source.method),
          },
        },
      };
    case 'alibaba:oss':
      return oss(source, where);
    case 'alibaba:sls':
      return sls(source, where, definition);
    case 'alibaba:eventbridge':
      return eventBridgeTrigger(source, index, definition, deadLetterQueue, where);
    case 'alibaba:timer':
      return timer(source, where);
    case 'alibaba:tablestore':
      if (typeof source.instance !== 'string' || typeof source.table !== 'string')
        return {
          byHand: `${where}: a Tablestore trigger needs the instance and the table; declare { type: 'alibaba:tablestore', instance: '…', table: '…' }.`,
        };
      return {
        trigger: {
          triggerName: `tablestore-${source.table}`,
          triggerType: 'tablestore',
          sourceArn: `acs:ots:${REGION}:${ACCOUNT}:instance/${source.instance}/table/${source.table}`,
          invocationRole: `acs:ram::${ACCOUNT}:role/aliyuntablestorestreamnotificationrole`,
          qualifier: 'LATEST',
          triggerConfig: {},
        },
      };
    case 'alibaba:cdn':
      if (typeof source.domain !== 'string')
        return {
          byHand: `${where}: a CDN events trigger needs the domain; declare { type: 'alibaba:cdn', domain: '…' }.`,
        };
      return {
        trigger: {
          triggerName: `cdn-${index + 1}`,
          triggerType: 'cdn_events',
          sourceArn: `acs:cdn:*:${ACCOUNT}`,
          invocationRole: `acs:ram::${ACCOUNT}:role/aliyuncdneventnotificationrole`,
          qualifier: 'LATEST',
          triggerConfig: {
            eventName: 'LogFileCreated',
            eventVersion: '1.0.0',
            notes: `${definition.name ?? 'triggerkit'}: CDN log files`,
            filter: { domain: [source.domain] },
          },
        },
      };
    case 'alibaba:mns':
      if (typeof source.topic !== 'string')
        return {
          byHand: `${where}: an MNS topic trigger needs the topic; declare { type: 'alibaba:mns', topic: '…' }.`,
        };
      return {
        trigger: {
          triggerName: `mns-${source.topic}`,
          triggerType: 'mns_topic',
          sourceArn: `acs:mns:${REGION}:${ACCOUNT}:/topics/${source.topic}`,
          invocationRole: `acs:ram::${ACCOUNT}:role/aliyunmnsnotificationrole`,
          qualifier: 'LATEST',
          // MNS retries a failed push itself, by the strategy closest to the definition's retries.
          triggerConfig: { notifyContentFormat: 'JSON', notifyStrategy: pushRetryStrategy(definition) },
        },
      };
    case 'rocketmq':
      return {
        byHand: `${where}: a self-managed Apache RocketMQ cluster has no Function Compute trigger; for ApsaraMQ for RocketMQ declare { type: 'alibaba:eventbridge', stream: 'rocketmq', instance: '…', topic: '…', group: '…' }, whose event stream s.yaml then carries with runOptions ${JSON.stringify(streamRunOptions(definition, deadLetterQueue))}.`,
      };
    default:
      return {
        byHand: `${where}: Function Compute has no trigger for this source; invoke the function from it by hand, or declare an alibaba:* source.`,
      };
  }
}

/** A time trigger: its `cronExpression` (FC's six-field cron or `@every 5m`), its name and payload as declared. */
function timer(source: Declaration, where: string): TriggerWiring {
  if (typeof source.cronExpression !== 'string')
    return {
      byHand: `${where}: a time trigger needs its schedule; declare { type: 'alibaba:timer', cronExpression: '@every 5m' }.`,
    };
  return {
    trigger: {
      triggerName: typeof source.triggerName === 'string' ? source.triggerName : 'timer',
      triggerType: 'timer',
      qualifier: 'LATEST',
      triggerConfig: {
        cronExpression: source.cronExpression,
        enable: true,
        ...(source.payload !== undefined && {
          payload: typeof source.payload === 'string' ? source.payload : JSON.stringify(source.payload),
        }),
      },
    },
  };
}

function oss(source: Declaration, where: string): TriggerWiring {
  if (typeof source.bucket !== 'string')
    return {
      byHand: `${where}: an OSS trigger needs the bucket; declare { type: 'alibaba:oss', bucket: '…' }.`,
    };
  const events = Array.isArray(source.events) ? source.events.map(String) : ['oss:ObjectCreated:*'];
  return {
    trigger: {
      triggerName: `oss-${source.bucket}`,
      triggerType: 'oss',
      sourceArn: `acs:oss:${REGION}:${ACCOUNT}:${source.bucket}`,
      invocationRole: `acs:ram::${ACCOUNT}:role/aliyunosseventnotificationrole`,
      qualifier: 'LATEST',
      triggerConfig: {
        events,
        filter: { key: { prefix: text(source.prefix), suffix: text(source.suffix) } },
      },
    },
  };
}

function sls(source: Declaration, where: string, definition: DefinitionFacts): TriggerWiring {
  if (typeof source.project !== 'string' || typeof source.logstore !== 'string')
    return {
      byHand: `${where}: an SLS trigger needs the project and the logstore; declare { type: 'alibaba:sls', project: '…', logstore: '…' }.`,
    };
  return {
    trigger: {
      triggerName: `sls-${source.logstore}`,
      triggerType: 'log',
      sourceArn: `acs:log:${REGION}:${ACCOUNT}:project/${source.project}`,
      invocationRole: `acs:ram::${ACCOUNT}:role/aliyunlogetlrole`,
      qualifier: 'LATEST',
      triggerConfig: {
        enable: true,
        sourceConfig: { logstore: source.logstore },
        // The trigger's own run log: a logstore of its own, so its lines never trigger the function.
        logConfig: { project: source.project, logstore: `${source.logstore}-trigger-log` },
        // Strings, as the component's schema types them.
        jobConfig: {
          triggerInterval: String(typeof source.triggerInterval === 'number' ? source.triggerInterval : 60),
          maxRetryTime: String(Math.min(100, retriesOf(definition).retries)),
        },
        functionParameter: {},
      },
    },
  };
}

export const isTrigger = (w: TriggerWiring): w is { readonly trigger: FcTrigger } =>
  isObject(w) && 'trigger' in w;
export const isByHand = (w: TriggerWiring): w is { readonly byHand: string } => isObject(w) && 'byHand' in w;
