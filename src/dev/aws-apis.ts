/**
 * The AWS APIs the emulator serves on `POST /`, over its own store: SQS, Kinesis, EventBridge, CloudWatch
 * Logs and DynamoDB (forwarded to `--dynamodb`) in AWS's JSON protocol, told apart by `X-Amz-Target`,
 * and SNS in the query protocol (form-encoded `Action=…`). Retry and dead-letter queues that handlers
 * write land in the same store their live triggers poll; PutEvents lands on the bus.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudEvent } from '../cloud-event.js';
import type { Clock } from './clock.js';
import { createDynamoDbEndpoint } from './dynamodb/endpoint.js';
import { createUpstream, DYNAMODB_TARGET_PREFIX } from './dynamodb/upstream.js';
import { createEventBridgeEndpoint } from './eventbridge/endpoint.js';
import { createKinesisEndpoint, KINESIS_TARGET_PREFIX } from './kinesis/endpoint.js';
import { createLogsApi, LOGS_TARGET } from './logs/api.js';
import { HttpProblem, type Route } from './router.js';
import { createSnsEndpoint, SNS_VERSION } from './sns/endpoint.js';
import { createSqsEndpoint } from './sqs/endpoint.js';
import type { LogStore } from './store/logs.js';
import type { Store } from './store/store.js';

/** An API of the emulator in AWS's JSON protocol: answers and resolves true, or resolves false (not its call). */
interface AwsJsonService {
  readonly prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
}
const AWS_JSON_SERVICES =
  'AmazonSQS.*, Kinesis_20131202.*, AWSEvents.*, Logs_20140328.*, DynamoDB_20120810.* (forwarded to --dynamodb)';

export interface AwsApiOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logs: LogStore;
  readonly log: (line: string) => void;
  /** The DynamoDB-compatible server the DynamoDB API is forwarded to. */
  readonly dynamodb?: string;
  /** Messages arrived in a local queue (the live triggers polling it look again). */
  readonly onQueueChange: (queue: string) => void;
  /** Accepts PutEvents' events on the bus, committed when it returns. */
  readonly publish: (events: readonly CloudEvent[]) => void;
}

/**
 * The `POST /` routes of the AWS APIs, and `close` (ends the SQS long polls).
 *
 * @example
 * const aws = createAwsApis({ store, clock, logs, log, onQueueChange, publish });
 * const routes = [...ownRoutes, ...aws.routes];
 */
export function createAwsApis(options: AwsApiOptions): { routes: Route[]; close(): void } {
  const { store, clock } = options;
  // The JSON protocol of AWS SDK v3: retry queues and dead-letter queues written by handlers land in the
  // same store.
  const sqs = createSqsEndpoint({ queues: store.queues, clock, onChange: options.onQueueChange });
  // The query protocol of AWS SDK v3: topics fan out to those queues and to functions.
  const sns = createSnsEndpoint({ store, clock, log: options.log, onQueueChange: options.onQueueChange });
  // EventBridge's PutEvents lands on the bus: the handlers' filters are its rules.
  const eventBridge = createEventBridgeEndpoint({ clock, publish: options.publish });

  /** The APIs that speak AWS's JSON protocol, by `X-Amz-Target` prefix. */
  const awsJson: readonly AwsJsonService[] = [
    { prefix: 'AmazonSQS.', handle: sqs.handle },
    {
      prefix: KINESIS_TARGET_PREFIX,
      handle: createKinesisEndpoint({ streams: store.streams, clock }).handle,
    },
    { prefix: 'AWSEvents.', handle: eventBridge.handle },
    { prefix: LOGS_TARGET, handle: createLogsApi(options.logs, clock) },
    {
      prefix: DYNAMODB_TARGET_PREFIX,
      handle: createDynamoDbEndpoint({
        upstream: options.dynamodb === undefined ? undefined : createUpstream(options.dynamodb),
        streams: store.streams,
        clock,
      }).handle,
    },
  ];

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/',
      header: 'x-amz-target',
      summary: `the AWS JSON-protocol APIs (X-Amz-Target: ${AWS_JSON_SERVICES}) over the same store`,
      changesState: true,
      async handle({ req, res, body }) {
        const target = String(req.headers['x-amz-target']);
        for (const service of awsJson)
          if (target.startsWith(service.prefix)) {
            if (await service.handle(req, res, body)) return;
          }
        throw new HttpProblem(
          400,
          'E_BAD_REQUEST',
          `X-Amz-Target ${JSON.stringify(target)} names no API of the emulator; it serves ${AWS_JSON_SERVICES}.`,
        );
      },
    },
    {
      method: 'POST',
      path: '/',
      summary:
        'the SNS API (AWS query protocol: form-encoded Action=Publish&Version=2010-03-31…, XML answers)',
      changesState: true,
      accepts: 'POST / takes AWS API calls as the AWS SDK signs them (an Authorization or X-Amz-* header)',
      async handle({ req, res, body }) {
        if (await sns.handle(req, res, body)) return;
        throw new HttpProblem(
          400,
          'E_BAD_REQUEST',
          `POST / serves AWS APIs: SNS as a form-encoded query (Content-Type application/x-www-form-urlencoded, Action=…&Version=${SNS_VERSION}) or ${AWS_JSON_SERVICES} with an X-Amz-Target header; this request is neither. Bus events go to POST /events.`,
        );
      },
    },
  ];
  return { routes, close: () => sqs.close() };
}
