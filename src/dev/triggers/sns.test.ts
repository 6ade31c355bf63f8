/** The live SNS trigger, driven as a user drives it: the real SDK v3 clients against the emulator. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTopicCommand,
  InvalidParameterException,
  NotFoundException,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SNSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { createEmulator, type Emulator } from '../emulator.js';
import type { EmulatorFunction } from '../run-delivery.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ARN = 'arn:aws:sns:us-east-1:000000000000';
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
let emulator: Emulator | undefined;
const clients: { destroy(): void }[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await emulator?.close();
  emulator = undefined;
});

async function start(functions: EmulatorFunction[], stateDir?: string) {
  emulator = createEmulator({ functions, log: () => {}, onTrace: () => {}, ...(stateDir && { stateDir }) });
  const url = await emulator.listen(0);
  const sns = new SNSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const sqs = new SQSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(sns, sqs);
  const queue = async (name: string) => {
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    return `${url}/000000000000/${name}`;
  };
  const receive = async (queueUrl: string) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
        }),
      )
    ).Messages ?? [];
  return { url, sns, sqs, emulator, queue, receive };
}

const until = async (test: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** A function that declares `topic` and records the raw events and the CloudEvents it gets. */
function recorder(name: string, topic: string) {
  const raw: SNSEvent[] = [];
  const events: CloudEvent[] = [];
  const handler = defineHandler({
    name,
    sources: [{ type: 'aws:sns', topic }],
    handle: async (event) => {
      events.push(event);
    },
  });
  const fn = Object.assign(
    (event: SNSEvent, context: unknown) => {
      raw.push(event);
      return handler(event, context as never);
    },
    { definition: handler.definition },
  ) as unknown as EmulatorFunction['handler'];
  return { fn: { name, handler: fn }, raw, events };
}

