/**
 * Parity of the live SQS trigger with Lambda: the same message on a queue `orders`, the same failing
 * handlers, once through the Lambda adapter as AWS runs it (its SQS event source mapping's event, then
 * its retry queue and dead-letter queue on an SQS endpoint, through the real `@aws-sdk/client-sqs`, on a
 * virtual clock) and once through the emulator's live trigger (the message sent to the emulator's own
 * queue with the same client, on its manual clock). Both must hand the handler the same events at the
 * same attempts and times, and write the same dead letters.
 */
import { DeleteMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toStructuredJson } from '../src/cloud-event.js';
import { defineHandler } from '../src/define-handler.js';
import type { RetryPolicy } from '../src/delivery/policy.js';
import type { Clock } from '../src/dev/clock.js';
import { manualClock } from '../src/dev/clock.js';
import { createEmulator } from '../src/dev/emulator.js';
import { listDeadLetters } from '../src/dev/store/queries.js';
import { NonRetryableError, RetryAfterError } from '../src/errors.js';
import { createLocalContext } from '../src/runtime/aws-lambda/context.js';
import { openSqsHarness, receiveOne, type SqsHarness, T0, toRecord } from './support/sqs-harness.js';

interface Case {
  readonly name: string;
  readonly retry: RetryPolicy;
  readonly attempt: (attempt: number) => unknown;
  readonly expected: { readonly attempts: readonly number[]; readonly reason?: string };
}

const fail = (error: unknown) => {
  throw error;
};

const cases: Case[] = [
  {
    name: 'a message that fails twice then succeeds',
    retry: { maxAttempts: 5, backoff: { type: 'exponential', initialDelay: '1s' } },
    attempt: (n) => (n <= 2 ? fail(new Error('db down')) : 'ok'),
    expected: { attempts: [0, 1_000, 3_000] },
  },
  {
    name: 'a poison message',
    retry: { maxAttempts: 5 },
    attempt: () => fail(new NonRetryableError('order has no customer')),
    expected: { attempts: [0], reason: 'non-retryable' },
  },
  {
    name: 'a RetryAfterError',
    retry: { maxAttempts: 3 },
    attempt: (n) => (n === 1 ? fail(new RetryAfterError('rate limited', 30_000)) : 'ok'),
    expected: { attempts: [0, 30_000] },
  },
  {
    name: 'retries exhausted, past what one invocation can wait',
    retry: { maxAttempts: 4, backoff: { type: 'exponential', initialDelay: '20s', maxDelay: '5m' } },
    attempt: () => fail(new Error('db down')),
    expected: { attempts: [0, 20_000, 60_000, 140_000], reason: 'retries-exhausted' },
  },
];

const BODY = JSON.stringify({ total: 12 });
const MESSAGE_ID = '00000000-0000-4000-8000-000000000007';

interface Run {
  readonly deliveries: { attempt: number; at: number; transport: string; event: unknown }[];
  readonly deadLetters: string[];
}

function handlerFor(c: Case, clock: Pick<Clock, 'now'>, deliveries: Run['deliveries']) {
  return defineHandler({
    name: 'orders',
    sources: [{ type: 'aws:sqs', queue: 'orders' }],
    retry: c.retry,
    handle(event, ctx) {
      deliveries.push({ attempt: ctx.attempt, at: clock.now() - T0, transport: ctx.transport, event });
      return c.attempt(ctx.attempt);
    },
  });
}

/** Message ids are the queue's own: the two runs get different ones, so both are read as one. */
const sameIds = (run: Run, id: string): Run =>
  JSON.parse(JSON.stringify(run).replaceAll(id, MESSAGE_ID)) as Run;

let h: SqsHarness;
beforeEach(async () => {
  h = await openSqsHarness();
  h.useAsDeployedQueues();
});
afterEach(async () => h.close());

