/**
 * `triggerkit dlq list|show|redrive --aws` as users run it, against the emulator's SQS endpoint
 * (`AWS_ENDPOINT_URL_SQS`): dead letters written by the Lambda runtime itself, a raw message moved by the
 * retry queue's RedrivePolicy, and the queues found by name from serverless.yml (test/fixtures/dlq-aws).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scaledClock } from '../src/dev/clock.js';
import { createSqsEndpoint, serveSqsEndpoint } from '../src/dev/sqs/endpoint.js';
import { openStore, type Store } from '../src/dev/store/store.js';
import { createLocalContext } from '../src/runtime/aws-lambda/context.js';
import { queueRetry, readRetryMessage } from '../src/runtime/aws-lambda/retry-plan.js';
import { attempts, handler as orders, state } from './fixtures/dlq-aws/orders.js';
import { fixture } from './support/fixtures.js';
import { CLI, ROOT } from './support/processes.js';
import { toRecord } from './support/sqs-harness.js';

const PROJECT = join(ROOT, 'test/fixtures/dlq-aws');
let store: Store;
let server: Awaited<ReturnType<typeof serveSqsEndpoint>>;
let sqs: SQSClient;
const urls = { dlq: '', retry: '', source: '', payments: '' };

beforeAll(async () => {
  store = openStore(':memory:');
  // Real time: a listing's visibility timeout and long polls run as they do in SQS.
  server = await serveSqsEndpoint(createSqsEndpoint({ db: store.db, clock: scaledClock(1) }));
  sqs = new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const create = async (QueueName: string, Attributes?: Record<string, string>) =>
    (await sqs.send(new CreateQueueCommand({ QueueName, Attributes }))).QueueUrl as string;
  urls.dlq = await create('shop-test-orders-dlq');
  // As the deploy plugin makes it: a crash-looping message moves to the DLQ as it is (here at once).
  urls.retry = await create('shop-test-orders-retry', {
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:shop-test-orders-dlq',
      maxReceiveCount: 1,
    }),
  });
  urls.source = await create('orders-source');
  urls.payments = await create('payments-dead');
});
afterAll(async () => {
  sqs.destroy();
  await server.close();
  store.close();
});

const DEPLOYED = ['TRIGGERKIT_RETRY_QUEUE_URL', 'TRIGGERKIT_DLQ_URL', 'AWS_ENDPOINT_URL_SQS'] as const;
const saved = Object.fromEntries(DEPLOYED.map((name) => [name, process.env[name]]));
beforeEach(async () => {
  for (const QueueUrl of Object.values(urls)) await sqs.send(new PurgeQueueCommand({ QueueUrl }));
  attempts.length = 0;
  state.fixed = false;
  // This process is the deployed function: its queues are the emulator's.
  Object.assign(process.env, {
    TRIGGERKIT_RETRY_QUEUE_URL: urls.retry,
    TRIGGERKIT_DLQ_URL: urls.dlq,
    AWS_ENDPOINT_URL_SQS: server.url,
  });
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

/**
 * Runs the CLI in the fixture project with only the SQS endpoint (and no other AWS setting) in its
 * environment; `env` adds settings, and an empty value removes one.
 */
function cli(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(AWS_|TRIGGERKIT_)/.test(k)),
  );
  const settings = Object.entries({ AWS_ENDPOINT_URL_SQS: server.url, ...env }).filter(([, v]) => v !== '');
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'dlq', ...args],
      {
        cwd: PROJECT,
        timeout: 60_000,
        env: {
          ...clean,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...Object.fromEntries(settings),
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

/** An EventBridge event to the function, invoked asynchronously as Lambda does. */
async function invokeOrder(id: string, detail: Record<string, unknown>) {
  const raw = { ...fixture<Record<string, unknown>>('eventbridge/order-placed.json'), id, detail };
  await orders(raw, createLocalContext({ functionName: 'shop-test-orders', requestId: id }));
}

/** Dead-letters two orders through the Lambda runtime and has the retry queue's RedrivePolicy move a third. */
async function fillDeadLetterQueue() {
  await invokeOrder('ord-1', { poison: true });
  await invokeOrder('ord-2', { total: 12 });
  const retry = queueRetry(
    {
      event: { specversion: '1.0', id: 'ord-3', source: '/shop', type: 'order' },
      handler: 'orders',
      attempt: 2,
      receivedAt: 1,
      firstAttemptAt: 1,
      dueAt: 1,
    },
    1,
  );
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: urls.retry,
      MessageBody: retry.body,
      MessageAttributes: { ...retry.attributes },
    }),
  );
  for (let i = 0; i < 3; i++)
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: urls.retry, VisibilityTimeout: 0 }));
  const bodies = await peek(urls.dlq);
  expect(bodies.map((m) => JSON.parse(m.Body ?? '{}').id).sort()).toEqual(['ord-1', 'ord-2', 'ord-3']);
  return Object.fromEntries(bodies.map((m) => [JSON.parse(m.Body ?? '{}').id as string, m]));
}

