/**
 * THE source catalog: one row per source, in detection order (first match wins, see the research notes,
 * §1.0): Alibaba EventBridge CloudEvents (with `aliyun*` extensions) before the generic structured
 * CloudEvent, then HTTP envelopes, then record batches, then single-event shapes. The registry
 * (`index.ts`), the "closest source" hint (`closest.ts`), the `sources` declarations and their checks
 * (`declarations.ts`), the detect-only stand-ins and `triggerkit build`'s pruner (`src/build/prune.ts`)
 * all derive from these rows. Adding a source is its module (whose `normalize` export is named here)
 * plus one row: see docs/sources/README.md.
 *
 * Longer than most files on purpose: it is one table, and keeping every fact of a source on one row is
 * its point. A detector the stand-ins need lives here or in a `*-detect.ts` module beside its source,
 * never in the normalizer's module, so the pruner can drop that module whole.
 */

import { normalize as alibabaCdn } from './alibaba/cdn.js';
import { normalize as alibabaEventBridge } from './alibaba/eventbridge.js';
import { isAlibabaCloudEvent } from './alibaba/eventbridge-detect.js';
import { normalize as alibabaMns } from './alibaba/mns.js';
import { isMnsTopicMessage } from './alibaba/mns-detect.js';
import { normalize as alibabaOss } from './alibaba/oss.js';
import { normalize as rocketMq } from './alibaba/rocketmq.js';
import { normalize as alibabaSls } from './alibaba/sls.js';
import { normalize as tablestore } from './alibaba/tablestore.js';
import { normalize as alb } from './aws/alb.js';
import { isAlbRequest, multiValueAnswer } from './aws/alb-detect.js';
import { normalize as apiGatewayV1 } from './aws/apigateway-v1.js';
import { normalize as apiGatewayV2 } from './aws/apigateway-v2.js';
import { isFunctionUrl, isPayloadV2, type PayloadV2 } from './aws/apigateway-v2-detect.js';
import { normalize as eventBridge } from './aws/eventbridge.js';
import { isEventBridgeEvent } from './aws/eventbridge-detect.js';
import { normalize as kafka } from './aws/kafka.js';
import { normalize as kinesis } from './aws/kinesis.js';
import { normalize as lambdaUrl } from './aws/lambda-url.js';
import { normalize as mq } from './aws/mq.js';
import { isAmazonMqBatch } from './aws/mq-detect.js';
import { normalize as s3 } from './aws/s3.js';
import { decodeS3Key, isS3Notification, isS3TestEvent } from './aws/s3-detect.js';
import { readScheduleExpression } from './aws/schedule-expression.js';
import { normalize as sns } from './aws/sns.js';
import { normalize as sqs } from './aws/sqs.js';
import {
  at,
  eachRecord,
  firstRecord,
  flag,
  integer,
  lastPart,
  named,
  oneOf,
  parsed,
  prefixOf,
  row,
  suffixOf,
  taken,
} from './catalog-row.js';
import { normalize as debezium } from './cdc/debezium.js';
import { isDebeziumEnvelope, unwrapDebezium } from './cdc/debezium-detect.js';
import { normalize as dynamoDb } from './cdc/dynamodb.js';
import { normalize as cloudEvents } from './cloudevents.js';
import { normalize as fcHttp } from './fc/http.js';
import { type FcHttpEvent, isFcHttpEvent } from './fc/http-detect.js';
import { normalize as fcTimer } from './fc/timer.js';
import { normalize as cloudWatchLogs } from './logs/cloudwatch-logs.js';
import { filterPatternProblem } from './logs/filter-pattern.js';
import { isObject, type JsonObject, type RecordBatch } from './types.js';

const isStructured = (value: unknown) => isObject(value) && typeof value.specversion === 'string';
/** One event, or a JSON array of them (Function Compute 3.0 event streams) judged by its first. */
const oneOrMany =
  (test: (value: unknown) => boolean) =>
  (raw: unknown): raw is JsonObject | unknown[] =>
    test(raw) || (Array.isArray(raw) && raw.length > 0 && test(raw[0]));
