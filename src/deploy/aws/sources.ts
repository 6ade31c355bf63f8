/**
 * A declared source as AWS wiring: the function's serverless.yml event, and the resource it reads from
 * when this stack owns it (a queue, topic or stream named in `sources` and not defined by hand).
 * @see ../../../docs/deploy.md
 */
import { toEventPattern, toFilterPatterns } from '../push-down.js';
import { arnOf, type FunctionEvent, nameId, type Resource, ref } from './template.js';

type Declaration = Readonly<Record<string, unknown>>;

/** What the wiring of one source needs to know of its function and of the stack. */
export interface SourceContext {
  readonly filter: Readonly<Record<string, unknown>> | undefined;
  readonly dialect: 'aws' | 'alibaba' | undefined;
  /** The function's dead-letter queue ARN (a stream mapping's on-failure destination). */
  readonly deadLetterArn: unknown;
  /** The function's timeout in seconds: a queue's visibility timeout is six times it, as Lambda advises. */
  readonly timeoutSeconds: number;
  /** The logical id of a resource of `type` whose `nameKey` property is `name`, defined by hand. */
  readonly existing: (type: string, nameKey: string, name: string) => string | undefined;
}

/** The wiring of one source: events for the function, resources for the stack. */
export interface SourceWiring {
  readonly events: FunctionEvent[];
  readonly resources: Readonly<Record<string, Resource>>;
  /** Why nothing was generated, when nothing was: the user writes that event by hand. */
  readonly byHand?: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const defined = <T extends object>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** `sources` entry → AWS wiring. Types with no AWS trigger (Alibaba, Debezium, RocketMQ) get `byHand`. */
export function wireSource(source: Declaration, at: SourceContext): SourceWiring {
  switch (source.type) {
    case 'http':
      return {
        events: methods(source.method).map((method) => ({ httpApi: { method, path: source.path } })),
        resources: {},
      };
    case 'aws:sqs':
      return sqs(source, at);
    case 'aws:sns':
      return sns(source, at);
    case 'aws:s3':
      return s3(source);
    case 'aws:kinesis':
      return kinesis(source, at);
    case 'aws:dynamodb':
      return dynamodb(source, at);
    case 'aws:cloudwatch-logs':
      return {
        events: [
          { cloudwatchLog: defined({ logGroup: source.logGroup, filter: text(source.filterPattern) }) },
        ],
        resources: {},
      };
    case 'aws:schedule':
      return { events: [{ schedule: { rate: [source.expression] } }], resources: {} };
    case 'aws:eventbridge': {
      const pattern = toEventPattern(at.filter, at.dialect)?.value ?? {};
      return {
        events: [{ eventBridge: { pattern: { ...pattern, source: [source.source] } } }],
        resources: {},
      };
    }
    case 'bus':
    case 'cloudevents':
      return busRule(at);
    case 'aws:kafka':
      return byHand('a Kafka cluster (write an `msk` or `kafka` event for its topic by hand)');
    case 'aws:mq':
      return byHand('an Amazon MQ broker (write an `activemq` or `rabbitmq` event for its queue by hand)');
    default:
      return byHand(`an event written by hand: AWS Lambda has no trigger for ${String(source.type)}`);
  }
}

/** The EventBridge rule of a handler that listens on the bus: its filter, pushed down; else every event. */
export function busRule(at: SourceContext): SourceWiring {
  const pattern = toEventPattern(at.filter, at.dialect)?.value ?? { source: [{ prefix: '' }] };
  return { events: [{ eventBridge: { pattern } }], resources: {} };
}

const byHand = (reason: string): SourceWiring => ({ events: [], resources: {}, byHand: reason });

function methods(method: unknown): string[] {
  if (Array.isArray(method)) return method.map(String);
  return [typeof method === 'string' ? method : '*'];
}

function sqs(source: Declaration, at: SourceContext): SourceWiring {
  const name = String(source.queue);
  const fifo = name.endsWith('.fifo');
  const id = at.existing('AWS::SQS::Queue', 'QueueName', name) ?? `${nameId(name)}Queue`;
  const owned = at.existing('AWS::SQS::Queue', 'QueueName', name) === undefined;
  const queue: Resource = {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: name,
      VisibilityTimeout: 6 * at.timeoutSeconds,
      ...(fifo
        ? { FifoQueue: true }
        : // A message the function keeps crashing on, before triggerkit could plan anything, ends here.
          { RedrivePolicy: { deadLetterTargetArn: at.deadLetterArn, maxReceiveCount: 5 } }),
    },
  };
  const filterPatterns = toFilterPatterns(at.filter, 'aws:sqs', at.dialect)?.value;
  const event = defined({
    arn: arnOf(id),
    batchSize: source.batchSize ?? 10,
    maximumBatchingWindow: source.maximumBatchingWindow,
    maximumConcurrency: source.maximumConcurrency,
    functionResponseType: 'ReportBatchItemFailures',
    filterPatterns,
  });
  return { events: [{ sqs: event }], resources: owned ? { [id]: queue } : {} };
}

