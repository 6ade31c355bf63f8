/**
 * Raw platform events built around your data: the event each platform really sends (an SQS batch, a
 * Kafka batch, an HTTP API request, an OSS notification…), which `toCloudEvents` reads back as that
 * source with your data. One generator per source kind of the catalog, pure given `seed` (and `time`);
 * `triggerkit generate-event`, the `events` factories of `triggerkit/testing` and the emulator's
 * `triggerkit send --as <kind>` use the same ones.
 */
import type { SourceKind } from '../../sources/types.js';
import {
  type AlibabaEventBridgeOptions,
  alibabaEventBridgeEvent,
  type MnsOptions,
  mnsEvent,
  type OssOptions,
  ossEvent,
  type RocketMqOptions,
  rocketMqEvent,
  type SlsOptions,
  slsEvent,
} from './alibaba.js';
import {
  type CloudWatchLogsOptions,
  cloudWatchLogsEvent,
  type EventBridgeOptions,
  eventBridgeEvent,
  type S3Options,
  s3Event,
} from './aws-events.js';
import { type SnsOptions, type SqsOptions, snsEvent, sqsEvent } from './aws-messages.js';
import { type MqOptions, mqEvent } from './aws-mq.js';
import {
  type DynamoDbOptions,
  dynamoDbEvent,
  type KafkaOptions,
  type KinesisOptions,
  kafkaEvent,
  kinesisEvent,
} from './aws-streams.js';
import { type CloudEventOptions, cloudEvent } from './cloudevents.js';
import { type DebeziumOptions, debeziumEvent } from './debezium.js';
import {
  type CdnOptions,
  cdnEvent,
  type TablestoreOptions,
  type TimerOptions,
  tablestoreEvent,
  timerEvent,
} from './fc.js';
import {
  albEvent,
  apiGatewayV1Event,
  apiGatewayV2Event,
  fcHttpEvent,
  functionUrlEvent,
  type HttpOptions,
} from './http.js';
import { type CommonOptions, createIds, type Ids, itemsOf } from './kit.js';

export type { CommonOptions } from './kit.js';

/** The options of each kind: the common ones (`data`, `items`, `seed`…) plus where the event comes from. */
export interface GenerateOptionsByKind {
  'alibaba:eventbridge': AlibabaEventBridgeOptions;
  cloudevents: CloudEventOptions;
  'aws:apigateway:v2': HttpOptions;
  'aws:lambda-url': HttpOptions;
  'aws:apigateway:v1': HttpOptions;
  'aws:alb': HttpOptions;
  'alibaba:fc-http': HttpOptions;
  'aws:sqs': SqsOptions;
  'aws:sns': SnsOptions;
  'aws:s3': S3Options;
  'aws:kinesis': KinesisOptions;
  'aws:kafka': KafkaOptions;
  'aws:mq': MqOptions;
  'aws:dynamodb': DynamoDbOptions;
  'aws:cloudwatch-logs': CloudWatchLogsOptions;
  'alibaba:oss': OssOptions;
  'alibaba:sls': SlsOptions;
  'alibaba:mns': MnsOptions;
  'alibaba:timer': TimerOptions;
  'alibaba:tablestore': TablestoreOptions;
  'alibaba:cdn': CdnOptions;
  rocketmq: RocketMqOptions;
  debezium: DebeziumOptions;
  'aws:eventbridge': EventBridgeOptions;
}

type Make<O> = (items: readonly unknown[], options: O, ids: Ids) => unknown;

/** One generator per row of the source catalog: a new source without one does not compile. */
const MAKERS: { readonly [K in SourceKind]: Make<GenerateOptionsByKind[K]> } = {
  'alibaba:eventbridge': alibabaEventBridgeEvent,
  cloudevents: cloudEvent,
  'aws:apigateway:v2': apiGatewayV2Event,
  'aws:lambda-url': functionUrlEvent,
  'aws:apigateway:v1': apiGatewayV1Event,
  'aws:alb': albEvent,
  'alibaba:fc-http': fcHttpEvent,
  'aws:sqs': sqsEvent,
  'aws:sns': snsEvent,
  'aws:s3': s3Event,
  'aws:kinesis': kinesisEvent,
  'aws:kafka': kafkaEvent,
  'aws:mq': mqEvent,
  'aws:dynamodb': dynamoDbEvent,
  'aws:cloudwatch-logs': cloudWatchLogsEvent,
  'alibaba:oss': ossEvent,
  'alibaba:sls': slsEvent,
  'alibaba:mns': mnsEvent,
  'alibaba:timer': timerEvent,
  'alibaba:tablestore': tablestoreEvent,
  'alibaba:cdn': cdnEvent,
  rocketmq: rocketMqEvent,
  debezium: debeziumEvent,
  'aws:eventbridge': eventBridgeEvent,
};

/** Every kind `generateEvent` builds: every source of the catalog. */
export const EVENT_KINDS = Object.keys(MAKERS) as readonly SourceKind[];

export function isEventKind(kind: string): kind is SourceKind {
  return Object.hasOwn(MAKERS, kind);
}

/** The kinds the emulator delivers generated events of (`triggerkit send --as`, `POST /sources/<kind>`). */
export type GeneratedKind =
  | 'aws:sqs'
  | 'aws:sns'
  | 'aws:s3'
  | 'aws:kinesis'
  | 'aws:dynamodb'
  | 'aws:kafka'
  | 'aws:mq'
  | 'aws:eventbridge'
  | 'aws:cloudwatch-logs'
  | 'rocketmq'
  | 'alibaba:mns';

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

/** The kinds `triggerkit send --as` delivers, in the order it lists them. */
export const GENERATED_KINDS = Object.keys(GENERATORS) as readonly GeneratedKind[];

export function isGeneratedKind(kind: string): kind is GeneratedKind {
  return Object.hasOwn(GENERATORS, kind);
}

/**
 * The raw event `kind`'s platform sends with `data` (or the batch `items`) as its payload: every
 * source of the catalog. Throws a `TypeError` naming the problem for data the platform cannot carry
 * (an S3 record's data must be the object's fields).
 *
 * @example
 * const raw = generateEvent('aws:kafka', { items: [{ id: 1 }, { id: 2 }], topic: 'orders', seed: 't' });
 * toCloudEvents(raw).items.map((i) => i.event.data); // [{ id: 1 }, { id: 2 }]
 */
export function generateEvent<K extends SourceKind>(
  kind: K,
  options: GenerateOptionsByKind[K] = {},
): unknown {
  if (!isEventKind(kind))
    throw new TypeError(`Cannot generate ${JSON.stringify(kind)} events; kinds: ${EVENT_KINDS.join(', ')}.`);
  const common: CommonOptions = options;
  const make = MAKERS[kind] as Make<GenerateOptionsByKind[K]>;
  return make(itemsOf(common), options, createIds(kind, common));
}
