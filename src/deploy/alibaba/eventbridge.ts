/**
 * Alibaba EventBridge into a function, in the fc3 component's `eventbridge` trigger: a rule on the default
 * bus (whose pattern is the handler's filter, where the dialect allows), or an event stream from
 * ApsaraMQ for RocketMQ, Kafka or an MNS queue, with its run options from the definition.
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-streams
 */
import type { DefinitionFacts } from '../../build/standalone.js';
import { streamRunOptions } from './retry.js';
import type { Declaration, FcTrigger, TriggerWiring } from './triggers.js';
import { REGION } from './vars.js';

/** CloudEvent attributes an Alibaba EventBridge event keeps as they are when normalized (eventbridge.ts). */
const KEPT_ATTRIBUTES = /^(id|source|type|subject|specversion|datacontenttype|dataschema|data|aliyun[a-z]*)$/;

/**
 * The handler's filter as an Alibaba EventBridge rule pattern. A filter in the Alibaba dialect over the
 * attributes the normalizer keeps is the same pattern on the bus; anything else (`$or`, `time`, which
 * may move, a filter in the AWS dialect) is left out, which only widens the rule: the in-function
 * filter still decides.
 */
export function alibabaRulePattern(definition: DefinitionFacts): { pattern: object; exact: boolean } {
  const filter = definition.filter;
  const all = { pattern: { source: [{ prefix: '' }] }, exact: filter === undefined };
  if (filter === undefined || definition.filterDialect !== 'alibaba') return all;
  const kept = Object.entries(filter).filter(([key]) => KEPT_ATTRIBUTES.test(key));
  if (kept.length === 0) return all;
  return { pattern: Object.fromEntries(kept), exact: kept.length === Object.keys(filter).length };
}

/** `sources[index]` (`alibaba:eventbridge`) → a rule on the default bus, or the event stream it declares. */
export function eventBridgeTrigger(
  source: Declaration,
  index: number,
  definition: DefinitionFacts,
  deadLetterQueue: string,
  where: string,
): TriggerWiring {
  if (source.stream !== undefined) return streamTrigger(source, index, definition, deadLetterQueue, where);
  return {
    trigger: ruleTrigger(`eventbridge-${index + 1}`, definition, {
      async: true,
      source: { eventSourceType: 'Default', eventSourceParameters: {} },
      mode: 'event-driven',
      runOptions: { mode: 'event-driven' },
    }),
  };
}

/** The one `eventbridge` trigger shape: the handler's filter as the pattern, CloudEvents to the function. */
function ruleTrigger(
  triggerName: string,
  definition: DefinitionFacts,
  options: { async: boolean; source: object; mode: 'event-driven' | 'event-streaming'; runOptions: object },
): FcTrigger {
  return {
    triggerName,
    triggerType: 'eventbridge',
    qualifier: 'LATEST',
    triggerConfig: {
      triggerEnable: true,
      asyncInvocationType: options.async,
      eventRuleFilterPattern: JSON.stringify(alibabaRulePattern(definition).pattern),
      eventSourceConfig: options.source,
      eventSinkConfig: { deliveryOption: { mode: options.mode, eventSchema: 'CloudEvents' } },
      runOptions: options.runOptions,
    },
  };
}

/** What each EventBridge event stream reads from, in the fc3 component's `eventSourceParameters`. */
const STREAMS = {
  rocketmq: {
    type: 'RocketMQ',
    needs: ['instance', 'topic', 'group'],
    parameters: (s: Declaration) => ({
      sourceRocketMQParameters: {
        RegionId: REGION,
        InstanceId: s.instance,
        Topic: s.topic,
        GroupID: s.group,
        Tag: typeof s.tag === 'string' ? s.tag : '*',
      },
    }),
  },
  kafka: {
    type: 'Kafka',
    needs: ['instance', 'topic', 'group'],
    parameters: (s: Declaration) => ({
      sourceKafkaParameters: {
        RegionId: REGION,
        InstanceId: s.instance,
        Topic: s.topic,
        ConsumerGroup: s.group,
        OffsetReset: 'latest',
      },
    }),
  },
  mns: {
    type: 'MNS',
    needs: ['queue'],
    parameters: (s: Declaration) => ({ sourceMNSParameters: { QueueName: s.queue, IsBase64Decode: false } }),
  },
} as const;

/**
 * An EventBridge event stream from ApsaraMQ for RocketMQ, Kafka or an MNS queue into the function: the
 * events arrive as Alibaba EventBridge CloudEvents, with the stream's retry strategy, error tolerance and
 * dead-letter queue from `retry`, `onError` and `deadLetter`, and the rule pattern from the filter.
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-streams
 */
function streamTrigger(
  source: Declaration,
  index: number,
  definition: DefinitionFacts,
  deadLetterQueue: string,
  where: string,
): TriggerWiring {
  const stream = STREAMS[source.stream as keyof typeof STREAMS];
  const missing = stream?.needs.filter((key) => typeof source[key] !== 'string') ?? [];
  if (stream === undefined || missing.length > 0) {
    const example =
      stream?.needs.map((key) => `${key}: '…'`).join(', ') ?? "instance: '…', topic: '…', group: '…'";
    return {
      byHand: `${where}: an EventBridge ${String(source.stream)} stream needs ${missing.join(', ') || 'a known stream (rocketmq, kafka, mns)'}; declare { type: 'alibaba:eventbridge', stream: '${stream === undefined ? 'rocketmq' : String(source.stream)}', ${example} }.`,
    };
  }
  return {
    trigger: ruleTrigger(`${String(source.stream)}-${index + 1}`, definition, {
      async: false,
      source: { eventSourceType: stream.type, eventSourceParameters: stream.parameters(source) },
      mode: 'event-streaming',
      runOptions: streamRunOptions(definition, deadLetterQueue),
    }),
  };
}
