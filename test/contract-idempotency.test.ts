/**
 * The idempotency half of the contract suite: the same event sent more than once through the Lambda
 * runtime — the adapter with its retry queue on the emulator's SQS endpoint and its idempotency table on
 * dynalite, through the real AWS SDK, on a virtual clock — and through the emulator (its SQLite table, on
 * its manual clock). Both must run the handler at the same times and give every send the same outcome.
 */
import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudEvent } from '../src/cloud-event.js';
import { defineHandler } from '../src/define-handler.js';
import type { Clock } from '../src/dev/clock.js';
import { manualClock } from '../src/dev/clock.js';
import { createEmulator } from '../src/dev/emulator.js';
import { createLocalContext } from '../src/runtime/aws-lambda/context.js';
import type { TraceRecord } from '../src/runtime/hooks.js';
import { type DynaliteHarness, openDynalite } from './support/dynalite.js';
import { openSqsHarness, receiveOne, type SqsHarness, T0, toRecord } from './support/sqs-harness.js';

const order = createCloudEvent({
  id: 'ord-9',
  source: '/shop',
  type: 'com.shop.order.created',
  data: { orderId: 'A-9', total: 30 },
});

interface Case {
  readonly name: string;
  /** When the event is sent, in ms after T0 (each after the previous send has settled). */
  readonly sends: readonly number[];
  /** The handler's behaviour on each call (1-based, counted over all sends). */
  readonly call: (n: number) => unknown;
  readonly expected: { readonly runs: readonly number[]; readonly duplicates: number };
}

const cases: Case[] = [
  {
    name: 'a redelivery of a completed event',
    sends: [0, 60_000],
    call: () => ({ charged: 30 }),
    expected: { runs: [0], duplicates: 1 },
  },
  {
    name: 'a redelivery after a failed first attempt and its retry',
    sends: [0, 60_000],
    call: (n) => {
      if (n === 1) throw new Error('db down');
      return 'ok';
    },
    expected: { runs: [0, 1_000], duplicates: 1 },
  },
  {
    name: 'a redelivery after the ttl',
    sends: [0, 3_600_000],
    call: () => 'ok',
    expected: { runs: [0, 3_600_000], duplicates: 0 },
  },
];

/** What a run shows: when the handler ran, and each trace's outcome. */
interface Run {
  readonly runs: number[];
  readonly outcomes: unknown[];
}

const summarize = (trace: TraceRecord) => {
  const o = trace.outcome;
  if (o.status === 'delivered')
    return { status: o.status, duplicate: o.duplicate === true, result: o.result };
  return o.status === 'failed' ? { status: o.status, stage: o.stage } : { status: o.status };
};

function handlerFor(c: Case, clock: Clock, runs: number[]) {
  return defineHandler({
    name: 'orders',
    retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '1s' } },
    idempotency: { key: '$.data.orderId', ttl: '1h' },
    handle: () => {
      runs.push(clock.now() - T0);
      return c.call(runs.length);
    },
  });
}

let db: DynaliteHarness;
let h: SqsHarness;
beforeAll(async () => {
  db = await openDynalite();
});
afterAll(async () => db.close());
beforeEach(async () => {
  h = await openSqsHarness();
  h.useAsDeployedQueues();
  db.useAsDeployedTable(await db.createTable());
});
afterEach(async () => h.close());

async function throughLambda(c: Case): Promise<Run> {
  const runs: number[] = [];
  const outcomes: unknown[] = [];
  const handler = handlerFor(c, h.clock, runs);
  const context = () =>
    createLocalContext({
      functionName: 'orders',
      requestId: 'req',
      timeoutMs: 10_000,
      now: () => h.clock.now(),
      hooks: {
        now: () => h.clock.now(),
        sleep: async (ms) => h.clock.advance(ms),
        observe: (trace) => outcomes.push(summarize(trace)),
      },
    });
  for (const at of c.sends) {
    h.clock.set(Math.max(T0 + at, h.clock.now()));
    await handler(order, context());
    // Drain the retry queue (a retry too long for the invocation goes there).
    for (let next = h.endpoint.store.nextVisibleAt('orders-retry', h.clock.now()); next !== undefined; ) {
      h.clock.set(Math.max(next, h.clock.now()));
      const message = await receiveOne(h.sqs, h.urls.retry);
      if (message !== undefined) {
        await handler({ Records: [toRecord(message)] }, context());
        await h.sqs.send(
          new DeleteMessageCommand({ QueueUrl: h.urls.retry, ReceiptHandle: message.ReceiptHandle }),
        );
      }
      next = h.endpoint.store.nextVisibleAt('orders-retry', h.clock.now());
    }
  }
  return { runs, outcomes };
}

async function throughEmulator(c: Case): Promise<Run> {
  const clock = manualClock(T0);
  const runs: number[] = [];
  const outcomes: unknown[] = [];
  const emulator = createEmulator({
    functions: [{ name: 'orders', handler: handlerFor(c, clock, runs) }],
    clock,
    log: () => {},
    onTrace: (trace) => outcomes.push(summarize(trace)),
  });
  try {
    for (const at of c.sends) {
      clock.set(Math.max(T0 + at, clock.now()));
      emulator.publish(order);
      await emulator.runUntilIdle((next) => clock.set(next));
    }
    return { runs, outcomes };
  } finally {
    await emulator.close();
  }
}

describe.each(cases)('$name', (c) => {
  it('runs the handler at the same times and gives the same outcomes in Lambda and in the emulator', async () => {
    const lambda = await throughLambda(c);
    const emulated = await throughEmulator(c);
    expect(lambda.runs).toEqual(c.expected.runs);
    expect(lambda.outcomes.filter((o) => (o as { duplicate?: boolean }).duplicate)).toHaveLength(
      c.expected.duplicates,
    );
    expect(lambda).toEqual(emulated);
  });
});
