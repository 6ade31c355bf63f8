/** The local SQS endpoint's long polling, batch calls and error answers, through the real AWS SDK client. */
import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '../clock.js';
import { openStore, type Store } from '../store/store.js';
import { createSqsEndpoint, type SqsEndpoint, serveSqsEndpoint } from './endpoint.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let store: Store;
let clock: ManualClock;
let endpoint: SqsEndpoint;
let server: Awaited<ReturnType<typeof serveSqsEndpoint>>;
let sqs: SQSClient;
let queueUrl: string;

beforeEach(async () => {
  store = openStore(':memory:');
  clock = manualClock();
  endpoint = createSqsEndpoint({ queues: store.queues, clock });
  server = await serveSqsEndpoint(endpoint);
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

/** Resolves once `n` ReceiveMessage calls are parked in a long poll (no wall-clock timing involved). */
async function parked(n = 1) {
  while (endpoint.waiting < n) await new Promise((resolve) => setImmediate(resolve));
}

describe('long polling', () => {
  it('waits for a message that is sent while it waits', async () => {
    const pending = receive({ WaitTimeSeconds: 20 });
    await parked();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'arrived' }));
    expect((await pending).map((m) => m.Body)).toEqual(['arrived']);
  });

  it('answers empty when the wait time has passed on the clock', async () => {
    const pending = receive({ WaitTimeSeconds: 5 });
    await parked();
    clock.advance(5_000);
    expect(await pending).toEqual([]);
  });

  it('returns a delayed message once it becomes visible within the wait', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'soon', DelaySeconds: 3 }));
    const pending = receive({ WaitTimeSeconds: 20 });
    await parked();
    clock.advance(3_000);
    expect((await pending).map((m) => m.Body)).toEqual(['soon']);
  });
});

describe('batches', () => {
  it('sends a batch, reporting each failed entry without failing the others', async () => {
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'bad \u0000 byte' },
          { Id: 'c', MessageBody: 'three', DelaySeconds: 5 },
        ],
      }),
    );
    expect(result.Successful?.map((s) => [s.Id, s.MD5OfMessageBody])).toEqual([
      ['a', md5('one')],
      ['c', md5('three')],
    ]);
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'b', SenderFault: true, Code: 'InvalidMessageContents' }),
    ]);
    const received = await receive({ MaxNumberOfMessages: 10 });
    expect(received.map((m) => m.Body)).toEqual(['one']);
    clock.advance(5_000);
    const later = await receive({ MaxNumberOfMessages: 10 });
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'x', ReceiptHandle: received[0]?.ReceiptHandle },
          { Id: 'y', ReceiptHandle: later[0]?.ReceiptHandle },
          { Id: 'z', ReceiptHandle: 'not-a-handle' },
        ],
      }),
    );
    expect(deleted.Successful?.map((s) => s.Id)).toEqual(['x', 'y']);
    expect(deleted.Failed?.[0]).toMatchObject({ Id: 'z', Code: 'ReceiptHandleIsInvalid' });
  });

  it('rejects empty, oversized and ambiguous batches', async () => {
    const send = (Entries: { Id: string; MessageBody: string }[]) =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    await expect(send([])).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
    await expect(send(entries(11))).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
    await expect(
      send([
        { Id: 'a', MessageBody: 'x' },
        { Id: 'a', MessageBody: 'y' },
      ]),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
  });
});

describe('errors', () => {
  it('answers an unknown queue with QueueDoesNotExist in the JSON error shape', async () => {
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: `${server.url}/000000000000/nope`, MessageBody: 'x' })),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } });
    const raw = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
      body: JSON.stringify({ QueueName: 'nope' }),
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(await raw.json()).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
  });

  it('answers unknown actions with 400, and leaves requests that are not SQS calls alone', async () => {
    const call = (target: string | undefined) =>
      fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', ...(target && { 'x-amz-target': target }) },
        body: '{}',
      });
    const unknown = await call('AmazonSQS.FlyAway');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      __type: 'com.amazon.coral.service#UnknownOperationException',
    });
    expect(await (await call('AmazonSQS.TagQueue')).json()).toMatchObject({
      __type: 'com.amazonaws.sqs#UnsupportedOperation',
    });
    const malformed = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: '{"QueueUrl":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-amzn-query-error')).toBe('MalformedInput;Sender');
    expect((await call(undefined)).status).toBe(404);
    expect((await call('DynamoDB_20120810.GetItem')).status).toBe(404);
  });
});