function sns(source: Declaration, at: SourceContext): SourceWiring {
  const name = String(source.topic);
  const existing = at.existing('AWS::SNS::Topic', 'TopicName', name);
  const id = existing ?? `${nameId(name)}Topic`;
  const topic: Resource = { Type: 'AWS::SNS::Topic', Properties: { TopicName: name } };
  return { events: [{ sns: { arn: ref(id), topicName: name } }], resources: existing ? {} : { [id]: topic } };
}

function s3(source: Declaration): SourceWiring {
  const rules = [
    ...(typeof source.prefix === 'string' ? [{ prefix: source.prefix }] : []),
    ...(typeof source.suffix === 'string' ? [{ suffix: source.suffix }] : []),
  ];
  const event = { bucket: source.bucket, event: 's3:ObjectCreated:*', ...(rules.length > 0 && { rules }) };
  return { events: [{ s3: event }], resources: {} };
}

/** Kinesis and DynamoDB Streams mapping settings, as the Framework's `stream` event names them. */
function streamEvent(type: 'kinesis' | 'dynamodb', arn: unknown, source: Declaration, at: SourceContext) {
  return defined({
    type,
    arn,
    batchSize: source.batchSize ?? 100,
    batchWindow: source.maximumBatchingWindow,
    startingPosition: source.startingPosition ?? 'LATEST',
    bisectBatchOnFunctionError: source.bisectBatchOnFunctionError,
    maximumRetryAttempts: source.maximumRetryAttempts,
    maximumRecordAgeInSeconds: source.maximumRecordAgeInSeconds,
    functionResponseType: 'ReportBatchItemFailures',
    // Records Lambda gives up on (retries or age exhausted): their batch's description goes here.
    destinations: { onFailure: { arn: at.deadLetterArn, type: 'sqs' } },
    filterPatterns: toFilterPatterns(at.filter, `aws:${type}`, at.dialect)?.value,
  });
}

function kinesis(source: Declaration, at: SourceContext): SourceWiring {
  const name = String(source.stream);
  const existing = at.existing('AWS::Kinesis::Stream', 'Name', name);
  const id = existing ?? `${nameId(name)}Stream`;
  const stream: Resource = {
    Type: 'AWS::Kinesis::Stream',
    Properties: { Name: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
  };
  return {
    events: [{ stream: streamEvent('kinesis', arnOf(id), source, at) }],
    resources: existing ? {} : { [id]: stream },
  };
}

/** A table's key schema is the application's, not the handler's: the table must be defined by hand. */
function dynamodb(source: Declaration, at: SourceContext): SourceWiring {
  const name = String(source.table);
  const id = at.existing('AWS::DynamoDB::Table', 'TableName', name);
  if (id === undefined) {
    return byHand(
      `the DynamoDB table ${name}: define it under resources.Resources (Type AWS::DynamoDB::Table, TableName ${name}), and triggerkit wires its stream`,
    );
  }
  const view = source.streamViewType ?? 'NEW_AND_OLD_IMAGES';
  const arn = { 'Fn::GetAtt': [id, 'StreamArn'] };
  // Merged under the hand-written table: its own StreamSpecification, if any, wins.
  const stream: Resource = {
    Type: 'AWS::DynamoDB::Table',
    Properties: { StreamSpecification: { StreamViewType: view } },
  };
  return { events: [{ stream: streamEvent('dynamodb', arn, source, at) }], resources: { [id]: stream } };
}
