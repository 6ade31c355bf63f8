/**
 * `events`: typed factories of the raw events platforms send, for `invoke` — the same generators as
 * `triggerkit generate-event` (src/testing/generate/), typed as `aws-lambda` types them. Ids are new
 * on each call and the time is now, unless `seed` and `time` say otherwise.
 */
import type {
  ALBEvent,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  CloudWatchLogsEvent,
  DynamoDBStreamEvent,
  EventBridgeEvent,
  KinesisStreamEvent,
  LambdaFunctionURLEvent,
  MSKEvent,
  S3Event,
  SelfManagedKafkaEvent,
  SNSEvent,
  SQSEvent,
} from 'aws-lambda';
import type { CloudEvent } from '../cloud-event.js';
import { otherFactories } from './events-other.js';
import { type HttpRequestOptions, make, type Options, requestOf, type Shared } from './events-shared.js';
import { webhookFactories } from './events-webhooks.js';
import { type ChainName, generateChain } from './generate/chains.js';

/** The events of the chains, by name. */
export interface ChainEvents {
  'aws:s3/sqs': SQSEvent;
  'aws:s3/sns': SNSEvent;
  'aws:s3/sns/sqs': SQSEvent;
  'aws:s3/eventbridge': EventBridgeEvent<string, unknown>;
  'aws:sns/sqs': SQSEvent;
  'aws:sns/sqs:raw': SQSEvent;
  'aws:eventbridge/sqs': SQSEvent;
}

/** An object of S3 (its key given decoded, as you named it) and what the notification says of it. */
export interface S3ObjectOptions extends Shared {
  readonly bucket?: string;
  readonly key: string;
  readonly size?: number;
  readonly eventName?: string;
  readonly eTag?: string;
  readonly versionId?: string;
}

const objectFields = ({ key, size, eTag, versionId }: S3ObjectOptions) => ({
  key,
  size: size ?? 0,
  ...(eTag !== undefined && { eTag }),
  ...(versionId !== undefined && { versionId }),
});

const awsFactories = {
  /** An SQS batch: `body` as is, or `data` as JSON, or `items` (one message each). */
  sqs: (o: Options<'aws:sqs'> & { readonly body?: string } = {}): SQSEvent =>
    make('aws:sqs', o.body === undefined ? o : { ...o, data: o.body }),
  /** An SNS notification to a Lambda subscription: `message` as is, or `data` as JSON. */
  sns: (o: Options<'aws:sns'> & { readonly message?: string } = {}): SNSEvent =>
    make('aws:sns', o.message === undefined ? o : { ...o, data: o.message }),
  /** An S3 notification of one object; its key is URL-encoded in the record, as S3 does. */
  s3: (o: S3ObjectOptions): S3Event => make('aws:s3', { ...o, data: objectFields(o) }),
  /** The S3 event as EventBridge delivers it (the bucket's EventBridge notifications on). */
  s3EventBridge: (o: S3ObjectOptions): EventBridgeEvent<string, Record<string, unknown>> =>
    generateChain('aws:s3/eventbridge', { ...o, data: objectFields(o) }) as EventBridgeEvent<
      string,
      Record<string, unknown>
    >,
  kinesis: (o: Options<'aws:kinesis'> = {}): KinesisStreamEvent => make('aws:kinesis', o),
  /**
   * A DynamoDB Streams record, the images marshalled as DynamoDB writes them; `eventName` defaults to
   * `MODIFY` with both images, `INSERT` with `newImage`, `REMOVE` with `oldImage`.
   */
  dynamodb: (
    o: Shared & {
      readonly newImage?: Readonly<Record<string, unknown>>;
      readonly oldImage?: Readonly<Record<string, unknown>>;
      readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
      readonly table?: string;
      readonly keys?: readonly string[];
    },
  ): DynamoDBStreamEvent => {
    const { newImage, oldImage, ...rest } = o;
    const eventName = o.eventName ?? (newImage && oldImage ? 'MODIFY' : newImage ? 'INSERT' : 'REMOVE');
    const item = eventName === 'REMOVE' ? oldImage : newImage;
    if (item === undefined)
      throw new TypeError(
        `events.dynamodb: a ${eventName} record needs ${eventName === 'REMOVE' ? 'oldImage' : 'newImage'}.`,
      );
    return make('aws:dynamodb', { ...rest, eventName, data: item, ...(oldImage && { oldImage }) });
  },
  eventBridge: <TDetailType extends string, TDetail>(
    o: Shared & {
      readonly source: string;
      readonly detailType: TDetailType;
      readonly detail: TDetail;
      readonly resources?: readonly string[];
    },
  ): EventBridgeEvent<TDetailType, TDetail> => make('aws:eventbridge', { ...o, data: o.detail }),
  /** A schedule rule's `Scheduled Event`. */
  schedule: (
    o: Shared & { readonly rule?: string } = {},
  ): EventBridgeEvent<'Scheduled Event', Record<string, never>> =>
    make('aws:eventbridge', {
      ...o,
      data: {},
      source: 'aws.events',
      detailType: 'Scheduled Event',
      resources: [
        `arn:aws:events:${o.region ?? 'us-east-1'}:${o.account ?? '000000000000'}:rule/${o.rule ?? 'schedule'}`,
      ],
    }),
  cloudWatchLogs: (o: Options<'aws:cloudwatch-logs'> = {}): CloudWatchLogsEvent =>
    make('aws:cloudwatch-logs', o),
  kafka: <C extends 'msk' | 'self-managed' = 'msk'>(
    o: Options<'aws:kafka'> & { readonly cluster?: C } = {},
  ): C extends 'self-managed' ? SelfManagedKafkaEvent : MSKEvent => make('aws:kafka', o),
  /** An API Gateway HTTP API request (payload 2.0). */
  http: (o: HttpRequestOptions = {}): APIGatewayProxyEventV2 => make('aws:apigateway:v2', requestOf(o)),
  functionUrl: (o: HttpRequestOptions = {}): LambdaFunctionURLEvent => make('aws:lambda-url', requestOf(o)),
  /** An API Gateway REST API request (payload 1.0). */
  restApi: (o: HttpRequestOptions = {}): APIGatewayProxyEvent => make('aws:apigateway:v1', requestOf(o)),
  alb: (o: HttpRequestOptions = {}): ALBEvent => make('aws:alb', requestOf(o)),
  /** A structured CloudEvent, as a CloudEvents producer sends it. */
  cloudEvent: <T>(
    o: Shared & {
      readonly type: string;
      readonly source: string;
      readonly data?: T;
      readonly id?: string;
      readonly subject?: string;
    },
  ): CloudEvent<T> => make('cloudevents', o),
  /** An event that went through several services (`aws:s3/sns/sqs`…): see `triggerkit generate-event --list`. */
  chain: <N extends ChainName>(name: N, o: Parameters<typeof generateChain>[1] = {}): ChainEvents[N] =>
    generateChain(name, o) as ChainEvents[N],
};

/**
 * Raw events as the platforms send them, typed.
 *
 * @example
 * const result = await invoke(handler, events.sqs({ data: { orderId: 'ord-1', total: 120 }, queue: 'orders' }));
 * const signed = events.github({ secret: process.env.GITHUB_SECRET!, event: 'push', payload: push });
 */
export const events: typeof awsFactories & typeof webhookFactories & typeof otherFactories = {
  ...awsFactories,
  ...webhookFactories,
  ...otherFactories,
};
