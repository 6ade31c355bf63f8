/** POST /sources/<kind>: a generated platform event delivered as that source's live trigger would. */
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import { NonRetryableError } from '../errors.js';
import { createEmulator, type Emulator } from './emulator.js';
import type { EmulatorFunction } from './run-delivery.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(functions: EmulatorFunction[]) {
  emulator = createEmulator({ functions, log: () => {}, onTrace: () => {} });
  const url = await emulator.listen(0);
  return async (kind: string, body: unknown) => {
    const response = await fetch(`${url}/sources/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
}

const fast = { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '10ms' } } as const;

describe('POST /sources/<kind>', () => {
  it('delivers a Kafka batch to the function that declares the topic, records in order, one invocation', async () => {
    const seen: CloudEvent[] = [];
    const batches: number[] = [];
    const orders = defineHandler({
      name: 'orders',
      sources: [{ type: 'aws:kafka', topic: 'orders' }],
      handle: (event) => void seen.push(event),
    });
    const payments = defineHandler({
      name: 'payments',
      sources: [{ type: 'aws:kafka', topic: 'payments' }],
      handle: () => {
        throw new NonRetryableError('not for payments');
      },
    });
    const post = await start([
      {
        name: 'orders',
        handler: Object.assign(async (raw: unknown, context: never) => {
          batches.push(Object.values((raw as { records: Record<string, unknown[]> }).records).flat().length);
          return orders(raw, context);
        }, orders),
      },
      { name: 'payments', handler: payments },
    ]);
    const items = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const answer = await post('aws:kafka', { items });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      kind: 'aws:kafka',
      reached: [
        { function: 'orders', invocations: 1, records: 3, failed: 0 },
        { function: 'payments', invocations: 1, records: 3, failed: 3, blocked: 0 },
      ],
    });
    expect(batches).toEqual([3]);
    expect(seen.map((e) => e.data)).toEqual(items);
    expect(seen.map((e) => e.kafkatopic)).toEqual(['orders', 'orders', 'orders']);
    // Offsets follow one another, and the next send's come after them.
    const offsets = seen.map((e) => Number(e.sequence));
    expect(offsets).toEqual([offsets[0], (offsets[0] as number) + 1, (offsets[0] as number) + 2]);
    await post('aws:kafka', { items: [{ n: 4 }], options: { topic: 'orders' } });
    expect(Number(seen[3]?.sequence)).toBeGreaterThan(offsets[2] as number);
  });

  it('selects by the resource option and by --to, and says who declares the source when none matches', async () => {
    const handler = defineHandler({ name: 'q', sources: [{ type: 'aws:mq', queue: 'a' }], handle: () => {} });
    const post = await start([{ name: 'q', handler }]);
    expect((await post('aws:mq', { items: [{}], options: { queue: 'a' } })).json.reached).toHaveLength(1);
    const none = await post('aws:mq', { items: [{}], options: { queue: 'b' } });
    expect(none.status).toBe(404);
    expect(none.json.message).toBe(
      'No function declares aws:mq queue b; declaring aws:mq: q (aws:mq queue a).',
    );
    const missing = await post('aws:mq', { items: [{}], to: 'nobody' });
    expect(missing.json.message).toBe('No function "nobody" in the emulator; it runs q.');
    const kafka = await post('aws:kafka', { items: [{}], to: 'q' });
    expect(kafka.json.message).toBe(
      "q does not declare aws:kafka; add { type: 'aws:kafka' } to a handler's sources.",
    );
  });

  it('answers an unknown kind with 404 listing the kinds, and a body without items with 400', async () => {
    const handler = defineHandler({ name: 'q', sources: [{ type: 'rocketmq' }], handle: () => {} });
    const post = await start([{ name: 'q', handler }]);
    const unknown = await post('aws:nope', { items: [{}] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toMatch(
      /^No source kind "aws:nope" to send as; the kinds are aws:sqs, .*rocketmq, alibaba:mns\.$/,
    );
    expect((await post('rocketmq', { items: [] })).status).toBe(400);
  });

  it('dead-letters a record the handler keeps failing after maxAttempts, as a live trigger does', async () => {
    let attempts = 0;
    const handler = defineHandler({
      name: 'mq-orders',
      sources: [{ type: 'rocketmq' }],
      retry: fast,
      handle: () => {
        attempts++;
        throw new Error('broker down');
      },
    });
    const post = await start([{ name: 'mq-orders', handler }]);
    const answer = await post('rocketmq', { items: [{ id: 'o-1' }], options: { topic: 'orders' } });
    expect(answer.json.reached).toEqual([{ function: 'mq-orders', invocations: 1, records: 1, failed: 0 }]);
    for (let i = 0; i < 200 && emulator?.store.deadLetters().length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const [letter] = emulator?.store.deadLetters() ?? [];
    expect(attempts).toBe(3);
    expect(letter?.envelope).toMatchObject({
      dlreason: 'retries-exhausted',
      dlattempts: 3,
      data: { id: 'o-1' },
    });
  });

  it('dead-letters a failed Kafka record in the invocation with onError dead-letter, and goes on', async () => {
    const seen: unknown[] = [];
    const handler = defineHandler({
      name: 'k',
      sources: [{ type: 'aws:kafka', topic: 'orders' }],
      retry: fast,
      onError: 'dead-letter',
      handle: (event) => {
        if ((event.data as { n: number }).n === 1) throw new Error('bad record');
        seen.push(event.data);
      },
    });
    const post = await start([{ name: 'k', handler }]);
    const answer = await post('aws:kafka', { items: [{ n: 1 }, { n: 2 }] });
    expect(answer.json.reached).toEqual([{ function: 'k', invocations: 1, records: 2, failed: 0 }]);
    expect(seen).toEqual([{ n: 2 }]);
    expect(emulator?.store.deadLetters().map((d) => [d.envelope.dlattempts, d.envelope.data])).toEqual([
      [3, { n: 1 }],
    ]);
  });
});
