/**
 * Raw platform events built around your data: the event each platform really sends (an SQS batch, a
 * Kafka batch, an MNS topic message…), which `toCloudEvents` reads back as that source with your data.
 * One generator per source kind, pure given `seed` (and `time`); the emulator's
 * `triggerkit send --as <kind>` and tests use the same ones.
 */
import { type MnsOptions, mnsEvent, type RocketMqOptions, rocketMqEvent } from './alibaba.js';
import {
  type CloudWatchLogsOptions,
  cloudWatchLogsEvent,
  type EventBridgeOptions,
  eventBridgeEvent,
  type S3Options,
  s3Event,
} from './aws-events.js';
import {
  type MqOptions,
  mqEvent,
  type SnsOptions,
  type SqsOptions,
  snsEvent,
  sqsEvent,
} from './aws-messages.js';
import {
  type DynamoDbOptions,
  dynamoDbEvent,
  type KafkaOptions,
  type KinesisOptions,
  kafkaEvent,
  kinesisEvent,
} from './aws-streams.js';
import { type CommonOptions, createIds, type Ids, itemsOf } from './kit.js';

export type { CommonOptions } from './kit.js';

/** The options of each kind: the common ones (`data`, `items`, `seed`…) plus where the event comes from. */
export interface GenerateOptionsByKind {
  'aws:sqs': SqsOptions;
  'aws:sns': SnsOptions;
  'aws:s3': S3Options;
  'aws:kinesis': KinesisOptions;
  'aws:dynamodb': DynamoDbOptions;
  'aws:kafka': KafkaOptions;
  'aws:mq': MqOptions;
  'aws:eventbridge': EventBridgeOptions;
  'aws:cloudwatch-logs': CloudWatchLogsOptions;
  rocketmq: RocketMqOptions;
  'alibaba:mns': MnsOptions;
}
export type GeneratedKind = keyof GenerateOptionsByKind;

/** What the emulator needs to know of a kind to deliver generated events as its platform does. */
export interface Generator {
  // biome-ignore lint/suspicious/noExplicitAny: one table over every kind's own options type.
  readonly make: (items: readonly unknown[], options: any, ids: Ids) => unknown;
  /** Records per invocation by default (1: the platform invokes once per message). */
  readonly perInvocation: number;
  /** The option, and `sources` declaration key, that names the resource (queue, topic…). */
  readonly resource?: string;
  /** CloudEvents `type` prefixes of this source's events. */
  readonly types: readonly string[];
}

/**
 * Batch sizes are the event source mappings' defaults (SQS 10, streams and brokers 100); SNS, S3,
 * EventBridge and MNS invoke once per message or notification.
 */
export const GENERATORS: Readonly<Record<GeneratedKind, Generator>> = {
  'aws:sqs': { make: sqsEvent, perInvocation: 10, resource: 'queue', types: ['com.amazonaws.sqs.'] },
  'aws:sns': { make: snsEvent, perInvocation: 1, resource: 'topic', types: ['com.amazonaws.sns.'] },
  'aws:s3': { make: s3Event, perInvocation: 1, resource: 'bucket', types: ['com.amazonaws.s3.'] },
  'aws:kinesis': {
    make: kinesisEvent,
    perInvocation: 100,
    resource: 'stream',
    types: ['com.amazonaws.kinesis.'],
  },
  'aws:dynamodb': {
    make: dynamoDbEvent,
    perInvocation: 100,
    resource: 'table',
    types: ['com.amazonaws.dynamodb.'],
  },
  'aws:kafka': { make: kafkaEvent, perInvocation: 100, resource: 'topic', types: ['org.apache.kafka.'] },
  'aws:mq': { make: mqEvent, perInvocation: 100, resource: 'queue', types: ['com.amazonaws.mq.'] },
  'aws:eventbridge': { make: eventBridgeEvent, perInvocation: 1, resource: 'source', types: ['aws.'] },
  'aws:cloudwatch-logs': {
    make: cloudWatchLogsEvent,
    perInvocation: 10_000,
    resource: 'logGroup',
    types: ['com.amazonaws.logs.'],
  },
  rocketmq: { make: rocketMqEvent, perInvocation: 32, types: ['org.apache.rocketmq.'] },
  'alibaba:mns': { make: mnsEvent, perInvocation: 1, types: ['com.aliyun.mns.'] },
};

/** Every kind `generateEvent` builds, in the order `--as` lists them. */
export const GENERATED_KINDS = Object.keys(GENERATORS) as readonly GeneratedKind[];

export function isGeneratedKind(kind: string): kind is GeneratedKind {
  return Object.hasOwn(GENERATORS, kind);
}

/**
 * The raw event `kind`'s platform sends with `data` (or the batch `items`) as its payload.
 * Throws a `TypeError` naming the problem for data the platform cannot carry (an S3 record's data must be
 * the object's fields).
 *
 * @example
 * const raw = generateEvent('aws:kafka', { items: [{ id: 1 }, { id: 2 }], topic: 'orders', seed: 't' });
 * toCloudEvents(raw).items.map((i) => i.event.data); // [{ id: 1 }, { id: 2 }]
 */
export function generateEvent<K extends GeneratedKind>(
  kind: K,
  options: GenerateOptionsByKind[K] = {},
): unknown {
  if (!isGeneratedKind(kind))
    throw new TypeError(
      `Cannot generate ${JSON.stringify(kind)} events; kinds: ${GENERATED_KINDS.join(', ')}.`,
    );
  const common: CommonOptions = options;
  return GENERATORS[kind].make(itemsOf(common), options, createIds(kind, common));
}
