/**
 * Factories of the sources `aws-lambda` has no type for: Amazon MQ, the Alibaba Cloud triggers and
 * Debezium change events. Their types are the generators' own shapes.
 */

import { make, type Options } from './events-shared.js';
import type {
  alibabaEventBridgeEvent,
  mnsEvent,
  ossEvent,
  rocketMqEvent,
  slsEvent,
} from './generate/alibaba.js';
import type { mqEvent } from './generate/aws-mq.js';
import type { debeziumEvent } from './generate/debezium.js';

/** An Amazon MQ batch: ActiveMQ `messages`, or RabbitMQ `rmqMessagesByQueue` with `broker: 'rabbitmq'`. */
export type AmazonMqEvent = ReturnType<typeof mqEvent>;
/** A native OSS trigger's notification (`events[]`). */
export type OssEvent = ReturnType<typeof ossEvent>;
/** A native SLS trigger's cursor range. */
export type SlsEvent = ReturnType<typeof slsEvent>;
/** An MNS topic trigger's message (JSON format, or STREAM with attributes). */
export type MnsEvent = ReturnType<typeof mnsEvent>;
/** An Apache RocketMQ trigger's batch. */
export type RocketMqEvent = ReturnType<typeof rocketMqEvent>;
/** Alibaba EventBridge CloudEvents (an array for several items). */
export type AlibabaEventBridgeEvent = ReturnType<typeof alibabaEventBridgeEvent>;
/** A Debezium change event (JSON converter, no schema). */
export type DebeziumEvent = ReturnType<typeof debeziumEvent>;

export const otherFactories = {
  mq: (o: Options<'aws:mq'> = {}): AmazonMqEvent => make('aws:mq', o),
  /** An OSS notification of one object (its fields, as `events[].oss.object`, key as is). */
  oss: (
    o: Omit<Options<'alibaba:oss'>, 'data' | 'items'> & { readonly key: string; readonly size?: number },
  ): OssEvent => make('alibaba:oss', { ...o, data: { key: o.key, size: o.size ?? 0 } }),
  /** `data` is the trigger's `parameter`. */
  sls: (o: Options<'alibaba:sls'> = {}): SlsEvent => make('alibaba:sls', o),
  mns: (o: Options<'alibaba:mns'> = {}): MnsEvent => make('alibaba:mns', o),
  rocketmq: (o: Options<'rocketmq'> = {}): RocketMqEvent => make('rocketmq', o),
  alibabaEventBridge: (o: Options<'alibaba:eventbridge'> = {}): AlibabaEventBridgeEvent =>
    make('alibaba:eventbridge', o),
  /** `row` is the row after the change (before, for a delete `op: 'd'`). */
  debezium: (
    o: Omit<Options<'debezium'>, 'data' | 'items'> & { readonly row: Readonly<Record<string, unknown>> },
  ): DebeziumEvent => {
    const { row, ...rest } = o;
    return make('debezium', { ...rest, data: row });
  },
};
