import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '../clock.js';
import { openStore } from '../store/store.js';
import { createSqsEndpoint, serveSqsEndpoint } from './endpoint.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The emulator's store in `dir` with the SQS endpoint on it, served on a free port. */
async function open(dir: string, clock: ManualClock) {
  const store = openStore(dir);
  const server = await serveSqsEndpoint(createSqsEndpoint({ queues: store.queues, clock }));
  const sqs = new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const close = async () => {
    sqs.destroy();
    await server.close();
    store.close();
  };
  cleanups.push(close);
  return { sqs, close, url: (name: string) => `${server.url}/000000000000/${name}` };
}

const bodies = (sqs: SQSClient, QueueUrl: string) =>
  sqs
    .send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))
    .then((r) => (r.Messages ?? []).map((m) => m.Body));

describe('SQS state in the emulator database', () => {
  it('keeps queues, messages, delays and in-flight messages across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triggerkit-sqs-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const clock = manualClock();
    const first = await open(dir, clock);
    await first.sqs.send(
      new CreateQueueCommand({ QueueName: 'retry', Attributes: { VisibilityTimeout: '60' } }),
    );
    await first.sqs.send(new SendMessageCommand({ QueueUrl: first.url('retry'), MessageBody: 'in flight' }));
    await first.sqs.send(new ReceiveMessageCommand({ QueueUrl: first.url('retry') }));
    await first.sqs.send(
      new SendMessageCommand({ QueueUrl: first.url('retry'), MessageBody: 'delayed', DelaySeconds: 600 }),
    );
    await first.close();

    const second = await open(dir, clock);
    const { Attributes } = await second.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: second.url('retry'), AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      VisibilityTimeout: '60',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
    });
    expect(await bodies(second.sqs, second.url('retry'))).toEqual([]);
    clock.advance(60_000);
    expect(await bodies(second.sqs, second.url('retry'))).toEqual(['in flight']);
    clock.advance(540_000);
    expect(await bodies(second.sqs, second.url('retry'))).toEqual(['in flight', 'delayed']);
  });

  it('moves a message received maxReceiveCount times to the RedrivePolicy dead-letter queue', async () => {
    const { sqs, url } = await open(':memory:', manualClock());
    await sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }));
    const RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
      maxReceiveCount: 2,
    });
    await sqs.send(new CreateQueueCommand({ QueueName: 'work', Attributes: { RedrivePolicy } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url('work'), MessageBody: 'poison' }));
    expect(await bodies(sqs, url('work'))).toEqual(['poison']);
    expect(await bodies(sqs, url('work'))).toEqual(['poison']);
    expect(await bodies(sqs, url('work'))).toEqual([]);
    expect(await bodies(sqs, url('dlq'))).toEqual(['poison']);
    await expect(
      sqs.send(
        new CreateQueueCommand({ QueueName: 'bad', Attributes: { RedrivePolicy: '{"maxReceiveCount":0}' } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('drops messages older than the retention period', async () => {
    const clock = manualClock();
    const { sqs, url } = await open(':memory:', clock);
    await sqs.send(
      new CreateQueueCommand({ QueueName: 'short', Attributes: { MessageRetentionPeriod: '60' } }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: url('short'), MessageBody: 'old' }));
    clock.advance(59_999);
    await sqs.send(new SendMessageCommand({ QueueUrl: url('short'), MessageBody: 'new' }));
    clock.advance(1);
    expect(await bodies(sqs, url('short'))).toEqual(['new']);
  });
});