/** Every message of a queue, received and made visible again at once. */
async function peek(QueueUrl: string): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

async function counts(QueueUrl: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    hidden: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  };
}

describe('triggerkit dlq --aws', () => {
  it("lists a function's dead-letter queue, found from serverless.yml, without consuming or hiding a message", async () => {
    await fillDeadLetterQueue();
    const listed = await cli(['list', '--aws', '--function', 'orders']);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    const row = (id: string) => lines.find((l) => l.split('\t')[4] === id)?.split('\t');
    expect(row('ord-1')?.slice(2, 7)).toEqual(['orders', 'non-retryable', 'ord-1', '1', 'poison order']);
    expect(row('ord-2')?.slice(2, 7)).toEqual(['orders', 'retries-exhausted', 'ord-2', '1', 'db down']);
    expect(row('ord-3')?.slice(2, 6)).toEqual(['orders', 'raw', 'ord-3', '2']);
    expect(lines.at(-2)).toMatch(
      /^seen 3 message\(s\) in http:\/\/.*\/shop-test-orders-dlq \(2 envelope\(s\), 1 raw\); before the pass SQS counted about 3 visible, 0 in flight, 0 delayed; SQS had no more messages to hand out\.$/,
    );
    expect(await counts(urls.dlq)).toEqual({ visible: 3, hidden: 0 });

    const json = await cli(['list', '--aws', '--queue-url', urls.dlq, '--json', '--max', '2']);
    const listing = JSON.parse(json.stdout);
    expect(listing).toMatchObject({ queueUrl: urls.dlq, seen: 2, ended: 'max', unreleased: 0 });
    expect(listing.messages).toHaveLength(2);
    expect(await counts(urls.dlq)).toEqual({ visible: 3, hidden: 0 });
  }, 60_000);

  it('shows the envelope by CloudEvent id or by message id, and a raw message with its attributes', async () => {
    const messages = await fillDeadLetterQueue();
    const byEvent = await cli(['show', 'ord-2', '--aws', '--queue-url', urls.dlq]);
    expect(JSON.parse(byEvent.stdout)).toEqual(JSON.parse(messages['ord-2']?.Body ?? ''));
    const raw = await cli(['show', messages['ord-3']?.MessageId ?? '', '--aws', '--queue-url', urls.dlq]);
    expect(JSON.parse(raw.stdout)).toMatchObject({
      kind: 'raw',
      body: { id: 'ord-3' },
      messageAttributes: { 'triggerkit-attempt': { DataType: 'Number', StringValue: '2' } },
    });
    const missing = await cli(['show', 'ord-9', '--aws', '--queue-url', urls.dlq]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^triggerkit: E_CONFIG: No message "ord-9" among the 3 seen in .*; SQS may hold it out of sight .*\n$/,
    );
    expect(await counts(urls.dlq)).toEqual({ visible: 3, hidden: 0 });
  }, 60_000);

  it('redrives each envelope to the retry queue at attempt 1 and deletes it; a raw message only with --to', async () => {
    const messages = await fillDeadLetterQueue();
    const first = await cli(['redrive', '--aws', '--function', 'orders', '--queue-url', urls.dlq, '--all']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `redriven 2 message(s) from ${urls.dlq}; 2 to ${urls.retry}; skipped 1; failed 0.`,
    );
    expect(first.stdout).toContain(
      `skipped ${messages['ord-3']?.MessageId}: not an envelope (no dlreason): redrive it with --to <queue>`,
    );
    expect((await peek(urls.dlq)).map((m) => m.MessageId)).toEqual([messages['ord-3']?.MessageId]);

    const retries = await peek(urls.retry);
    expect(retries).toHaveLength(2);
    for (const message of retries) {
      const body = JSON.parse(message.Body ?? '');
      const envelope = JSON.parse(messages[body.id]?.Body ?? '');
      expect(Object.keys(body).some((k) => k.startsWith('dl'))).toBe(false);
      expect(body).toEqual(Object.fromEntries(Object.entries(envelope).filter(([k]) => !k.startsWith('dl'))));
      expect(message.MessageAttributes?.['triggerkit-attempt']).toEqual({
        DataType: 'Number',
        StringValue: '1',
      });
      expect(message.MessageAttributes?.['triggerkit-handler']?.StringValue).toBe('orders');
    }
    // The function, fixed, takes them from its retry queue: each resumes at attempt 1. The poison order
    // fails again and is dead-lettered again, after one attempt.
    state.fixed = true;
    attempts.length = 0;
    const records = retries.map(toRecord);
    expect(records.map((r) => readRetryMessage(r)?.attempt)).toEqual([1, 1]);
    const context = createLocalContext({ functionName: 'shop-test-orders', requestId: 'r' });
    expect(await orders({ Records: records }, context)).toEqual({ batchItemFailures: [] });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 1]);

    const rawId = messages['ord-3']?.MessageId ?? '';
    const second = await cli(['redrive', '--aws', '--queue-url', urls.dlq, rawId, '--to', 'orders-source']);
    expect(second.stdout).toBe(
      `redriven 1 message(s) from ${urls.dlq}; 1 to ${urls.source}; skipped 0; failed 0.\n`,
    );
    const [moved, ...more] = await peek(urls.source);
    expect(more).toEqual([]);
    expect(moved?.Body).toBe(messages['ord-3']?.Body);
    expect(moved?.MessageAttributes).toEqual(messages['ord-3']?.MessageAttributes);
    const left = (await peek(urls.dlq)).map((m) => JSON.parse(m.Body ?? ''));
    expect(left).toMatchObject([{ id: 'ord-1', dlreason: 'non-retryable', dlattempts: 1 }]);
  }, 60_000);

  it('leaves a message whose send failed in the dead-letter queue, visible, and exits 1', async () => {
    await invokeOrder('ord-big', { poison: true, note: 'x'.repeat(2048) });
    await invokeOrder('ord-small', { poison: true });
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: urls.retry, Attributes: { MaximumMessageSize: '1024' } }),
    );
    try {
      const result = await cli(['redrive', '--aws', '--function', 'orders', '--all']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('redriven 1 message(s)');
      expect(result.stdout).toMatch(
        /\nfailed \S+: SendMessage on http:\/\/\S+\/shop-test-orders-retry failed at .* It stays in the dead-letter queue\.\n/,
      );
    } finally {
      await sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: urls.retry, Attributes: { MaximumMessageSize: '262144' } }),
      );
    }
    expect(await counts(urls.dlq)).toEqual({ visible: 1, hidden: 0 });
    expect(JSON.parse((await peek(urls.dlq))[0]?.Body ?? '')).toMatchObject({
      id: 'ord-big',
      dlreason: 'non-retryable',
    });
    expect((await peek(urls.retry)).map((m) => JSON.parse(m.Body ?? '').id)).toEqual(['ord-small']);
  }, 60_000);

  it("finds the queue a definition's deadLetter names, by loading the handler", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: urls.payments, MessageBody: 'hello' }));
    const listed = await cli(['list', '--aws', '--function', 'payments', '--stage', 'prod']);
    expect(listed.stdout).toContain(`seen 1 message(s) in ${urls.payments} (0 envelope(s), 1 raw)`);
  }, 60_000);

  it.each([
    [
      ['list', '--aws', '--function', 'orders', '--stage', 'prod'],
      /has no queue named "shop-prod-orders-dlq" \(<service>-<stage>-<function>-dlq: service "shop" from serverless\.yml, stage "prod" from --stage, function "orders"\); deploy the function, check --stage/,
    ],
    [
      ['list', '--aws', '--function', 'nope'],
      /has no function "nope" under `functions:`; its functions: orders, payments, plain\./,
    ],
    [['list', '--aws', '--function', 'plain'], /plain\.ts exports no triggerkit handler named "handler"/],
    [['list', '--aws'], /--aws needs --function <key> .* or --queue-url/],
    [['list', '--function', 'orders'], /--function works on a dead-letter queue in AWS: add --aws/],
    [['redrive', '--aws', '--function', 'orders'], /redrive --aws takes the message ids .* or --all/],
    [
      ['redrive', '--aws', '--queue-url', 'http://127.0.0.1:1/0/q', '--all'],
      /pass --function <key> to find it/,
    ],
  ])('%j exits 2 with one line saying what, where and how to fix', async (args, message) => {
    const { code, stdout, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^triggerkit: E_CONFIG: .*${message.source}.*\\n$`));
  });

  it('says so in one line when SQS cannot be reached, or has no credentials', async () => {
    const unreachable = await cli(['list', '--aws', '--queue-url', 'http://127.0.0.1:1/000000000000/q'], {
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:1',
    });
    expect(unreachable.stderr).toMatch(
      /^triggerkit: E_CONFIG: Cannot reach http:\/\/127\.0\.0\.1:1 for GetQueueAttributes on .* \(ECONNREFUSED\): check --region, AWS_ENDPOINT_URL_SQS and the network\.\n$/,
    );
    const anonymous = await cli(
      ['list', '--aws', '--queue-url', 'https://sqs.eu-west-1.amazonaws.com/123456789012/q'],
      {
        AWS_ENDPOINT_URL_SQS: '',
        HOME: PROJECT,
        AWS_CONFIG_FILE: join(PROJECT, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(PROJECT, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    );
    expect(anonymous.stderr).toMatch(
      /^triggerkit: E_CONFIG: No AWS credentials to call GetQueueAttributes on https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/q \(SQS in eu-west-1\): set AWS_PROFILE/,
    );
    expect(anonymous.code).toBe(2);
  }, 60_000);
});
