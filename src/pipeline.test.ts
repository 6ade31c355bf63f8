import { describe, expect, it } from 'vitest';
import { createCloudEvent } from './cloud-event.js';
import { compileDefinition, type HandlerContext, type HandlerDefinition } from './definition.js';
import { NonRetryableError } from './errors.js';
import { runPipeline } from './pipeline.js';

const event = createCloudEvent({
  id: 'e-1',
  source: '/shop',
  type: 'com.shop.order.created',
  data: { total: 120 },
});
const ctx = { attempt: 1, ref: 'r-1', transport: 'cloudevents' } as HandlerContext;
const run = (definition: HandlerDefinition) => runPipeline(compileDefinition(definition), event, ctx);

describe('runPipeline', () => {
  it('delivers a matching event and keeps the handler result', async () => {
    const outcome = await run({
      filter: { type: ['com.shop.order.created'] },
      handle: (e) => (e.data as { total: number }).total,
    });
    expect(outcome).toMatchObject({ status: 'delivered', result: 120, input: event });
  });

  it('filters a non-matching event without calling the handler', async () => {
    let called = false;
    const outcome = await run({
      filter: { type: ['other'] },
      handle: () => {
        called = true;
      },
    });
    expect(outcome.status).toBe('filtered');
    expect(called).toBe(false);
  });

  it('hands the transformed payload to the handler as data, attributes kept', async () => {
    const outcome = await run({
      transform: (e) => ({ cents: (e.data as { total: number }).total * 100 }),
      handle: (e) => e,
    });
    expect(outcome.status === 'delivered' && outcome.result).toEqual({ ...event, data: { cents: 12000 } });
  });

  it('validates after the transform; an invalid event fails non-retryably at the schema stage', async () => {
    const outcome = await run({ schema: { type: 'object', required: ['sku'] }, handle: () => 1 });
    expect(outcome).toMatchObject({ status: 'failed', stage: 'schema', retryable: false });
    expect(outcome.status === 'failed' && (outcome.error as Error).message).toBe(
      'data must have property "sku" (event id e-1, record r-1)',
    );
  });

  it('a throwing transform fails non-retryably', async () => {
    const outcome = await run({
      transform: () => {
        throw new Error('bad shape');
      },
      handle: () => 1,
    });
    expect(outcome).toMatchObject({ status: 'failed', stage: 'transform', retryable: false });
  });

  it('handler errors are retryable unless they are NonRetryableError', async () => {
    const plain = await run({
      handle: () => {
        throw new Error('db down');
      },
    });
    expect(plain).toMatchObject({ status: 'failed', stage: 'handler', retryable: true });
    const poison = await run({
      handle: () => {
        throw new NonRetryableError('poison');
      },
    });
    expect(poison).toMatchObject({ status: 'failed', stage: 'handler', retryable: false });
  });

  it('never mutates the incoming event', async () => {
    await run({ transform: () => ({ replaced: true }), handle: () => 1 });
    expect(event.data).toEqual({ total: 120 });
    expect(Object.isFrozen(event)).toBe(true);
  });
});

describe('a runtime that matched the event already', () => {
  it('does not run the filter again', async () => {
    const compiled = compileDefinition({ filter: { type: ['never.this'] }, handle: () => 'ran' });
    expect(await runPipeline(compiled, event, ctx)).toMatchObject({ status: 'filtered' });
    expect(await runPipeline(compiled, event, ctx, { matched: true })).toMatchObject({
      status: 'delivered',
      result: 'ran',
    });
  });
});