const HTTP = { types: ['http'], keys: 'http' } as const;
const KAFKA_SOURCES = ['aws:kafka', 'SelfManagedKafka'];
const DEBEZIUM_OPS = ['c', 'u', 'd', 'r', 't', 'm'];
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const isRecords = (eventSource: string, key: 'eventSource' | 'EventSource' = 'eventSource') => {
  return (raw: unknown): raw is RecordBatch => firstRecord(raw, key) === eventSource;
};
/** The `schema.table` (`db.table` for MySQL) a Debezium change event is of. */
const debeziumTable = (raw: unknown): string[] => {
  const block = at(unwrapDebezium(raw), 'source');
  return [[text(at(block, 'schema')) ?? text(at(block, 'db')), text(at(block, 'table'))].join('.')];
};
const checkDebeziumTable = (d: Readonly<Record<string, unknown>>) =>
  typeof d.table === 'string' && !/^[^.\s]+\.[^.\s]+$/.test(d.table)
    ? `table must name a schema and a table, such as 'public.orders'; got ${JSON.stringify(d.table)}`
    : undefined;
/** `arn:aws:dynamodb:region:account:table/Orders/stream/2026-…` → `Orders` */
const tableOf = (arn: unknown): string => {
  const at = typeof arn === 'string' ? arn.indexOf(':table/') : -1;
  if (at === -1) return '';
  const name = (arn as string).slice(at + ':table/'.length);
  const end = name.indexOf('/');
  return end === -1 ? name : name.slice(0, end);
};
const isV1 = (raw: unknown): raw is JsonObject & { requestContext: JsonObject } =>
  isObject(raw) &&
  typeof raw.resource === 'string' &&
  typeof raw.httpMethod === 'string' &&
  isObject(raw.requestContext) &&
  typeof raw.requestContext.stage === 'string' &&
  (raw.version === undefined || raw.version === '1.0') &&
  // Lambda authorizer (`type: REQUEST`, `methodArn`) and WebSocket events need other answers.
  raw.methodArn === undefined &&
  raw.requestContext.connectionId === undefined;

/**
 * Settings of Lambda's SQS event source mapping, read by the emulator's live trigger and the deploy plugin.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
const SQS_MAPPING = {
  batchSize: integer(1, 10_000, 'messages'),
  maximumBatchingWindow: integer(0, 300, 'seconds'),
  maximumConcurrency: integer(2, 1_000, 'concurrent batches'),
} as const;
const checkSqsMapping = (d: Readonly<Record<string, unknown>>) => {
  const size = d.batchSize;
  if (typeof size !== 'number' || size <= 10) return undefined;
  if (typeof d.queue === 'string' && d.queue.endsWith('.fifo'))
    return `a FIFO queue takes a batchSize of at most 10; got ${size}`;
  return Number(d.maximumBatchingWindow) >= 1
    ? undefined
    : `a batchSize over 10 needs a maximumBatchingWindow of at least 1 second, as Lambda's SQS mapping does; got batchSize ${size}`;
};
/** Settings of a stream's event source mapping (Kinesis, DynamoDB Streams). */
const STREAM_MAPPING = {
  batchSize: integer(1, 10_000, 'records'),
  maximumBatchingWindow: integer(0, 300, 'seconds'),
  startingPosition: oneOf('LATEST', 'TRIM_HORIZON'),
  bisectBatchOnFunctionError: flag,
  maximumRetryAttempts: integer(-1, 10_000, 'retries (-1: until the record expires)'),
  maximumRecordAgeInSeconds: integer(-1, 604_800, 'seconds (-1: no limit)'),
} as const;
const checkStreamMapping = (d: Readonly<Record<string, unknown>>) => {
  const age = d.maximumRecordAgeInSeconds;
  return typeof age === 'number' && age !== -1 && age < 60
    ? `maximumRecordAgeInSeconds must be -1 or from 60 to 604800 (as Lambda's stream mapping requires); got ${age}`
    : undefined;
};

/**
 * An EventBridge schedule expression, read as EventBridge reads it.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */
const SCHEDULE_EXPRESSION = parsed('rate(5 minutes)', (value) => {
  const problem = typeof value === 'string' ? readScheduleExpression(value) : 'not a string';
  return typeof problem === 'string'
    ? `an EventBridge schedule expression such as 'rate(5 minutes)' or 'cron(0 12 * * ? *)' (${problem})`
    : undefined;
});
/** An FC time trigger event: `triggerTime` and `triggerName`, and nothing but the optional `payload`. */
const isFcTimer = (raw: unknown): raw is JsonObject =>
  isObject(raw) &&
  typeof raw.triggerTime === 'string' &&
  typeof raw.triggerName === 'string' &&
  Object.keys(raw).every((key) => key === 'triggerTime' || key === 'triggerName' || key === 'payload');
