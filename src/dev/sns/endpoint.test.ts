/** The local SNS endpoint's topic and subscription actions, through the real SDK v3 client. */
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { createEmulator, type Emulator } from '../emulator.js';
import { openStore } from '../store/store.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
let emulator: Emulator | undefined;
const clients: { destroy(): void }[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await emulator?.close();
  emulator = undefined;
});

async function start(functions: Parameters<typeof createEmulator>[0]['functions'] = []) {
  emulator = createEmulator({ functions, log: () => {}, onTrace: () => {} });
  const url = await emulator.listen(0);
  const sns = new SNSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const sqs = new SQSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(sns, sqs);
  return { url, sns, sqs };
}

describe('SNS endpoint', () => {
  it('creates topics idempotently, lists them, and refuses other attributes for the same name', async () => {
    const { sns } = await start();
    const first = await sns.send(
      new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' } }),
    );
    const again = await sns.send(
      new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' } }),
    );
    expect(again.TopicArn).toBe(first.TopicArn);
    expect(first.TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:orders');
    await expect(
      sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Other' } })),
    ).rejects.toThrow(/different attributes/);
    await expect(sns.send(new CreateTopicCommand({ Name: 'orders.fifo' }))).rejects.toThrow(/FIFO topics/);
    const attributes = await sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn }));
    expect(attributes.Attributes).toMatchObject({
      TopicArn: first.TopicArn,
      DisplayName: 'Orders',
      Owner: '000000000000',
    });
    await sns.send(new CreateTopicCommand({ Name: 'refunds' }));
    const listed = await sns.send(new ListTopicsCommand({}));
    expect(listed.Topics?.map((t) => t.TopicArn)).toEqual([
      first.TopicArn,
      'arn:aws:sns:us-east-1:000000000000:refunds',
    ]);
    await sns.send(new DeleteTopicCommand({ TopicArn: first.TopicArn }));
    await expect(
      sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('subscribes, reads and sets subscription attributes, and unsubscribes', async () => {
    const { sns } = await start();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'orders' }));
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn('copy') }),
    );
    const same = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn('copy') }),
    );
    expect(same.SubscriptionArn).toBe(SubscriptionArn);
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn,
        AttributeName: 'RawMessageDelivery',
        AttributeValue: 'true',
      }),
    );
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn,
        AttributeName: 'FilterPolicy',
        AttributeValue: '{"a":["b"]}',
      }),
    );
    // A nested policy is fine for the body, not for attributes: the scope change is checked against it.
    await expect(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{"a":{"b":["c"]}}',
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const attributes = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(attributes.Attributes).toMatchObject({
      SubscriptionArn,
      TopicArn,
      Protocol: 'sqs',
      Endpoint: queueArn('copy'),
      RawMessageDelivery: 'true',
      FilterPolicy: '{"a":["b"]}',
      PendingConfirmation: 'false',
    });
    const byTopic = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(byTopic.Subscriptions?.map((s) => s.SubscriptionArn)).toEqual([SubscriptionArn]);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    expect((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions).toEqual([]);
    await expect(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('refuses what SNS refuses: raw delivery to a function, unsupported protocols, a FIFO queue', async () => {
    const { sns } = await start();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'orders' }));
    const refused = [
      { Protocol: 'lambda', Endpoint: 'audit', Attributes: { RawMessageDelivery: 'true' } },
      { Protocol: 'email', Endpoint: 'ops@example.com' },
      { Protocol: 'sqs', Endpoint: queueArn('orders.fifo') },
      { Protocol: 'sqs', Endpoint: 'not-an-arn' },
    ];
    for (const input of refused)
      await expect(sns.send(new SubscribeCommand({ TopicArn, ...input }))).rejects.toBeInstanceOf(
        InvalidParameterException,
      );
  });

  it('delivers per-protocol messages (MessageStructure json) and filters a lambda subscription', async () => {
    const seen: CloudEvent[] = [];
    const handler = defineHandler({
      name: 'audit',
      sources: [{ type: 'aws:sns' }],
      handle: async (event) => {
        seen.push(event);
      },
    });
    const { url, sns, sqs } = await start([{ name: 'audit', handler }]);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'orders' }));
    await sqs.send(new CreateQueueCommand({ QueueName: 'copy' }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queueArn('copy'),
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'lambda',
        Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:audit',
        Attributes: { FilterPolicy: '{"kind":["audit"]}' },
      }),
    );
    const kind = (value: string) => ({ kind: { DataType: 'String', StringValue: value } });
    await sns.send(new PublishCommand({ TopicArn, Message: 'skipped', MessageAttributes: kind('other') }));
    await sns.send(
      new PublishCommand({
        TopicArn,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: '{"for":"everyone"}', sqs: '{"for":"queues"}' }),
        MessageAttributes: kind('audit'),
      }),
    );
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: `${url}/000000000000/copy`, MaxNumberOfMessages: 10 }),
    );
    expect(received.Messages?.map((m) => m.Body)).toEqual(['skipped', '{"for":"queues"}']);
    const end = Date.now() + 5_000;
    while (seen.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(seen.map((e) => e.data)).toEqual([{ for: 'everyone' }]);
    await expect(
      sns.send(new PublishCommand({ TopicArn, MessageStructure: 'json', Message: '{"sqs":"x"}' })),
    ).rejects.toThrow(/No default entry/);
  });

  it('answers a POST / that is no AWS call with a 400 that says what it serves', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amz-date': '20260101T000000Z' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/SNS as a form-encoded query/);
    const unknown = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-amz-date': '20260101T000000Z' },
      body: 'Action=Nope&Version=2010-03-31',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/<Code>InvalidAction<\/Code>/);
  });
});

describe('SNS store', () => {
  it('gives back an invocation left running by a process that died, and finishes it once', () => {
    const store = openStore(':memory:');
    store.topics.enqueue('audit', 'arn:sub', '{}', 1_000);
    expect(store.topics.claimDue(['audit'], 2_000, 10)).toHaveLength(1);
    expect(store.topics.claimDue(['audit'], 2_000, 10)).toHaveLength(0);
    store.recover();
    const [again] = store.topics.claimDue(['audit'], 2_000, 10);
    expect(again?.attempts).toBe(1);
    store.topics.finish(again?.id as number);
    expect(store.topics.owed()).toBe(0);
    store.close();
  });
});