describe('live SNS trigger', () => {
  it('fans a Publish out to two declaring handlers and to subscribed queues, enveloped and raw', async () => {
    const a = recorder('audit', 'orders');
    const b = recorder('mailer', 'orders');
    const { sns, queue, receive } = await start([a.fn, b.fn]);
    const enveloped = await queue('orders-copy');
    const raw = await queue('orders-raw');
    const TopicArn = `${ARN}:orders`;
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn('orders-copy') }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queueArn('orders-raw'),
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    const sent = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: '{"order":7}',
        Subject: 'New order',
        MessageAttributes: { tier: { DataType: 'String', StringValue: 'gold' } },
      }),
    );
    await until(() => a.events.length === 1 && b.events.length === 1);
    for (const seen of [a, b]) {
      expect(seen.events[0]).toMatchObject({ id: sent.MessageId, source: TopicArn, data: { order: 7 } });
      expect(seen.raw[0]?.Records).toHaveLength(1);
    }
    const record = a.raw[0]?.Records[0];
    expect(record).toMatchObject({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      Sns: {
        Type: 'Notification',
        MessageId: sent.MessageId,
        TopicArn,
        Subject: 'New order',
        Message: '{"order":7}',
        SignatureVersion: '1',
        MessageAttributes: { tier: { Type: 'String', Value: 'gold' } },
      },
    });
    expect(record?.EventSubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    // The record has exactly the keys of a recorded Lambda SNS event.
    const fixture = JSON.parse(
      readFileSync(
        new URL('../../../test/fixtures/events/sns/low-stock-notification.json', import.meta.url),
        'utf8',
      ),
    ) as SNSEvent;
    const recorded = fixture.Records[0] as SNSEvent['Records'][number];
    expect(Object.keys(record ?? {}).sort()).toEqual(Object.keys(recorded).sort());
    expect(Object.keys(record?.Sns ?? {}).sort()).toEqual(Object.keys(recorded.Sns).sort());

    const [copy] = await receive(enveloped);
    const notification = JSON.parse(copy?.Body ?? '{}');
    expect(notification).toMatchObject({
      Type: 'Notification',
      MessageId: sent.MessageId,
      TopicArn,
      Subject: 'New order',
      Message: '{"order":7}',
      SignatureVersion: '1',
      MessageAttributes: { tier: { Type: 'String', Value: 'gold' } },
    });
    expect(Object.keys(notification)).toEqual(
      expect.arrayContaining(['Timestamp', 'Signature', 'SigningCertURL', 'UnsubscribeURL']),
    );
    const [plain] = await receive(raw);
    expect(plain?.Body).toBe('{"order":7}');
    expect(plain?.MessageAttributes?.tier).toMatchObject({ DataType: 'String', StringValue: 'gold' });
  });

  it('keeps a message a filter policy rejects out of the queue, on attributes and on the body', async () => {
    const { sns, queue, receive } = await start([]);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'prices' }));
    const byAttribute = await queue('by-attribute');
    const byBody = await queue('by-body');
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queueArn('by-attribute'),
        Attributes: { FilterPolicy: '{"price":[{"numeric":[">",100]}]}', RawMessageDelivery: 'true' },
      }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queueArn('by-body'),
        Attributes: {
          FilterPolicy: '{"order":{"country":["DE"]}}',
          FilterPolicyScope: 'MessageBody',
          RawMessageDelivery: 'true',
        },
      }),
    );
    const price = (n: number) => ({ price: { DataType: 'Number', StringValue: String(n) } });
    await sns.send(
      new PublishCommand({ TopicArn, Message: '{"order":{"country":"FR"}}', MessageAttributes: price(50) }),
    );
    await sns.send(
      new PublishCommand({ TopicArn, Message: '{"order":{"country":"DE"}}', MessageAttributes: price(150) }),
    );
    expect((await receive(byAttribute)).map((m) => m.Body)).toEqual(['{"order":{"country":"DE"}}']);
    expect((await receive(byBody)).map((m) => m.Body)).toEqual(['{"order":{"country":"DE"}}']);
  });

  it('publishes a batch: every good entry delivered, a bad entry reported as failed', async () => {
    const a = recorder('audit', 'orders');
    const { sns } = await start([a.fn]);
    const result = await sns.send(
      new PublishBatchCommand({
        TopicArn: `${ARN}:orders`,
        PublishBatchRequestEntries: [
          { Id: 'one', Message: '{"n":1}' },
          {
            Id: 'two',
            Message: '{"n":2}',
            MessageAttributes: { n: { DataType: 'Number', StringValue: 'two' } },
          },
          { Id: 'three', Message: '{"n":3}' },
        ],
      }),
    );
    expect(result.Successful?.map((s) => s.Id)).toEqual(['one', 'three']);
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'two', Code: 'ParameterValueInvalid', SenderFault: true }),
    ]);
    await until(() => a.events.length === 2);
    expect(
      a.events.map((e) => e.data).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('answers errors the SDK names: NotFound topic, bad filter policy', async () => {
    const { sns } = await start([recorder('audit', 'orders').fn]);
    await expect(
      sns.send(new PublishCommand({ TopicArn: `${ARN}:missing`, Message: 'x' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    const bad = sns.send(
      new SubscribeCommand({
        TopicArn: `${ARN}:orders`,
        Protocol: 'sqs',
        Endpoint: queueArn('q'),
        Attributes: { FilterPolicy: '{"a":[{"wildcard":"x*"}]}' },
      }),
    );
    await expect(bad).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(bad).rejects.toThrow(/FilterPolicy: .*wildcard/);
  });

  it('dead-letters an event a failing handler cannot take after maxAttempts', async () => {
    let calls = 0;
    const handler = defineHandler({
      name: 'fragile',
      sources: [{ type: 'aws:sns', topic: 'orders' }],
      retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: 10 } },
      handle: async () => {
        calls++;
        throw new Error('downstream is down');
      },
    });
    const { sns, emulator } = await start([{ name: 'fragile', handler }]);
    const sent = await sns.send(new PublishCommand({ TopicArn: `${ARN}:orders`, Message: '{"n":1}' }));
    await until(() => emulator.store.deadLetters().length === 1);
    expect(calls).toBe(3);
    expect(emulator.store.deadLetters()[0]?.envelope).toMatchObject({
      id: sent.MessageId,
      dlreason: 'retries-exhausted',
      dlattempts: 3,
    });
  });

  it('keeps an invocation owed across a restart: Publish answered, the function runs later', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triggerkit-sns-'));
    try {
      // First run: the topic and a lambda subscription, but the function is not loaded (a build error).
      const first = await start([], dir);
      const { TopicArn } = await first.sns.send(new CreateTopicCommand({ Name: 'orders' }));
      await first.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: 'late' }));
      const sent = await first.sns.send(new PublishCommand({ TopicArn, Message: '{"n":1}' }));
      expect(first.emulator.store.topics.owed()).toBe(1);
      await first.emulator.close();
      emulator = undefined;
      // The function declares the topic (a handler refuses records of topics it does not declare).
      const late = recorder('late', 'orders');
      await start([late.fn], dir);
      await until(() => late.events.length === 1);
      expect(late.events[0]?.id).toBe(sent.MessageId);
      await until(() => emulator?.store.topics.owed() === 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
