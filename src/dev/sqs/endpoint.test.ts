/** The local SQS endpoint's queues and messages, driven through the real `@aws-sdk/client-sqs` client. */
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '../clock.js';
import { openStore, type Store } from '../store/store.js';
import { createSqsEndpoint, serveSqsEndpoint } from './endpoint.js';
import { md5OfMessageAttributes } from './wire.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let store: Store;
let clock: ManualClock;
let server: Awaited<ReturnType<typeof serveSqsEndpoint>>;
let sqs: SQSClient;
let queueUrl: string;

beforeEach(async () => {
  store = openStore(':memory:');
  clock = manualClock();
  server = await serveSqsEndpoint(createSqsEndpoint({ queues: store.queues, clock }));
  sqs = new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }))).QueueUrl as string;
});

afterEach(async () => {
  sqs.destroy();
  await server.close();
  store.close();
});

const receive = (input: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, ...input })).then((r) => r.Messages ?? []);

describe('queues', () => {
  it('creates, finds and lists queues, with URLs on the endpoint', async () => {
    expect(queueUrl).toBe(`${server.url}/000000000000/orders`);
    await sqs.send(new CreateQueueCommand({ QueueName: 'orders-dlq' }));
    await sqs.send(new CreateQueueCommand({ QueueName: 'payments' }));
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'payments' }))).QueueUrl).toBe(
      `${server.url}/000000000000/payments`,
    );
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'orders' }));
    expect(listed.QueueUrls).toEqual([queueUrl, `${queueUrl}-dlq`]);
    const page = await sqs.send(new ListQueuesCommand({ MaxResults: 2 }));
    expect(page.QueueUrls).toHaveLength(2);
    const rest = await sqs.send(new ListQueuesCommand({ MaxResults: 2, NextToken: page.NextToken }));
    expect(rest.QueueUrls).toEqual([`${server.url}/000000000000/payments`]);
    expect(rest.NextToken).toBeUndefined();
  });

  it('is idempotent for the same attributes and refuses different ones', async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '30' } }));
    await expect(
      sqs.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '5' } })),
    ).rejects.toMatchObject({ name: 'QueueNameExists', $metadata: { httpStatusCode: 400 } });
  });

  it('reports attributes and message counts', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'b', DelaySeconds: 10 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'c' }));
    await receive();
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      VisibilityTimeout: '30',
      DelaySeconds: '0',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
      CreatedTimestamp: String(clock.now() / 1000),
    });
    await expect(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['Colour' as 'All'] })),
    ).rejects.toMatchObject({ name: 'InvalidAttributeName' });
  });
});

describe('messages', () => {
  it('sends and receives a message with the body MD5, system attributes and a receipt handle', async () => {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"total":12}' }));
    expect(sent.MD5OfMessageBody).toBe(md5('{"total":12}'));
    clock.advance(1500);
    const [message, ...more] = await receive({
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      MaxNumberOfMessages: 10,
    });
    expect(more).toEqual([]);
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: '{"total":12}',
      MD5OfBody: md5('{"total":12}'),
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(clock.now() - 1500) },
    });
    expect(message?.ReceiptHandle).toEqual(expect.any(String));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message?.ReceiptHandle }));
    clock.advance(60_000);
    expect(await receive()).toEqual([]);
  });

  it('returns message attributes with the MD5 SQS computes (AWS sample values)', async () => {
    const strings = {
      test_attribute_name_2: { DataType: 'String', StringValue: 'test_attribute_value_2' },
      test_attribute_name_1: { DataType: 'String', StringValue: 'test_attribute_value_1' },
    };
    const binary = { test_attribute_name: { DataType: 'Binary', BinaryValue: 'test_attribute_value' } };
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x', MessageAttributes: strings }),
    );
    expect(sent.MD5OfMessageAttributes).toBe('d53f3b558fe951154770f25cb63dbba9');
    const sentBinary = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'y',
        MessageAttributes: {
          test_attribute_name: { DataType: 'Binary', BinaryValue: Buffer.from('test_attribute_value') },
        },
      }),
    );
    expect(sentBinary.MD5OfMessageAttributes).toBe('23f6bd27ea87aab7dfeadcc9aebee495');
    expect(
      md5OfMessageAttributes({
        test_attribute_name: { ...binary.test_attribute_name, BinaryValue: btoa('test_attribute_value') },
      }),
    ).toBe('23f6bd27ea87aab7dfeadcc9aebee495');
    const [first, second] = await receive({ MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] });
    expect(first?.MessageAttributes).toEqual(strings);
    expect(first?.MD5OfMessageAttributes).toBe('d53f3b558fe951154770f25cb63dbba9');
    expect(Buffer.from(second?.MessageAttributes?.test_attribute_name?.BinaryValue ?? []).toString()).toBe(
      'test_attribute_value',
    );
    const none = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'z' }));
    expect(none.MD5OfMessageAttributes).toBeUndefined();
  });

  it('selects message attributes by name and prefix', async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'x',
        MessageAttributes: {
          'triggerkit-attempt': { DataType: 'Number', StringValue: '2' },
          'triggerkit-handler': { DataType: 'String', StringValue: 'orders' },
          other: { DataType: 'String', StringValue: 'o' },
        },
      }),
    );
    const [message] = await receive({ MessageAttributeNames: ['triggerkit-.*'] });
    expect(Object.keys(message?.MessageAttributes ?? {}).sort()).toEqual([
      'triggerkit-attempt',
      'triggerkit-handler',
    ]);
  });

  it('hides a received message for the visibility timeout, then delivers it again', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'job' }));
    const [first] = await receive({ VisibilityTimeout: 30 });
    clock.advance(29_999);
    expect(await receive()).toEqual([]);
    clock.advance(1);
    const [again] = await receive({ MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    expect(again?.MessageId).toBe(first?.MessageId);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(again?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    // A stale receipt handle is accepted but deletes nothing, as SQS documents.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first?.ReceiptHandle }));
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: again?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [third] = await receive();
    expect(third?.MessageId).toBe(first?.MessageId);
    clock.advance(30_000);
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: third?.ReceiptHandle,
          VisibilityTimeout: 10,
        }),
      ),
    ).rejects.toMatchObject({ name: 'MessageNotInflight' });
  });

  it('delays messages by DelaySeconds, or the queue default', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'later', DelaySeconds: 900 }));
    const slow = await sqs.send(
      new CreateQueueCommand({ QueueName: 'slow', Attributes: { DelaySeconds: '60' } }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: slow.QueueUrl, MessageBody: 'queued' }));
    clock.advance(59_000);
    expect(await receive()).toEqual([]);
    expect(await receive({ QueueUrl: slow.QueueUrl })).toEqual([]);
    clock.advance(1_000);
    expect((await receive({ QueueUrl: slow.QueueUrl }))[0]?.Body).toBe('queued');
    clock.advance(840_000);
    expect((await receive())[0]?.Body).toBe('later');
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x', DelaySeconds: 901 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
  });

  it('purges a queue', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'a' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    expect(await receive()).toEqual([]);
  });
});
