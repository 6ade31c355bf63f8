import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { formatReport } from '../cli/invoke-print.js';
import { defineHandler } from '../define-handler.js';
import { NonRetryableError } from '../errors.js';
import { invoke } from '../testing/index.js';
import { invokeReport } from './invoke-report.js';

const orders = defineHandler({
  name: 'orders-queue',
  filter: { data: { currency: ['EUR'] } },
  handle: (event) => {
    const { orderId, items } = event.data as { orderId: string; items: { quantity: number }[] };
    if (items.some((item) => item.quantity <= 0)) throw new NonRetryableError(`order ${orderId} is empty`);
    return { reserved: orderId };
  },
});

const reportOf = async (raw: unknown) =>
  invokeReport('ordersQueue', orders.definition, await invoke(orders, raw));

describe('invokeReport', () => {
  it('tells each event: delivered with its result, failed at a stage with the error, the batch answer', async () => {
    const report = await reportOf(fixture('sqs/orders-batch.json'));
    expect(report).toMatchObject({ function: 'ordersQueue', handler: 'orders-queue', outcome: 'failed' });
    expect(report.events.map((e) => e.outcome)).toEqual(['delivered', 'failed', 'failed', 'filtered']);
    expect(report.events[1]).toMatchObject({
      stage: 'handler',
      error: 'order ord-1002 is empty',
      retryable: false,
    });
    expect(report.events[0]?.result).toEqual({ reserved: 'ord-1001' });
    expect(report.response).toEqual({ batchItemFailures: expect.any(Array) });
    expect(formatReport(report)).toMatch(
      /^ordersQueue \(orders-queue\): failed — 1 delivered, 2 failed, 1 filtered\n.*\n {2}8e4a3d2b-[\w-]+ \(com\.amazonaws\.sqs\.message\): failed at handler: order ord-1002 is empty \(not retryable\)\n/,
    );
  });

  it('is filtered when no event reached the handler, and says which part of the filter missed', async () => {
    const event = {
      ...fixture<Record<string, unknown>>('cloudevents/order-created.json'),
      data: { currency: 'GBP' },
    };
    const report = await reportOf(event);
    expect(report.outcome).toBe('filtered');
    expect(report.events[0]?.reason).toBe('the filter did not match: data.currency was "GBP"');
    expect(formatReport(report)).toContain('filtered (the filter did not match: data.currency was "GBP")');
  });

  it('is failed when the invocation threw, and shows an HTTP answer as one', () => {
    const thrown = invokeReport('ordersQueue', orders.definition, { error: new TypeError('no source') });
    expect(thrown).toMatchObject({ outcome: 'failed', events: [], error: { errorType: 'TypeError' } });
    expect(formatReport(thrown)).toBe(
      'ordersQueue (orders-queue): failed — no event reached the handler\nthe invocation threw TypeError: no source\n',
    );
    const http = invokeReport('hook', orders.definition, {
      response: { statusCode: 401, headers: { 'content-type': 'text/plain' }, body: 'bad signature' },
    });
    expect(formatReport(http)).toContain('HTTP answer: 401 (text/plain) bad signature');
  });
});
