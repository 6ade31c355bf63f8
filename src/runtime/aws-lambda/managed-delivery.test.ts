/**
 * The adapter's own retries and dead letters against the emulator's SQS endpoint (the real SDK): what
 * each transport reports back to Lambda, what lands in the retry queue and the dead-letter queue, and
 * `onError` on ordered streams.
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import {
  event,
  openSqsHarness,
  receiveOne,
  type SqsHarness,
  T0,
  toRecord,
} from '../../../test/support/sqs-harness.js';
import { defineHandler } from '../../define-handler.js';
import type { HandlerDefinition } from '../../definition.js';
import { NonRetryableError } from '../../errors.js';
import type { RuntimeHooks } from '../hooks.js';
import { createLocalContext } from './context.js';
import { queueRetry, RETRY_ATTRIBUTES } from './retry-plan.js';

let h: SqsHarness;
beforeEach(async () => {
  h = await openSqsHarness();
  h.useAsDeployedQueues();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await h.close();
});

const context = (hooks: RuntimeHooks = {}) =>
  createLocalContext({
    functionName: 'clicks',
    requestId: 'req-1',
    timeoutMs: 10_000,
    now: () => h.clock.now(),
    hooks: { now: () => h.clock.now(), sleep: async (ms) => h.clock.advance(ms), ...hooks },
  });

/** A handler recording what it was given; `fails(data)` decides which events throw what. */
function recording(fails: (data: unknown) => unknown, options: Partial<HandlerDefinition> = {}) {
  const seen: { data: unknown; attempt: number }[] = [];
  const handler = defineHandler({
    name: 'clicks',
    retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '1m' } },
    ...options,
    handle(e, ctx) {
      seen.push({ data: e.data, attempt: ctx.attempt });
      const error = fails(e.data);
      if (error) throw error;
      return 'ok';
    },
  });
  return { handler, seen };
}

const drain = async (url: string) => {
  const bodies: Message[] = [];
  for (let m = await receiveOne(h.sqs, url); m; m = await receiveOne(h.sqs, url)) bodies.push(m);
  return bodies;
};

const poisonCart = (data: unknown) =>
  (data as { page?: string })?.page === '/cart' ? new NonRetryableError('bad click') : undefined;

describe('ordered streams', () => {
  it("onError 'block' (the default) stops at the failed record and reports it; nothing is dead-lettered", async () => {
    const raw = fixture<KinesisStreamEvent>('kinesis/mixed-data.json');
    const { handler, seen } = recording(poisonCart);
    expect(await handler(raw, context())).toEqual({
      batchItemFailures: [{ itemIdentifier: raw.Records[0]?.kinesis.sequenceNumber }],
    });
    expect(seen).toHaveLength(1);
    expect(await drain(h.urls.dlq)).toEqual([]);
  });

  it("onError 'dead-letter' sends the failed record's envelope to the DLQ and goes on", async () => {
    const raw = fixture('kinesis/mixed-data.json');
    const { handler, seen } = recording(poisonCart, { onError: 'dead-letter' });
    expect(await handler(raw, context())).toEqual({ batchItemFailures: [] });
    expect(seen).toHaveLength(3);
    const [letter, ...more] = await drain(h.urls.dlq);
    expect(more).toEqual([]);
    expect(JSON.parse(letter?.Body ?? '')).toMatchObject({
      data: { page: '/cart' },
      dlreason: 'non-retryable',
      dlattempts: 1,
      dlhandler: 'clicks',
    });
  });

  it('never sends an ordered record to the retry queue: a wait that does not fit dead-letters it', async () => {
    const raw = fixture('kinesis/mixed-data.json');
    const dbDown = (data: unknown) => ((data as { page?: string })?.page ? new Error('db down') : undefined);
    const { handler } = recording(dbDown, { onError: 'dead-letter' });
    expect(await handler(raw, context())).toEqual({ batchItemFailures: [] });
    expect(await drain(h.urls.retry)).toEqual([]);
    const letters = await drain(h.urls.dlq);
    expect(letters.map((m) => JSON.parse(m.Body ?? '').dlreason)).toEqual(['retries-exhausted']);
  });

  it('rejects an unknown onError at definition time', () => {
    expect(() => defineHandler({ onError: 'skip' as never, handle() {} })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', path: 'onError' }),
    );
  });
});

