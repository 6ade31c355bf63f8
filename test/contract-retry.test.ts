/**
 * The retry half of the contract suite: the same failing handlers through the Lambda runtime — the
 * adapter with its retry queue and dead-letter queue on the emulator's SQS endpoint, through the real
 * `@aws-sdk/client-sqs`, on a virtual clock — through the emulator's delivery loop on its manual clock,
 * and through `invoke(…, { retries: true })`. All three must make the same attempts at the same times,
 * deliver the same events, and write the same dead-letter bytes.
 */
import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CloudEvent, createCloudEvent, toStructuredJson } from '../src/cloud-event.js';
import { defineHandler } from '../src/define-handler.js';
import type { HandlerDefinition } from '../src/definition.js';
import type { RetryPolicy } from '../src/delivery/policy.js';
import type { Clock } from '../src/dev/clock.js';
import { manualClock } from '../src/dev/clock.js';
import { createEmulator } from '../src/dev/emulator.js';
import { listDeadLetters } from '../src/dev/store/queries.js';
import { NonRetryableError, RetryAfterError } from '../src/errors.js';
import { createLocalContext } from '../src/runtime/aws-lambda/context.js';
import { invoke } from '../src/testing/index.js';
import { openSqsHarness, receiveOne, type SqsHarness, T0, toRecord } from './support/sqs-harness.js';

const order = createCloudEvent({
  id: 'ord-7',
  source: '/shop',
  type: 'com.shop.order.created',
  data: { total: 12 },
});

interface Case {
  readonly name: string;
  readonly event: CloudEvent;
  readonly retry: RetryPolicy;
  readonly schema?: HandlerDefinition['schema'];
  /** The handler's behaviour on each attempt (1-based). */
  readonly attempt: (attempt: number) => unknown;
  /** What must happen, to keep each case honest about which path it takes. */
  readonly expected: { readonly attempts: readonly number[]; readonly reason?: string };
}

const fail = (error: unknown) => {
  throw error;
};

const cases: Case[] = [
  {
    name: 'a handler that fails twice then succeeds',
    event: order,
    retry: { maxAttempts: 5, backoff: { type: 'exponential', initialDelay: '1s' } },
    attempt: (n) => (n <= 2 ? fail(new Error('db down')) : 'ok'),
    expected: { attempts: [0, 1_000, 3_000] },
  },
  {
    name: 'a poison event',
    event: order,
    retry: { maxAttempts: 5 },
    attempt: () => fail(new NonRetryableError('order has no customer')),
    expected: { attempts: [0], reason: 'non-retryable' },
  },
  {
    name: 'an event past its max age (through the retry queue)',
    event: order,
    retry: { maxAttempts: 10, backoff: { type: 'fixed', initialDelay: '20s' }, maxEventAge: '1m' },
    attempt: () => fail(new Error('db down')),
    expected: { attempts: [0, 20_000, 40_000, 60_000], reason: 'event-too-old' },
  },
  {
    name: 'a RetryAfterError',
    event: order,
    retry: { maxAttempts: 3 },
    attempt: (n) => (n === 1 ? fail(new RetryAfterError('rate limited', 30_000)) : 'ok'),
    expected: { attempts: [0, 30_000] },
  },
  {
    name: 'retries exhausted, in-process then through the queue',
    event: order,
    retry: { maxAttempts: 4, backoff: { type: 'exponential', initialDelay: '2s', maxDelay: '1m' } },
    attempt: () => fail(new Error('db down')),
    expected: { attempts: [0, 2_000, 6_000, 14_000], reason: 'retries-exhausted' },
  },
  {
    name: 'an invalid event',
    event: createCloudEvent({ id: 'ord-8', source: '/shop', type: 'com.shop.order.created', data: {} }),
    retry: { maxAttempts: 5 },
    schema: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } },
    attempt: () => 'never called',
    expected: { attempts: [], reason: 'invalid' },
  },
];

interface Run {
  /** Each call of the handler: its attempt, when (ms after T0), and the event it got. */
  readonly deliveries: { attempt: number; at: number; event: unknown }[];
  /** The dead-letter queue's message bodies. */
  readonly deadLetters: string[];
}

/** What the Lambda runtime logged (issue 19): one JSON line per attempt, saying what came of it. */
const logged: Record<string, unknown>[] = [];
const level = process.env.TRIGGERKIT_LOG_LEVEL;
beforeAll(() => {
  // As Lambda sets it; the adapter reads its environment at its first unobserved invocation.
  process.env.TRIGGERKIT_LOG_LEVEL = 'info';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    logged.push(JSON.parse(String(chunk)));
    return true;
  });
});
afterAll(() => {
  vi.restoreAllMocks();
  if (level === undefined) delete process.env.TRIGGERKIT_LOG_LEVEL;
  else process.env.TRIGGERKIT_LOG_LEVEL = level;
});

