/**
 * The retry-queue sender and dead-letter writer against the emulator's SQS endpoint, through the real
 * `@aws-sdk/client-sqs`: what lands in each queue.
 */
import { CreateQueueCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCloudEvent, toStructuredJson } from '../../cloud-event.js';
import { deadLetterEnvelope } from '../../delivery/dead-letter.js';
import { type ManualClock, manualClock } from '../emulator/clock.js';
import { createSqsEndpoint, type SqsEndpoint, serveSqsEndpoint } from '../emulator/sqs-endpoint.js';
import { openStore, type Store } from '../emulator/store.js';
import { planFailure, queueRetry, type RetryState, readRetryMessage } from './retry-plan.js';
import { createRetryQueue, type RetryQueue, retryQueueConfigFromEnv } from './retry-queue.js';

const T0 = Date.UTC(2026, 0, 1);
const event = createCloudEvent({
  id: 'ord-1',
  source: '/shop',
  type: 'com.shop.order.created',
  data: { total: 12 },
});

let store: Store;
let clock: ManualClock;
let endpoint: SqsEndpoint;
let server: Awaited<ReturnType<typeof serveSqsEndpoint>>;
let sqs: SQSClient;
let urls: { retry: string; dlq: string };
let queue: RetryQueue;

beforeEach(async () => {
  store = openStore(':memory:');
  clock = manualClock(T0);
  endpoint = createSqsEndpoint({ db: store.db, clock });
  server = await serveSqsEndpoint(endpoint);
  sqs = new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const create = async (QueueName: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName }))).QueueUrl as string;
  urls = { retry: await create('orders-retry'), dlq: await create('orders-dlq') };
  // Configured the way a deployed function is: from the environment serverless.yml sets.
  queue = createRetryQueue(
    retryQueueConfigFromEnv({
      TRIGGERKIT_RETRY_QUEUE_URL: urls.retry,
      TRIGGERKIT_DLQ_URL: urls.dlq,
      AWS_ENDPOINT_URL_SQS: server.url,
    }),
    undefined,
    {},
  );
});

afterEach(async () => {
  sqs.destroy();
  await server.close();
  store.close();
});

const receiveOne = async (QueueUrl: string): Promise<Message | undefined> => {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages?.[0];
};

/** What Lambda's SQS event source mapping hands the function for a received message. */
const toRecord = (message: Message): SQSRecord => ({
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

describe('createRetryQueue', () => {
  it('sends a retry with its delay, attributes and the event as the body', async () => {
    const retry: RetryState = {
      event,
      handler: 'orders',
      attempt: 2,
      receivedAt: T0,
      firstAttemptAt: T0,
      dueAt: T0 + 120_000,
    };
    const plan = queueRetry(retry, T0);
    expect(await queue.sendRetry(plan)).toEqual(expect.any(String));
    expect(await receiveOne(urls.retry)).toBeUndefined();
    clock.advance(119_999);
    expect(await receiveOne(urls.retry)).toBeUndefined();
    clock.advance(1);
    const message = (await receiveOne(urls.retry)) as Message;
    expect(message.Body).toBe(JSON.stringify(event));
    expect(message.MessageAttributes).toEqual(plan.attributes);
    expect(readRetryMessage(toRecord(message))).toEqual(retry);
  });

  it('writes the dead-letter envelope byte for byte', async () => {
    const plan = planFailure(
      { action: 'dead-letter', reason: 'non-retryable' },
      {
        event,
        handler: 'orders',
        attempt: 1,
        error: new Error('no customer'),
        receivedAt: T0,
        firstAttemptAt: T0,
        now: T0,
        remainingMs: 1,
      },
    );
    if (plan.kind !== 'dead-letter') throw new Error(`expected a dead letter, got ${plan.kind}`);
    await queue.sendDeadLetter(plan.envelope);
    const message = await receiveOne(urls.dlq);
    expect(message?.Body).toBe(toStructuredJson(plan.envelope));
    expect(message?.Body).toBe(plan.body);
    expect(await receiveOne(urls.retry)).toBeUndefined();
  });

  it('says which variable to set when a queue URL is missing', async () => {
    const unconfigured = createRetryQueue({ endpoint: server.url }, undefined, {});
    const envelope = deadLetterEnvelope({
      event,
      reason: 'invalid',
      attempts: 1,
      error: new Error('bad'),
      handler: 'orders',
      firstAttemptAt: T0,
      lastAttemptAt: T0,
    });
    await expect(unconfigured.sendDeadLetter(envelope)).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringContaining('TRIGGERKIT_DLQ_URL is not set'),
    });
  });
});