describe('SQS and asynchronous sources', () => {
  const failing = (data: unknown) =>
    (data as { orderId?: string })?.orderId === 'ord-1002' ? new Error('db down') : undefined;

  it('an SQS record the retry queue took is not reported; its message carries the next attempt', async () => {
    const raw = fixture('sqs/orders-batch.json');
    const { handler } = recording(failing);
    expect(await handler(raw, context())).toEqual({ batchItemFailures: [] });
    h.clock.advance(60_000);
    const [retry, ...more] = await drain(h.urls.retry);
    expect(more).toEqual([]);
    expect(retry?.MessageAttributes?.[RETRY_ATTRIBUTES.attempt]?.StringValue).toBe('2');
    expect(JSON.parse(retry?.Body ?? '').data).toMatchObject({ orderId: 'ord-1002' });
  });

  it('resumes a retry-queue message at its attempt, and dead-letters it when that was the last', async () => {
    const { handler, seen } = recording(() => new Error('db down'));
    const retry = queueRetry(
      { event, handler: 'clicks', attempt: 3, receivedAt: T0, firstAttemptAt: T0, dueAt: T0 },
      T0,
    );
    await h.queue.sendRetry(retry);
    const message = (await receiveOne(h.sqs, h.urls.retry)) as Message;
    expect(await handler({ Records: [toRecord(message)] }, context())).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([{ data: event.data, attempt: 3 }]);
    const [letter] = await drain(h.urls.dlq);
    expect(JSON.parse(letter?.Body ?? '')).toMatchObject({ id: event.id, dlattempts: 3 });
  });

  it('sends an early retry-queue message round again without running the handler', async () => {
    const { handler, seen } = recording(() => undefined);
    const early = queueRetry(
      { event, handler: 'clicks', attempt: 2, receivedAt: T0, firstAttemptAt: T0, dueAt: T0 + 3_600_000 },
      T0,
    );
    await h.queue.sendRetry(early);
    h.clock.advance(900_000);
    const message = (await receiveOne(h.sqs, h.urls.retry)) as Message;
    expect(await handler({ Records: [toRecord(message)] }, context())).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([]);
    h.clock.advance(900_000);
    const again = await receiveOne(h.sqs, h.urls.retry);
    expect(again?.MessageAttributes?.[RETRY_ATTRIBUTES.dueAt]?.StringValue).toBe(String(T0 + 3_600_000));
  });

  it('an asynchronous event does not throw once the retry queue took it, and throws when it could not', async () => {
    const raw = fixture('eventbridge/order-placed.json');
    const { handler } = recording(() => new Error('db down'));
    await expect(handler(raw, context())).resolves.toBeDefined();
    expect(await drain(h.urls.retry)).toEqual([]); // not visible yet: a minute's delay
    h.clock.advance(60_000);
    expect(await drain(h.urls.retry)).toHaveLength(1);

    process.env.TRIGGERKIT_RETRY_QUEUE_URL = `${h.serverUrl}/000000000000/no-such-queue`;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(handler(raw, context())).rejects.toThrow('db down');
    expect(logged).toHaveBeenCalledOnce();
  });

  it("leaves retries to the runtime when it makes the attempts itself (the emulator's loop, invoke)", async () => {
    const raw = fixture<SQSEvent>('sqs/orders-batch.json');
    const { handler, seen } = recording(failing);
    const response = await handler(raw, context({ attempt: 1 }));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: raw.Records[1]?.messageId }] });
    expect(seen).toHaveLength(4);
    expect(await drain(h.urls.retry)).toEqual([]);
  });

  it('without a retry queue or dead-letter queue configured, the platform retries as before', async () => {
    delete process.env.TRIGGERKIT_RETRY_QUEUE_URL;
    delete process.env.TRIGGERKIT_DLQ_URL;
    const { handler } = recording(() => new Error('db down'));
    await expect(handler(fixture('eventbridge/order-placed.json'), context())).rejects.toThrow('db down');
  });
});
