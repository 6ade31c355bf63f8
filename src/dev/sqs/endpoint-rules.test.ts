/**
 * SQS's own rules, through the real AWS SDK client: FIFO queues and their names, deduplication ids,
 * attribute names that are also `Object.prototype` names, and redrive policies that name nothing.
 */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '../clock.js';
import { openStore, type Store } from '../store/store.js';
import { createSqsEndpoint, serveSqsEndpoint } from './endpoint.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let store: Store;
let clock: ManualClock;
let server: Awaited<ReturnType<typeof serveSqsEndpoint>>;
let sqs: SQSClient;

beforeEach(async () => {
  store = openStore(':memory:');
  clock = manualClock();
  server = await serveSqsEndpoint(createSqsEndpoint({ queues: store.queues, clock }));
  sqs = new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
});

afterEach(async () => {
  sqs.destroy();
  await server.close();
  store.close();
});

const create = (QueueName: string, Attributes?: Record<string, string>) =>
  sqs.send(new CreateQueueCommand({ QueueName, Attributes })).then((r) => r.QueueUrl as string);
const bodies = (QueueUrl: string) =>
  sqs
    .send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))
    .then((r) => (r.Messages ?? []).map((m) => m.Body));
const redrivePolicy = (queue: string) =>
  JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${queue}`, maxReceiveCount: 1 });

describe('FIFO queues', () => {
  it('need both the FifoQueue attribute and a .fifo name, as SQS says', async () => {
    await expect(create('orders.fifo')).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    });
    await expect(create('orders', { FifoQueue: 'true' })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('must end with .fifo suffix'),
    });
    await expect(create('orders', { ContentBasedDeduplication: 'true' })).rejects.toMatchObject({
      name: 'InvalidAttributeName',
    });
    const url = await create('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    expect(url).toMatch(/\/000000000000\/orders\.fifo$/);
    expect(await create('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' })).toBe(url);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['FifoQueue', 'ContentBasedDeduplication'],
      }),
    );
    expect(Attributes).toEqual({ FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    expect(await create('plain', { FifoQueue: 'false' })).toMatch(/\/plain$/);
  });

  it('deliver a group in order, one in flight at a time, and drop duplicates within five minutes', async () => {
    const url = await create('jobs.fifo', { FifoQueue: 'true' });
    const send = (body: string, group: string, dedup?: string) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: dedup ?? body,
        }),
      );
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).rejects.toMatchObject(
      {
        name: 'MissingParameter',
      },
    );
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })),
    ).rejects.toMatchObject({ message: expect.stringContaining('ContentBasedDeduplication') });
    await expect(
      sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageGroupId: 'g',
          MessageDeduplicationId: 'x',
          DelaySeconds: 5,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const first = await send('a1', 'a');
    expect(first.SequenceNumber).toMatch(/^\d{20}$/);
    const again = await send('a1 again', 'a', 'a1');
    expect([again.MessageId, again.SequenceNumber]).toEqual([first.MessageId, first.SequenceNumber]);
    await send('a2', 'a');
    await send('b1', 'b');
    const taken = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(taken.Messages?.[0]).toMatchObject({
      Body: 'a1',
      Attributes: { MessageGroupId: 'a', MessageDeduplicationId: 'a1', SequenceNumber: first.SequenceNumber },
    });
    // Group a waits for a1; b is free.
    expect(await bodies(url)).toEqual(['b1']);
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: taken.Messages?.[0]?.ReceiptHandle }),
    );
    expect(await bodies(url)).toEqual(['a2']);
    // Five minutes on, a1 is new again; a2 and b1 are back from their visibility timeout, in order.
    clock.advance(5 * 60_000);
    await send('a1', 'a');
    expect(await bodies(url)).toEqual(['a2', 'b1', 'a1']);
  });
});

describe('standard queues', () => {
  it('refuse a MessageDeduplicationId, and take a MessageGroupId', async () => {
    const url = await create('plain');
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('not valid for this queue type'),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'y', MessageGroupId: 'tenant-1' }));
    expect(await bodies(url)).toEqual(['y']);
  });
});

describe('names that are also Object.prototype names', () => {
  it('are unknown queue attributes, not inherited ones', async () => {
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty'])
      await expect(create('q', JSON.parse(`{"${name}":"5"}`))).rejects.toMatchObject({
        name: 'InvalidAttributeName',
        message: `Unknown Attribute ${name}.`,
      });
  });

  it('are valid message attribute names, kept and returned as sent', async () => {
    const url = await create('q');
    const attribute = { DataType: 'String', StringValue: 'v' };
    const raw = (action: string, input: unknown) =>
      fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
        body: JSON.stringify(input),
      }).then((r) => r.text());
    // JSON text, as the SDK would send it: a JS object literal cannot hold an own `__proto__` key.
    const attributes = `{"__proto__":${JSON.stringify(attribute)},"constructor":${JSON.stringify(attribute)}}`;
    const sent = await raw('SendMessage', {
      QueueUrl: url,
      MessageBody: 'x',
      MessageAttributes: JSON.parse(attributes),
    });
    expect(JSON.parse(sent).MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const received = JSON.parse(
      await raw('ReceiveMessage', { QueueUrl: url, MessageAttributeNames: ['All'] }),
    );
    const message = received.Messages[0];
    expect(Object.keys(message.MessageAttributes).sort()).toEqual(['__proto__', 'constructor']);
    expect(message.MD5OfMessageAttributes).toBe(JSON.parse(sent).MD5OfMessageAttributes);
  });
});

describe('redrive policies', () => {
  it('must name an existing dead-letter queue of the same type, at CreateQueue and SetQueueAttributes', async () => {
    await expect(create('work', { RedrivePolicy: redrivePolicy('missing') })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('Dead letter target does not exist'),
    });
    const url = await create('work');
    const set = (policy: string) =>
      sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: policy } }));
    await expect(set(redrivePolicy('missing'))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await create('jobs.fifo', { FifoQueue: 'true' });
    await expect(set(redrivePolicy('jobs.fifo'))).rejects.toMatchObject({
      message: expect.stringContaining('same type'),
    });
    await create('work-dlq');
    await set(redrivePolicy('work-dlq'));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 1 });
  });

  it('never lose a message to a dead-letter queue deleted after the policy was set', async () => {
    const dlq = await create('gone-dlq');
    const url = await create('work', { RedrivePolicy: redrivePolicy('gone-dlq'), VisibilityTimeout: '0' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'keep me' }));
    expect(await bodies(url)).toEqual(['keep me']);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dlq }));
    expect(await bodies(url)).toEqual(['keep me']);
  });
});
