/**
 * Detect-only stand-ins for the sources a built handler does not declare (`triggerkit build`, see
 * `src/build/prune.ts`). Each recognizes exactly what its source recognizes, at the same place in the
 * detection order, so an event from an undeclared source is still told apart — and refused by
 * `checkDeclaredSource` with the same `E_SOURCE_UNDECLARED` message — without the source's normalizer,
 * its decoders or the Node built-ins they import. `stand-ins.test.ts` holds every one to its source.
 *
 * The shape tests come from the source modules where they are exported functions (esbuild keeps only
 * what is used of those modules); the inline ones are restated here.
 */

import { isAlibabaCloudEvent } from './alibaba/eventbridge.js';
import { isFunctionUrl, isPayloadV2 } from './aws/apigateway-v2.js';
import { isEventBridgeEvent } from './aws/eventbridge.js';
import { isS3Notification, isS3TestEvent } from './aws/s3.js';
import { isDebeziumEnvelope } from './cdc/debezium.js';
import {
  type Batch,
  type FailureReply,
  type HttpRequest,
  isObject,
  type JsonObject,
  type Source,
} from './types.js';

const firstRecord = (raw: unknown, key: 'eventSource' | 'EventSource'): unknown => {
  if (!isObject(raw) || !Array.isArray(raw.Records)) return undefined;
  const first: unknown = raw.Records[0];
  return isObject(first) ? first[key] : undefined;
};

const isStructured = (value: unknown) => isObject(value) && typeof value.specversion === 'string';
const KAFKA_SOURCES = new Set(['aws:kafka', 'SelfManagedKafka']);
const isActiveMq = (raw: JsonObject): boolean =>
  Array.isArray(raw.messages) &&
  isObject(raw.messages[0]) &&
  typeof raw.messages[0].messageID === 'string' &&
  typeof raw.messages[0].messageType === 'string';
const isMnsJsonFormat = (raw: JsonObject) =>
  typeof raw.TopicOwner === 'string' && typeof raw.MessageMD5 === 'string' && 'Message' in raw;
const isMnsStreamFormat = (raw: JsonObject) =>
  typeof raw.body === 'string' && isObject(raw.attrs) && Object.keys(raw).length === 2;

/** The request path an HTTP envelope carries (`rawPath` for payload 2.0), for the refusal's message. */
type PathOf = (raw: JsonObject) => unknown;

