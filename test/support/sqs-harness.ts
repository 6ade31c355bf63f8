/**
 * The retry-queue tests' shared setup: an emulator SQS endpoint on a manual clock, the real AWS SDK
 * client pointed at it, the handler's retry queue and DLQ, and a sender configured the way a deployed
 * function is (from the environment serverless.yml sets).
 */
import { CreateQueueCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { createCloudEvent } from '../../src/cloud-event.js';
import { type ManualClock, manualClock } from '../../src/dev/clock.js';
import { createSqsEndpoint, type SqsEndpoint, serveSqsEndpoint } from '../../src/dev/sqs/endpoint.js';
import { openStore, type Store } from '../../src/dev/store/store.js';
import {
  createRetryQueue,
  type RetryQueue,
  retryQueueConfigFromEnv,
} from '../../src/runtime/aws-lambda/retry-queue.js';

export const T0 = Date.UTC(2026, 0, 1);
export const event = createCloudEvent({
  id: 'ord-1',
  source: '/shop',
  type: 'com.shop.order.created',
  data: { total: 12 },
});

export interface SqsHarness {
  readonly store: Store;
  readonly clock: ManualClock;
  readonly endpoint: SqsEndpoint;
  readonly serverUrl: string;
  readonly sqs: SQSClient;
  readonly urls: { retry: string; dlq: string };
  readonly queue: RetryQueue;
  /**
   * Configures this process as serverless.yml configures a deployed function — its retry queue, its
   * dead-letter queue, the SQS endpoint (the harness's) — until `close`, which puts the environment back.
   */
  useAsDeployedQueues(): void;
  close(): Promise<void>;
}

const DEPLOYED_ENV = ['TRIGGERKIT_RETRY_QUEUE_URL', 'TRIGGERKIT_DLQ_URL', 'AWS_ENDPOINT_URL_SQS'] as const;

export async function openSqsHarness(): Promise<SqsHarness> {
  const store = openStore(':memory:');
  const clock = manualClock(T0);
  const endpoint = createSqsEndpoint({ db: store.db, clock });
  const server = await serveSqsEndpoint(endpoint);
  const sqs = new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const create = async (QueueName: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName }))).QueueUrl as string;
  const urls = { retry: await create('orders-retry'), dlq: await create('orders-dlq') };
  const queue = createRetryQueue(
    retryQueueConfigFromEnv({
      TRIGGERKIT_RETRY_QUEUE_URL: urls.retry,
      TRIGGERKIT_DLQ_URL: urls.dlq,
      AWS_ENDPOINT_URL_SQS: server.url,
    }),
    undefined,
    {},
  );
  let saved: Record<string, string | undefined> | undefined;
  return {
    store,
    clock,
    endpoint,
    serverUrl: server.url,
    sqs,
    urls,
    queue,
    useAsDeployedQueues() {
      saved ??= Object.fromEntries(DEPLOYED_ENV.map((name) => [name, process.env[name]]));
      process.env.TRIGGERKIT_RETRY_QUEUE_URL = urls.retry;
      process.env.TRIGGERKIT_DLQ_URL = urls.dlq;
      process.env.AWS_ENDPOINT_URL_SQS = server.url;
    },
    async close() {
      for (const [name, value] of Object.entries(saved ?? {}))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      sqs.destroy();
      await server.close();
      store.close();
    },
  };
}

export async function receiveOne(sqs: SQSClient, QueueUrl: string): Promise<Message | undefined> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages?.[0];
}

/** What Lambda's SQS event source mapping hands the function for a received message. */
export const toRecord = (message: Message): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: message.Attributes as unknown as SQSRecord['attributes'],
  messageAttributes: Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, v]) => [
      name,
      {
        dataType: v.DataType ?? 'String',
        stringValue: v.StringValue,
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  ),
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders-retry',
  awsRegion: 'us-east-1',
});