/**
 * A Tablestore stream batch: the bytes FC hands the function (a CBOR map: only FC passes bytes, and
 * only this trigger sends CBOR), or their JSON form (`Version: "Sync-v1"`).
 */
const isTablestoreBatch = (raw: unknown): raw is Uint8Array | (JsonObject & { Records: unknown[] }) =>
  (raw instanceof Uint8Array && raw.length > 0 && (raw[0] as number) >> 5 === 5) ||
  (isObject(raw) &&
    typeof raw.Version === 'string' &&
    raw.Version.startsWith('Sync-') &&
    Array.isArray(raw.Records) &&
    (raw.Records.length === 0 || Array.isArray(at(raw.Records[0], 'PrimaryKey'))));
/** A native SLS trigger event, as its detector sees it. */
type SlsEvent = JsonObject & { source: JsonObject };

export const CATALOG = [
  row({
    kind: 'alibaba:eventbridge',
    label: 'Alibaba EventBridge CloudEvent',
    reply: 'throw',
    detect: oneOrMany(isAlibabaCloudEvent),
    // An event stream into the function (s.yaml): where it reads from; not checked on delivery.
    declares: {
      keys: {
        stream: oneOf('rocketmq', 'kafka', 'mns'),
        instance: taken,
        topic: taken,
        group: taken,
        tag: taken,
        queue: taken,
      },
    },
    module: './alibaba/eventbridge.js',
    normalize: alibabaEventBridge,
  }),
  row({
    kind: 'cloudevents',
    label: 'CloudEvent (structured JSON)',
    reply: 'throw',
    detect: oneOrMany(isStructured),
    marks: [
      [
        ['specversion', ['1.0']],
        ['id', 'string'],
        ['source', 'string'],
        ['type', 'string'],
      ],
    ],
    // The emulator's event bus carries structured CloudEvents.
    declares: { types: ['cloudevents', 'bus'] },
    module: './cloudevents.js',
    normalize: cloudEvents,
  }),
  row({
    kind: 'aws:apigateway:v2',
    label: 'API Gateway HTTP API (v2) request',
    reply: 'http',
    detect: (raw): raw is PayloadV2 => isPayloadV2(raw) && !isFunctionUrl(raw),
    marks: [
      [
        ['version', ['2.0']],
        ['routeKey', 'string'],
        ['rawPath', 'string'],
        ['requestContext.http.method', 'string'],
      ],
    ],
    declares: HTTP,
    envelope: (raw) => ({ path: text(raw.rawPath) }),
    module: './aws/apigateway-v2.js',
    normalize: apiGatewayV2,
  }),
  row({
    kind: 'aws:lambda-url',
    label: 'Lambda function URL request',
    reply: 'http',
    detect: (raw): raw is PayloadV2 => isPayloadV2(raw) && isFunctionUrl(raw),
    declares: HTTP,
    envelope: (raw) => ({ path: text(raw.rawPath) }),
    module: './aws/lambda-url.js',
    normalize: lambdaUrl,
  }),
  row({
    kind: 'aws:apigateway:v1',
    label: 'API Gateway REST API (v1) request',
    reply: 'http',
    detect: isV1,
    marks: [
      [
        ['resource', 'string'],
        ['httpMethod', 'string'],
        ['path', 'string'],
        ['requestContext.stage', 'string'],
      ],
    ],
    declares: HTTP,
    envelope: (raw) => ({ path: text(raw.path) }),
    module: './aws/apigateway-v1.js',
    normalize: apiGatewayV1,
  }),
  row({
    kind: 'aws:alb',
    label: 'Application Load Balancer request',
    reply: 'http',
    detect: isAlbRequest,
    marks: [
      [
        ['httpMethod', 'string'],
        ['path', 'string'],
        ['requestContext.elb.targetGroupArn', 'string'],
      ],
    ],
    declares: HTTP,
    envelope: (raw) => ({ path: text(raw.path), multiValueHeaders: multiValueAnswer(raw) }),
    module: './aws/alb.js',
    normalize: alb,
  }),
  row({
    kind: 'alibaba:fc-http',
    label: 'Function Compute HTTP trigger request',
    reply: 'http',
    detect: isFcHttpEvent,
    marks: [
      [
        ['version', ['v1']],
        ['rawPath', 'string'],
        ['requestContext.http.method', 'string'],
        ['requestContext.domainName', 'string'],
      ],
    ],
    declares: HTTP,
    envelope: (raw: FcHttpEvent) => ({ path: raw.rawPath }),
    module: './fc/http.js',
    normalize: fcHttp,
  }),
  row({
    kind: 'aws:sqs',
    label: 'SQS batch',
    reply: 'batch-item-failures',
    detect: isRecords('aws:sqs'),
    marks: [
      [
        ['Records[0].eventSource', ['aws:sqs']],
        ['Records[0].messageId', 'string'],
        ['Records[0].body', 'string'],
        ['Records[0].eventSourceARN', 'string'],
      ],
    ],
    declares: {
      keys: {
        queue: named(eachRecord((r) => lastPart(r.eventSourceARN, ':'))),
        ...SQS_MAPPING,
      },
      check: checkSqsMapping,
    },
    module: './aws/sqs.js',
    normalize: sqs,
  }),
  row({
    kind: 'aws:sns',
    label: 'SNS notification (Lambda subscription)',
    reply: 'throw',
    detect: isRecords('aws:sns', 'EventSource'),
    marks: [
      [
        ['Records[0].EventSource', ['aws:sns']],
        ['Records[0].Sns.MessageId', 'string'],
        ['Records[0].Sns.Message', 'string'],
        ['Records[0].Sns.TopicArn', 'string'],
      ],
    ],
    declares: { keys: { topic: named(eachRecord((r) => lastPart(at(r, 'Sns', 'TopicArn'), ':'))) } },
    module: './aws/sns.js',
    normalize: sns,
  }),
  row({
    kind: 'aws:s3',
    label: 'S3 event notification',
    reply: 'throw',
    detect: (raw): raw is RecordBatch | JsonObject => isS3Notification(raw) || isS3TestEvent(raw),
    marks: [
      [
        ['Records[0].eventSource', ['aws:s3']],
        ['Records[0].eventName', 'string'],
        ['Records[0].s3.bucket.name', 'string'],
        ['Records[0].s3.object.key', 'string'],
      ],
      [
        ['Service', ['Amazon S3']],
        ['Event', ['s3:TestEvent']],
      ],
    ],
    declares: {
      keys: {
        bucket: named(eachRecord((r) => at(r, 's3', 'bucket', 'name'))),
        prefix: prefixOf(eachRecord((r) => decodeS3Key(text(at(r, 's3', 'object', 'key')) ?? ''))),
        suffix: suffixOf(eachRecord((r) => decodeS3Key(text(at(r, 's3', 'object', 'key')) ?? ''))),
      },
    },
    module: './aws/s3.js',
    normalize: s3,
  }),
  row({
    kind: 'aws:kinesis',
    label: 'Kinesis stream batch',
    reply: 'stream-checkpoint',
    detect: isRecords('aws:kinesis'),
    marks: [
      [
        ['Records[0].eventSource', ['aws:kinesis']],
        ['Records[0].eventID', 'string'],
        ['Records[0].kinesis.data', 'string'],
        ['Records[0].kinesis.sequenceNumber', 'string'],
      ],
    ],
    declares: {
      keys: { stream: named(eachRecord((r) => lastPart(r.eventSourceARN, '/'))), ...STREAM_MAPPING },
      check: checkStreamMapping,
    },
    module: './aws/kinesis.js',
    normalize: kinesis,
  }),
  row({
    kind: 'aws:kafka',
    label: 'Kafka batch (MSK or self-managed)',
    reply: 'kafka-item-failures',
    detect: (raw): raw is JsonObject & { records: JsonObject } =>
      isObject(raw) && KAFKA_SOURCES.includes(raw.eventSource as string) && isObject(raw.records),
    marks: [
      [
        ['eventSource', KAFKA_SOURCES],
        ['records', 'object'],
      ],
    ],
    declares: {
      keys: {
        topic: named((raw: JsonObject & { records: JsonObject }) => [
          ...new Set(
            Object.values(raw.records).flatMap((list) =>
              (Array.isArray(list) ? list : [list]).map((r) => text(at(r, 'topic')) ?? ''),
            ),
          ),
        ]),
      },
    },
    module: './aws/kafka.js',
    normalize: kafka,
  }),
  row({
    kind: 'aws:mq',
    label: 'Amazon MQ batch (ActiveMQ or RabbitMQ)',
    reply: 'throw',
    detect: isAmazonMqBatch,
    marks: [
      [
        ['eventSource', ['aws:mq', 'aws:amq']],
        ['messages[0].messageID', 'string'],
        ['messages[0].messageType', 'string'],
      ],
      [
        ['eventSource', ['aws:rmq']],
        ['rmqMessagesByQueue', 'object'],
      ],
    ],
    declares: { keys: { queue: taken } },
    module: './aws/mq.js',
    normalize: mq,
  }),
  row({
    kind: 'aws:dynamodb',
    label: 'DynamoDB Streams batch',
    reply: 'stream-checkpoint',
    detect: isRecords('aws:dynamodb'),
    marks: [
      [
        ['Records[0].eventSource', ['aws:dynamodb']],
        ['Records[0].eventName', ['INSERT', 'MODIFY', 'REMOVE']],
        ['Records[0].dynamodb.SequenceNumber', 'string'],
        ['Records[0].dynamodb.Keys', 'object'],
      ],
    ],
    declares: {
      keys: {
        table: named(eachRecord((r) => tableOf(r.eventSourceARN))),
        ...STREAM_MAPPING,
        // What the table's stream records carry (DynamoDB's StreamViewType); the emulator's live stream.
        streamViewType: oneOf('NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'OLD_IMAGE', 'KEYS_ONLY'),
      },
      check: checkStreamMapping,
    },
    module: './cdc/dynamodb.js',
    normalize: dynamoDb,
  }),
  row({
    kind: 'aws:cloudwatch-logs',
    label: 'CloudWatch Logs subscription',
    reply: 'throw',
    detect: (raw): raw is { awslogs: { data: string } } =>
      isObject(raw) && isObject(raw.awslogs) && typeof raw.awslogs.data === 'string',
    marks: [
      [
        ['awslogs', 'object'],
        ['awslogs.data', 'string'],
      ],
    ],
    declares: {
      keys: { logGroup: taken, filterPattern: taken, events: oneOf('per-line', 'per-batch') },
      check: (d: Readonly<Record<string, unknown>>) =>
        d.filterPattern === undefined ? undefined : filterPatternProblem(d.filterPattern),
    },
    module: './logs/cloudwatch-logs.js',
    normalize: cloudWatchLogs,
  }),
  row({
    kind: 'alibaba:oss',
    label: 'Alibaba OSS trigger',
    reply: 'throw',
    detect: (raw): raw is { events: unknown[] } =>
      isObject(raw) && Array.isArray(raw.events) && at(raw.events[0], 'eventSource') === 'acs:oss',
    marks: [
      [
        ['events[0].eventSource', ['acs:oss']],
        ['events[0].oss.bucket.name', 'string'],
        ['events[0].oss.object.key', 'string'],
      ],
    ],
    // OSS sends keys as their raw UTF-8 names (alibaba/oss.ts, `OSS_KEY_ENCODING`).
    declares: {
      keys: {
        bucket: named(eachRecord((e) => at(e, 'oss', 'bucket', 'name'), 'events')),
        prefix: prefixOf(eachRecord((e) => at(e, 'oss', 'object', 'key'), 'events')),
        suffix: suffixOf(eachRecord((e) => at(e, 'oss', 'object', 'key'), 'events')),
      },
    },
    module: './alibaba/oss.js',
    normalize: alibabaOss,
  }),
  row({
    kind: 'alibaba:sls',
    label: 'Alibaba SLS trigger',
    reply: 'throw',
    detect: (raw): raw is SlsEvent =>
      isObject(raw) &&
      isObject(raw.source) &&
      typeof raw.source.logstoreName === 'string' &&
      typeof raw.source.beginCursor === 'string',
    marks: [
      [
        ['source.logstoreName', 'string'],
        ['source.beginCursor', 'string'],
        ['source.endCursor', 'string'],
      ],
    ],
    // `triggerInterval`: how often SLS looks for new data in the Logstore's shards (3 to 600 s, default 60).
    declares: {
      keys: {
        project: named((raw: SlsEvent) => [String(raw.source.projectName)]),
        logstore: named((raw: SlsEvent) => [String(raw.source.logstoreName)]),
        triggerInterval: integer(3, 600, 'seconds'),
      },
    },
    module: './alibaba/sls.js',
    normalize: alibabaSls,
  }),
  row({
    kind: 'alibaba:mns',
    label: 'Alibaba MNS topic trigger',
    reply: 'throw',
    detect: isMnsTopicMessage,
    marks: [
      [
        ['TopicOwner', 'string'],
        ['MessageMD5', 'string'],
        ['Message', 'present'],
      ],
      [
        ['body', 'string'],
        ['attrs', 'object'],
      ],
    ],
    // The topic is the trigger's setting: STREAM-format messages do not name it, so it is not checked on delivery.
    declares: { keys: { topic: taken } },
    module: './alibaba/mns.js',
    normalize: alibabaMns,
  }),
  row({
    kind: 'alibaba:timer',
    label: 'Function Compute time trigger',
    reply: 'throw',
    detect: isFcTimer,
    marks: [
      [
        ['triggerTime', 'string'],
        ['triggerName', 'string'],
      ],
    ],
    // `cronExpression` and `payload` are the trigger's settings (its schedule and its message).
    declares: {
      keys: {
        triggerName: named((raw: JsonObject) => [String(raw.triggerName)]),
        cronExpression: taken,
        payload: taken,
      },
    },
    module: './fc/timer.js',
    normalize: fcTimer,
  }),
  row({
    kind: 'alibaba:tablestore',
    label: 'Alibaba Tablestore stream trigger',
    reply: 'throw',
    detect: isTablestoreBatch,
    marks: [
      [
        ['Version', 'string'],
        ['Records[0].Type', ['PutRow', 'UpdateRow', 'DeleteRow']],
        ['Records[0].PrimaryKey', 'array'],
      ],
    ],
    // The stream's records do not name their instance or table: the keys are not checked on delivery.
    declares: { keys: { instance: taken, table: taken } },
    module: './alibaba/tablestore.js',
    normalize: tablestore,
  }),
  row({
    kind: 'alibaba:cdn',
    label: 'Alibaba CDN events trigger',
    reply: 'throw',
    detect: (raw): raw is { events: unknown[] } =>
      isObject(raw) && Array.isArray(raw.events) && at(raw.events[0], 'eventSource') === 'cdn',
    marks: [
      [
        ['events[0].eventSource', ['cdn']],
        ['events[0].eventName', 'string'],
        ['events[0].traceId', 'string'],
      ],
    ],
    declares: { keys: { domain: named(eachRecord((e) => at(e, 'resource', 'domain'), 'events')) } },
    module: './alibaba/cdn.js',
    normalize: alibabaCdn,
  }),
  row({
    kind: 'rocketmq',
    label: 'Apache RocketMQ trigger',
    reply: 'throw',
    detect: (raw): raw is unknown[] =>
      Array.isArray(raw) &&
      isObject(raw[0]) &&
      typeof raw[0].msgId === 'string' &&
      typeof raw[0].topic === 'string' &&
      isObject(raw[0].systemProperties) &&
      'body' in raw[0],
    marks: [
      [
        ['[0].msgId', 'string'],
        ['[0].topic', 'string'],
        ['[0].systemProperties', 'object'],
        ['[0].body', 'present'],
      ],
    ],
    module: './alibaba/rocketmq.js',
    normalize: rocketMq,
  }),
  row({
    kind: 'debezium',
    label: 'Debezium change event',
    reply: 'throw',
    detect: isDebeziumEnvelope,
    // With the JSON converter's schema (`{ schema, payload }`) and without it.
    marks: [
      [
        ['payload.op', DEBEZIUM_OPS],
        ['payload.source.connector', 'string'],
      ],
      [
        ['op', DEBEZIUM_OPS],
        ['source.connector', 'string'],
      ],
    ],
    // `table` as Debezium's `table.include.list` names it: `schema.table` (PostgreSQL), `db.table` (MySQL).
    // The emulator feeds a declaration from PostgreSQL (`triggerkit dev --postgres`) with a snapshot of
    // the table first, unless `snapshotMode` is `no_data` (Debezium's `snapshot.mode`).
    declares: {
      keys: { table: named(debeziumTable), snapshotMode: oneOf('initial', 'no_data') },
      check: checkDebeziumTable,
    },
    module: './cdc/debezium.js',
    normalize: debezium,
  }),
  row({
    kind: 'aws:eventbridge',
    label: 'EventBridge event',
    reply: 'throw',
    detect: isEventBridgeEvent,
    marks: [
      [
        ['version', ['0']],
        ['id', 'string'],
        ['source', 'string'],
        ['detail-type', 'string'],
        ['detail', 'present'],
        ['time', 'string'],
      ],
    ],
    declares: {
      keys: { source: taken },
      // A schedule rule's events are EventBridge events (`Scheduled Event` from `aws.events`).
      variants: { 'aws:schedule': { keys: { expression: SCHEDULE_EXPRESSION } } },
    },
    module: './aws/eventbridge.js',
    normalize: eventBridge,
  }),
] as const;

/** A row of the catalog. */
export type SourceRow = (typeof CATALOG)[number];