function handlerFor(c: Case, clock: Pick<Clock, 'now'>, deliveries: Run['deliveries']) {
  return defineHandler({
    name: 'orders',
    retry: c.retry,
    ...(c.schema && { schema: c.schema }),
    handle(event, ctx) {
      deliveries.push({ attempt: ctx.attempt, at: clock.now() - T0, event });
      return c.attempt(ctx.attempt);
    },
  });
}

let h: SqsHarness;
beforeEach(async () => {
  h = await openSqsHarness();
  // How serverless.yml configures a deployed function; the endpoint is the emulator's.
  h.useAsDeployedQueues();
});
afterEach(async () => h.close());

/** The function on Lambda: invoked with the event, then by its retry queue's event source mapping. */
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
  // An asynchronous invocation (EventBridge, SNS, S3 alike): it must not throw once a queue took the event.
  await handler(c.event, context());
  for (let hops = 0; ; hops++) {
    if (hops > 100) throw new Error('the retry queue never drained');
    const next = h.endpoint.store.nextVisibleAt('orders-retry', h.clock.now());
    if (next === undefined) break;
    h.clock.set(Math.max(next, h.clock.now()));
    const message = await receiveOne(h.sqs, h.urls.retry);
    if (message === undefined) continue;
    const response = (await handler({ Records: [toRecord(message)] }, context())) as {
      batchItemFailures: unknown[];
    };
    expect(response).toEqual({ batchItemFailures: [] });
    await h.sqs.send(
      new DeleteMessageCommand({ QueueUrl: h.urls.retry, ReceiptHandle: message.ReceiptHandle }),
    );
  }
  const deadLetters: string[] = [];
  for (let m = await receiveOne(h.sqs, h.urls.dlq); m; m = await receiveOne(h.sqs, h.urls.dlq))
    deadLetters.push(m.Body ?? '');
  return { deliveries, deadLetters };
}

/**
 * The same handler through `invoke(…, { retries: true })`: every retry played at once on a virtual clock
 * from T0. The handler's calls take their times from the attempts `invoke` reports.
 */
async function throughInvoke(c: Case): Promise<Run> {
  const deliveries: Run['deliveries'] = [];
  const handler = handlerFor(c, { now: () => Number.NaN }, deliveries);
  const result = await invoke(handler, c.event, { retries: true, startAt: T0 });
  const ran = result.traces.filter(
    (t) =>
      t.outcome.status === 'delivered' || (t.outcome.status === 'failed' && t.outcome.stage === 'handler'),
  );
  expect(ran).toHaveLength(deliveries.length);
  return {
    deliveries: deliveries.map((d, i) => ({ ...d, at: (ran[i]?.at ?? Number.NaN) - T0 })),
    deadLetters: result.deadLetters.map((envelope) => toStructuredJson(envelope)),
  };
}

/** The same handler in the emulator: published on the bus, delivered by the loop on a manual clock. */
async function throughEmulator(c: Case): Promise<Run> {
  const clock = manualClock(T0);
  const deliveries: Run['deliveries'] = [];
  const emulator = createEmulator({
    functions: [{ name: 'orders', handler: handlerFor(c, clock, deliveries) }],
    clock,
    log: () => {},
    onTrace: () => {},
  });
  try {
    emulator.publish(c.event);
    await emulator.runUntilIdle((at) => clock.set(at));
    const deadLetters = listDeadLetters(emulator.store).map((row) => toStructuredJson(row.envelope));
    return { deliveries, deadLetters };
  } finally {
    await emulator.close();
  }
}

describe.each(cases)('$name', (c) => {
  it('makes the same attempts, deliveries and dead letter in Lambda, the emulator and invoke', async () => {
    logged.length = 0;
    const lambda = await throughLambda(c);
    const lines = logged.splice(0);
    const emulated = await throughEmulator(c);
    const invoked = await throughInvoke(c);
    expect(lambda.deliveries.map((d) => d.at)).toEqual(c.expected.attempts);
    expect(lambda.deliveries.map((d) => d.attempt)).toEqual(c.expected.attempts.map((_, i) => i + 1));
    expect(lambda.deadLetters.map((body) => JSON.parse(body).dlreason)).toEqual(
      c.expected.reason ? [c.expected.reason] : [],
    );
    expect(lambda).toEqual(emulated);
    expect(invoked).toEqual(lambda);
    // Each attempt's line says what came of it; the last one how the event ended.
    const attempts = Math.max(1, c.expected.attempts.length);
    expect(lines.map((l) => [l.attempt, l.outcome, l.reason])).toEqual(
      Array.from({ length: attempts }, (_, i) =>
        i < attempts - 1
          ? [i + 1, 'retry-scheduled', undefined]
          : [i + 1, c.expected.reason ? 'dead-lettered' : 'delivered', c.expected.reason],
      ),
    );
    expect(logged).toEqual([]);
  });
});
