/** The live SQS trigger, driven as a user drives it: the real SDK v3 client against the emulator. */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { NonRetryableError } from '../../errors.js';
import { createEmulator, type Emulator } from '../emulator.js';
import type { EmulatorFunction } from '../run-delivery.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let emulator: Emulator | undefined;
let sqs: SQSClient | undefined;

afterEach(async () => {
  sqs?.destroy();
  await emulator?.close();
  emulator = undefined;
});

async function start(functions: EmulatorFunction[]) {
  emulator = createEmulator({ functions, log: () => {}, onTrace: () => {} });
  const url = await emulator.listen(0);
  sqs = new SQSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  return { url, sqs, emulator, queueUrl: (name: string) => `${url}/000000000000/${name}` };
}

const until = async (test: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('live SQS trigger', () => {
  it('creates the declared queue and runs the handler once per message sent with the SDK', async () => {
    const seen: CloudEvent[] = [];
    const handler = defineHandler({
      name: 'orders',
      sources: [{ type: 'aws:sqs', queue: 'shop-orders' }],
      handle: async (event) => {
        seen.push(event);
      },
    });
    const { sqs, queueUrl } = await start([{ name: 'orders', handler }]);
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl('shop-orders'), MessageBody: '{"order":1}' }),
    );
    await until(() => seen.length === 1);
    expect(seen[0]?.id).toBe(sent.MessageId);
    expect(seen[0]?.data).toEqual({ order: 1 });
    // The message was deleted once handled: nothing left, nothing in flight.
    await until(() => emulator?.store.queues.counts('shop-orders', Date.now()).inFlight === 0);
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl('shop-orders'), AttributeNames: ['All'] }),
    );
    expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe('0');
    expect(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('0');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toHaveLength(1);
  });

  it('hands the function the records Lambda sends, in batches of at most batchSize', async () => {
    const batches: SQSRecord[][] = [];
    const handler = defineHandler({
      name: 'orders',
      sources: [{ type: 'aws:sqs', queue: 'orders', batchSize: 3, maximumBatchingWindow: 1 }],
      handle: async () => {},
    });
    const { sqs, queueUrl } = await start([
      {
        name: 'orders',
        handler: Object.assign(
          (raw: { Records: SQSRecord[] }, context: unknown) => {
            batches.push(raw.Records);
            return handler(raw, context as never);
          },
          { definition: handler.definition },
        ) as never,
      },
    ]);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl('orders'),
        Entries: [1, 2, 3, 4, 5, 6, 7].map((n) => ({
          Id: `m${n}`,
          MessageBody: JSON.stringify({ n }),
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
        })),
      }),
    );
    await until(() => batches.flat().length === 7);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(3);
    const record = batches[0]?.[0] as SQSRecord;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders',
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1', SenderId: '000000000000' },
      messageAttributes: { kind: { stringValue: 'order', dataType: 'String', stringListValues: [] } },
    });
    expect(record.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
  });

  it('dead-letters a poison message after maxAttempts, to the dlq list and the declared queue', async () => {
    let calls = 0;
    const handler = defineHandler({
      name: 'orders',
      sources: [{ type: 'aws:sqs', queue: 'orders' }],
      retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: 10 } },
      deadLetter: { queue: 'orders-dlq' },
      handle: async (event) => {
        calls++;
        if ((event.data as { poison?: boolean }).poison) throw new Error('cannot ship');
      },
    });
    const { sqs, queueUrl, emulator } = await start([{ name: 'orders', handler }]);
    const poison = await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl('orders'), MessageBody: '{"poison":true}' }),
    );
    await until(() => emulator.store.deadLetters().length === 1);
    expect(calls).toBe(3);
    const [letter] = emulator.store.deadLetters();
    expect(letter?.envelope).toMatchObject({
      id: poison.MessageId,
      dlreason: 'retries-exhausted',
      dlattempts: 3,
    });
    const dlq = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl('orders-dlq'), MaxNumberOfMessages: 10 }),
    );
    expect(dlq.Messages).toHaveLength(1);
    expect(JSON.parse(dlq.Messages?.[0]?.Body as string)).toMatchObject({
      id: poison.MessageId,
      dlreason: 'retries-exhausted',
    });
    // The source message is gone: the retries were the store's, not the queue's.
    expect(emulator.store.queues.counts('orders', Date.now())).toEqual({
      visible: 0,
      inFlight: 0,
      delayed: 0,
    });
  });

  it('a NonRetryableError is dead-lettered at once', async () => {
    const handler = defineHandler({
      name: 'orders',
      sources: [{ type: 'aws:sqs', queue: 'orders' }],
      handle: async () => {
        throw new NonRetryableError('bad order');
      },
    });
    const { sqs, queueUrl, emulator } = await start([{ name: 'orders', handler }]);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('orders'), MessageBody: '{}' }));
    await until(() => emulator.store.deadLetters().length === 1);
    expect(emulator.store.deadLetters()[0]?.envelope).toMatchObject({
      dlreason: 'non-retryable',
      dlattempts: 1,
    });
  });

  it('keeps order per message group on a FIFO queue', async () => {
    const seen: string[] = [];
    const handler = defineHandler({
      name: 'ledger',
      sources: [{ type: 'aws:sqs', queue: 'ledger.fifo' }],
      handle: async (event) => {
        seen.push(String((event.data as { n: number }).n));
        await new Promise((resolve) => setTimeout(resolve, 2));
      },
    });
    const { sqs, queueUrl } = await start([{ name: 'ledger', handler }]);
    for (let n = 0; n < 12; n++)
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl('ledger.fifo'),
          MessageBody: JSON.stringify({ n }),
          MessageGroupId: n % 2 === 0 ? 'even' : 'odd',
          MessageDeduplicationId: `d${n}`,
        }),
      );
    // A duplicate within the deduplication window is not delivered again.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl('ledger.fifo'),
        MessageBody: '{"n":0}',
        MessageGroupId: 'even',
        MessageDeduplicationId: 'd0',
      }),
    );
    await until(() => seen.length === 12);
    const even = seen.filter((n) => Number(n) % 2 === 0);
    const odd = seen.filter((n) => Number(n) % 2 === 1);
    expect(even).toEqual(['0', '2', '4', '6', '8', '10']);
    expect(odd).toEqual(['1', '3', '5', '7', '9', '11']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toHaveLength(12);
  });

  it('says which live trigger feeds each function', async () => {
    const handler = defineHandler({
      name: 'orders',
      sources: [{ type: 'aws:sqs', queue: 'shop-orders' }, { type: 'aws:sqs' }],
      handle: async () => {},
    });
    const { url } = await start([{ name: 'orders', handler }]);
    const listing = (await (await fetch(url)).json()) as { functions: { listensTo: string }[] };
    expect(listing.functions[0]?.listensTo).toBe('aws:sqs shop-orders, aws:sqs any queue (Invoke API)');
    await expect(sqs?.send(new CreateQueueCommand({ QueueName: 'shop-orders' }))).resolves.toMatchObject({
      QueueUrl: expect.stringContaining('/shop-orders'),
    });
  });
});