const DETECT: ReadonlyArray<readonly [string, FailureReply, string, (raw: unknown) => boolean, PathOf?]> = [
  [
    'alibaba:eventbridge',
    'throw',
    'Alibaba EventBridge CloudEvent',
    (raw) =>
      isAlibabaCloudEvent(raw) || (Array.isArray(raw) && raw.length > 0 && isAlibabaCloudEvent(raw[0])),
  ],
  [
    'cloudevents',
    'throw',
    'CloudEvent (structured JSON)',
    (raw) => isStructured(raw) || (Array.isArray(raw) && raw.length > 0 && isStructured(raw[0])),
  ],
  [
    'aws:apigateway:v2',
    'http',
    'API Gateway HTTP API (v2) request',
    (raw) => isPayloadV2(raw) && !isFunctionUrl(raw),
    (raw) => raw.rawPath,
  ],
  [
    'aws:lambda-url',
    'http',
    'Lambda function URL request',
    (raw) => isPayloadV2(raw) && isFunctionUrl(raw),
    (raw) => raw.rawPath,
  ],
  [
    'aws:apigateway:v1',
    'http',
    'API Gateway REST API (v1) request',
    (raw) =>
      isObject(raw) &&
      typeof raw.resource === 'string' &&
      typeof raw.httpMethod === 'string' &&
      isObject(raw.requestContext) &&
      typeof raw.requestContext.stage === 'string' &&
      (raw.version === undefined || raw.version === '1.0') &&
      raw.methodArn === undefined &&
      raw.requestContext.connectionId === undefined,
    (raw) => raw.path,
  ],
  [
    'aws:alb',
    'http',
    'Application Load Balancer request',
    (raw) =>
      isObject(raw) &&
      typeof raw.httpMethod === 'string' &&
      isObject(raw.requestContext) &&
      isObject(raw.requestContext.elb) &&
      typeof raw.requestContext.elb.targetGroupArn === 'string',
    (raw) => raw.path,
  ],
  ['aws:sqs', 'batch-item-failures', 'SQS batch', (raw) => firstRecord(raw, 'eventSource') === 'aws:sqs'],
  [
    'aws:sns',
    'throw',
    'SNS notification (Lambda subscription)',
    (raw) => firstRecord(raw, 'EventSource') === 'aws:sns',
  ],
  ['aws:s3', 'throw', 'S3 event notification', (raw) => isS3Notification(raw) || isS3TestEvent(raw)],
  [
    'aws:kinesis',
    'stream-checkpoint',
    'Kinesis stream batch',
    (raw) => firstRecord(raw, 'eventSource') === 'aws:kinesis',
  ],
  [
    'aws:kafka',
    'kafka-item-failures',
    'Kafka batch (MSK or self-managed)',
    (raw) => isObject(raw) && KAFKA_SOURCES.has(raw.eventSource as string) && isObject(raw.records),
  ],
  [
    'aws:mq',
    'throw',
    'Amazon MQ batch (ActiveMQ or RabbitMQ)',
    (raw) => isObject(raw) && (isActiveMq(raw) || isObject(raw.rmqMessagesByQueue)),
  ],
  [
    'aws:dynamodb',
    'stream-checkpoint',
    'DynamoDB Streams batch',
    (raw) => firstRecord(raw, 'eventSource') === 'aws:dynamodb',
  ],
  [
    'aws:cloudwatch-logs',
    'throw',
    'CloudWatch Logs subscription',
    (raw) => isObject(raw) && isObject(raw.awslogs) && typeof raw.awslogs.data === 'string',
  ],
  [
    'alibaba:oss',
    'throw',
    'Alibaba OSS trigger',
    (raw) => {
      if (!isObject(raw) || !Array.isArray(raw.events)) return false;
      const first: unknown = raw.events[0];
      return isObject(first) && first.eventSource === 'acs:oss';
    },
  ],
  [
    'alibaba:sls',
    'throw',
    'Alibaba SLS trigger',
    (raw) =>
      isObject(raw) &&
      isObject(raw.source) &&
      typeof raw.source.logstoreName === 'string' &&
      typeof raw.source.beginCursor === 'string',
  ],
  [
    'alibaba:mns',
    'throw',
    'Alibaba MNS topic trigger',
    (raw) => isObject(raw) && (isMnsJsonFormat(raw) || isMnsStreamFormat(raw)),
  ],
  [
    'rocketmq',
    'throw',
    'Apache RocketMQ trigger',
    (raw) => {
      if (!Array.isArray(raw)) return false;
      const first: unknown = raw[0];
      return (
        isObject(first) &&
        typeof first.msgId === 'string' &&
        typeof first.topic === 'string' &&
        isObject(first.systemProperties) &&
        'body' in first
      );
    },
  ],
  ['debezium', 'throw', 'Debezium change event', isDebeziumEnvelope],
  ['aws:eventbridge', 'throw', 'EventBridge event', isEventBridgeEvent],
];

function standIn([kind, reply, label, detect, pathOf]: (typeof DETECT)[number]): Source {
  return {
    kind,
    reply,
    label,
    detect,
    // No events: the adapter's `checkDeclaredSource` refuses the batch by its kind (and, for HTTP, path).
    normalize(raw): Batch {
      const path = pathOf && isObject(raw) ? pathOf(raw) : undefined;
      const http = typeof path === 'string' ? ({ path } as HttpRequest) : undefined;
      return Object.freeze({ source: kind, reply, items: Object.freeze([]), ...(http && { http }) });
    },
  };
}

/** Detect-only stand-ins by source kind. */
export const STAND_INS: Readonly<Record<string, Source>> = Object.fromEntries(
  DETECT.map((entry) => [entry[0], standIn(entry)]),
);
