/**
 * `defineHandler` gives a middy handler: `.use()` takes middy middleware, except `@middy/event-normalizer`,
 * whose in-place rewrite of the raw event made every SQS record unreadable — it is refused when added.
 */
import { readFileSync } from 'node:fs';
import eventNormalizer from '@middy/event-normalizer';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { defineHandler } from './define-handler.js';

const batch = JSON.parse(
  readFileSync(new URL('../test/fixtures/events/sqs/orders-batch.json', import.meta.url), 'utf8'),
) as { Records: unknown[] };
const context = { functionName: 'orders', getRemainingTimeInMillis: () => 10_000 } as Context;
const orders = () =>
  defineHandler({
    name: 'orders',
    sources: [{ type: 'aws:sqs', queue: 'shop-orders' }],
    handle: async () => {},
  });

describe('middy middleware on a triggerkit handler', () => {
  it('refuses @middy/event-normalizer at .use(), in one line saying why', () => {
    expect(() => orders().use(eventNormalizer())).toThrow(
      'Handler "orders" cannot use @middy/event-normalizer: triggerkit already turns the raw event into CloudEvents',
    );
    const { before } = eventNormalizer();
    if (before === undefined) throw new Error('event-normalizer has no before');
    expect(() => orders().before(before)).toThrow('cannot use @middy/event-normalizer');
  });

  it('keeps every other middleware, which sees the raw event', async () => {
    const seen: unknown[] = [];
    const handler = orders().use({
      before: async (request) => {
        seen.push(request.event);
      },
    });
    expect(await handler(batch, context)).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([batch]);
  });
});
