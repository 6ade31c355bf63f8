/**
 * A whole Lambda-side retry journey — in-process retries, the retry queue on the emulator's SQS
 * endpoint, a re-delay past 15 minutes, the dead-letter queue — on a virtual clock, compared with the
 * emulator's own delivery of the same event: the same attempt times and the same dead-letter bytes.
 */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCloudEvent, toStructuredJson } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { decide } from '../../delivery/decide.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../delivery/policy.js';
import { type ManualClock, manualClock } from '../emulator/clock.js';
import { createEmulator } from '../emulator/emulator.js';
import { createSqsEndpoint, type SqsEndpoint, serveSqsEndpoint } from '../emulator/sqs-endpoint.js';
import { openStore, type Store } from '../emulator/store.js';
import { listDeadLetters } from '../emulator/store-queries.js';
import { retryInProcess } from './in-process-retry.js';
import { planArrival, planFailure, type RetryState, readRetryMessage } from './retry-plan.js';
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

describe('a retry journey in AWS and in the emulator', () => {
  // 2 s, 4 s, 8 s … 1024 s: in-process, then the queue, then a wait past 15 minutes.
  const policy: RetryPolicy = {
    maxAttempts: 11,
    backoff: { type: 'exponential', initialDelay: '2s', maxDelay: '20m' },
    maxEventAge: '1d',
  };

  /** The function on Lambda: 6 s invocations, attempts that always fail, the retry queue in between. */
  async function lambdaJourney() {
    const resolved = resolveRetryPolicy(policy);
    const attempts: number[] = [];
    const steps: string[] = [];
    let retry: RetryState = {
      event,
      handler: 'orders',
      attempt: 1,
      receivedAt: T0,
      firstAttemptAt: T0,
      dueAt: T0,
    };
    for (;;) {
      const deadline = clock.now() + 6_000;
      const current = retry;
      const result = await retryInProcess({
        attempt: current.attempt,
        now: () => clock.now(),
        sleep: async (ms) => {
          steps.push('in-process');
          clock.advance(ms);
        },
        run: async () => {
          attempts.push(clock.now() - T0);
          return { stage: 'handler', error: new Error('db down'), retryable: true };
        },
        plan: (attempt, failure, attemptMs) =>
          planFailure(
            decide(resolved, { attempt, ...failure, receivedAt: current.receivedAt, now: clock.now() }),
            {
              ...current,
              attempt,
              error: failure.error,
              now: clock.now(),
              remainingMs: deadline - clock.now(),
              attemptMs,
            },
          ),
      });
      if (result.status === 'succeeded') throw new Error('the handler never succeeds');
      if (result.plan.kind === 'dead-letter') {
        await queue.sendDeadLetter(result.plan.envelope);
        return { attempts, steps };
      }
      steps.push('queue');
      await queue.sendRetry(result.plan);
      // The event source mapping: the next time a message is visible, it invokes the function with it.
      for (;;) {
        clock.set(endpoint.store.nextVisibleAt('orders-retry', clock.now()) ?? clock.now());
        const message = (await receiveOne(urls.retry)) as Message;
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: urls.retry, ReceiptHandle: message.ReceiptHandle }),
        );
        const arrived = readRetryMessage(toRecord(message)) as RetryState;
        const arrival = planArrival(arrived, clock.now());
        if (arrival.kind === 'run') {
          retry = arrived;
          break;
        }
        steps.push('re-delay');
        await queue.sendRetry(arrival);
      }
    }
  }

  it('makes the same attempts at the same times and dead-letters the same bytes', async () => {
    const aws = await lambdaJourney();
    const dlq = await receiveOne(urls.dlq);

    const emulatorClock = manualClock(T0);
    const emulated: number[] = [];
    const handler = defineHandler({
      name: 'orders',
      retry: policy,
      handle: () => {
        emulated.push(emulatorClock.now() - T0);
        throw new Error('db down');
      },
    });
    const emulator = createEmulator({
      functions: [{ name: 'orders', handler }],
      clock: emulatorClock,
      log: () => {},
    });
    try {
      emulator.publish(event);
      await emulator.runUntilIdle((at) => emulatorClock.set(at));
      const [letter] = listDeadLetters(emulator.store);
      expect(aws.attempts).toEqual(emulated);
      expect(aws.attempts.at(-1)).toBe(2_046_000);
      expect(dlq?.Body).toBe(toStructuredJson(letter?.envelope as never));
    } finally {
      await emulator.close();
    }
    expect(aws.steps).toEqual(['in-process', ...Array(9).fill('queue'), 're-delay']);
  });
});