/** On Lambda: the mapping's event for the message, then the retry queue's mapping, as in AWS. */
async function throughLambda(c: Case): Promise<Run> {
  const deliveries: Run['deliveries'] = [];
  const handler = handlerFor(c, h.clock, deliveries);
  let invocation = 0;
  const context = () =>
    createLocalContext({
      functionName: 'orders',
      requestId: `req-${++invocation}`,
      timeoutMs: 10_000,
      now: () => h.clock.now(),
      hooks: { now: () => h.clock.now(), sleep: async (ms) => h.clock.advance(ms) },
    });
  h.store.queues.createQueue('orders', {}, T0);
  const ordersUrl = h.urls.retry.replace(/orders-retry$/, 'orders');
  const { MessageId } = await h.sqs.send(new SendMessageCommand({ QueueUrl: ordersUrl, MessageBody: BODY }));
  const message = await receiveOne(h.sqs, ordersUrl);
  const record = {
    ...toRecord(message as never),
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders',
  };
  expect(await handler({ Records: [record] }, context())).toEqual({ batchItemFailures: [] });
  for (let hops = 0; ; hops++) {
    if (hops > 100) throw new Error('the retry queue never drained');
    const next = h.endpoint.store.nextVisibleAt('orders-retry', h.clock.now());
    if (next === undefined) break;
    h.clock.set(Math.max(next, h.clock.now()));
    const retry = await receiveOne(h.sqs, h.urls.retry);
    if (retry === undefined) continue;
    expect(await handler({ Records: [toRecord(retry)] }, context())).toEqual({ batchItemFailures: [] });
    await h.sqs.send(
      new DeleteMessageCommand({ QueueUrl: h.urls.retry, ReceiptHandle: retry.ReceiptHandle }),
    );
  }
  const deadLetters: string[] = [];
  for (let m = await receiveOne(h.sqs, h.urls.dlq); m; m = await receiveOne(h.sqs, h.urls.dlq))
    deadLetters.push(m.Body ?? '');
  return sameIds({ deliveries, deadLetters }, MessageId as string);
}

/** In the emulator: the message sent to its queue; the live trigger and the delivery loop do the rest. */
async function throughLiveTrigger(c: Case): Promise<Run> {
  const clock = manualClock(T0);
  const deliveries: Run['deliveries'] = [];
  const emulator = createEmulator({
    functions: [{ name: 'orders', handler: handlerFor(c, clock, deliveries) }],
    clock,
    log: () => {},
    onTrace: () => {},
  });
  const url = await emulator.listen(0);
  const sqs = new SQSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const { MessageId } = await sqs.send(
      new SendMessageCommand({ QueueUrl: `${url}/000000000000/orders`, MessageBody: BODY }),
    );
    for (let waited = 0; ; waited += 10) {
      if (waited > 5_000) throw new Error('the live trigger never took the message');
      const counts = emulator.store.queues.counts('orders', clock.now());
      if (deliveries.length > 0 && counts.visible + counts.inFlight === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await emulator.runUntilIdle((at) => clock.set(at));
    const deadLetters = listDeadLetters(emulator.store).map((row) => toStructuredJson(row.envelope));
    return sameIds({ deliveries, deadLetters }, MessageId as string);
  } finally {
    sqs.destroy();
    await emulator.close();
  }
}

describe.each(cases)('$name', (c) => {
  it('reaches the handler with the same events, attempts, times and dead letter as on Lambda', async () => {
    const lambda = await throughLambda(c);
    const live = await throughLiveTrigger(c);
    expect(lambda.deliveries.map((d) => d.at)).toEqual(c.expected.attempts);
    expect(lambda.deliveries.map((d) => d.attempt)).toEqual(c.expected.attempts.map((_, i) => i + 1));
    expect(lambda.deliveries.every((d) => d.transport === 'aws:sqs')).toBe(true);
    expect(lambda.deadLetters.map((body) => JSON.parse(body).dlreason)).toEqual(
      c.expected.reason ? [c.expected.reason] : [],
    );
    expect(live).toEqual(lambda);
  });
});
