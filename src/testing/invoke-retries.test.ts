/**
 * `invoke(handler, raw, { retries: true })`: every retry and dead letter of a recorded event played at
 * once on a virtual clock, with the attempts and dead letters the emulator and Lambda would make.
 */
import { describe, expect, it } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import { invoke } from './index.js';

const T0 = Date.UTC(2026, 0, 1);
const retry = { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '10s' } } as const;
const order = (id: string) =>
  createCloudEvent({ id, source: '/shop', type: 'com.shop.order.created', data: { total: 12 } });

describe('invoke with retries', () => {
  it('delivers a flaky event on attempt 3, its attempts 10 s apart in virtual time', async () => {
    let calls = 0;
    const flaky = defineHandler({
      name: 'flaky',
      retry,
      handle() {
        if (++calls <= 2) throw new Error('db down');
        return 'saved';
      },
    });
    const result = await invoke(flaky, order('ord-1'), { retries: true, startAt: T0 });
    expect(result.attempts).toEqual([
      { id: 'ord-1', attempt: 1, at: T0, outcome: 'failed' },
      { id: 'ord-1', attempt: 2, at: T0 + 10_000, outcome: 'failed' },
      { id: 'ord-1', attempt: 3, at: T0 + 20_000, outcome: 'delivered' },
    ]);
    expect(result.delivered.map((e) => e.id)).toEqual(['ord-1']);
    expect(result.results).toEqual(['saved']);
    expect(result.failed).toEqual([]);
    expect(result.deadLetters).toEqual([]);
    expect(result.error).toBeUndefined();
  });

  it('dead-letters a poison event after 3 attempts with the one envelope', async () => {
    const poison = defineHandler({
      name: 'poison',
      retry,
      handle() {
        throw new Error('cannot parse order');
      },
    });
    const result = await invoke(poison, order('ord-2'), { retries: true, startAt: T0 });
    expect(result.attempts.map((a) => [a.attempt, a.at - T0, a.outcome])).toEqual([
      [1, 0, 'failed'],
      [2, 10_000, 'failed'],
      [3, 20_000, 'failed'],
    ]);
    expect(result.deadLetters).toEqual([
      {
        ...order('ord-2'),
        dlreason: 'retries-exhausted',
        dlattempts: 3,
        dlerrortype: 'Error',
        dlerror: 'cannot parse order',
        dlhandler: 'poison',
        dlfirstattempt: new Date(T0).toISOString(),
        dllastattempt: new Date(T0 + 20_000).toISOString(),
      },
    ]);
    expect(result.failed.map((f) => f.event.id)).toEqual(['ord-2']);
    // Once a dead-letter target took it, the platform has nothing to retry: the invocation does not throw.
    expect(result.error).toBeUndefined();
  });

  it('plays each record of a batch on its own clock and reports only what no target took', async () => {
    const seen: string[] = [];
    const handler = defineHandler({
      name: 'orders',
      retry: { maxAttempts: 2, backoff: { type: 'fixed', initialDelay: '1h' } },
      handle(event, ctx) {
        seen.push(`${event.id}#${ctx.attempt}`);
        if (event.id === 'm-1' && ctx.attempt === 1) throw new Error('flaky');
        if (event.id === 'm-2') throw new Error('poison');
      },
    });
    const record = (id: string) => ({
      messageId: id,
      receiptHandle: 'r',
      body: JSON.stringify({ id }),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(T0),
        SenderId: 'x',
        ApproximateFirstReceiveTimestamp: String(T0),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders',
      awsRegion: 'us-east-1',
    });
    const result = await invoke(
      handler,
      { Records: [record('m-1'), record('m-2')] },
      { retries: true, startAt: T0 },
    );
    expect(seen).toEqual(['m-1#1', 'm-1#2', 'm-2#1', 'm-2#2']);
    expect(result.attempts.map((a) => [a.attempt, a.at - T0])).toEqual([
      [1, 0],
      [2, 3_600_000],
      [1, 0],
      [2, 3_600_000],
    ]);
    expect(result.deadLetters.map((d) => [d.dlreason, d.dlattempts])).toEqual([['retries-exhausted', 2]]);
    expect(result.response).toEqual({ batchItemFailures: [] });
  });

  it('gives each attempt the event as it arrived, and never changes the caller’s object', async () => {
    const raw = order('ord-3');
    const totals: unknown[] = [];
    const handler = defineHandler({
      name: 'mutating',
      retry,
      handle(event, ctx) {
        const data = event.data as { total: number };
        totals.push(data.total);
        data.total += 100;
        if (ctx.attempt < 3) throw new Error('again');
      },
    });
    await invoke(handler, raw, { retries: true, startAt: T0 });
    expect(totals).toEqual([12, 12, 12]);
    expect(raw.data).toEqual({ total: 12 });
    await invoke(handler, raw);
    expect(raw.data).toEqual({ total: 12 });
  });
});
