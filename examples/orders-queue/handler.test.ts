import { invoke, loadEvent } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './handler.js';

const batch = () => loadEvent(new URL('../../test/fixtures/events/sqs/orders-batch.json', import.meta.url));

describe('orders-queue example', () => {
  it('reports exactly the failed messages in batchItemFailures', async () => {
    const result = await invoke(handler, await batch());
    expect(result.response).toEqual({
      batchItemFailures: [
        { itemIdentifier: '8e4a3d2b-6c7f-4a9e-8b1c-2d3e4f5a6b7c' },
        { itemIdentifier: '9f5b4e3c-7d8a-4b0f-9c2d-3e4f5a6b7c8d' },
      ],
    });
  });

  it('delivers valid orders as CloudEvents with the SQS message id', async () => {
    const result = await invoke(handler, await batch());
    expect(result.delivered.map((e) => e.id)).toEqual([
      '7d3f2c1a-5b6e-4f8d-9a0b-1c2d3e4f5a6b',
      'a06c5f4d-8e9b-4c1a-8d3e-4f5a6b7c8d9e',
    ]);
    expect(result.delivered[0]).toMatchObject({
      specversion: '1.0',
      source: 'arn:aws:sqs:eu-west-1:210987654321:shop-orders',
      type: 'com.amazonaws.sqs.message',
      time: '2025-11-23T12:13:20.123Z',
      datacontenttype: 'application/json',
      data: { orderId: 'ord-1001', total: 129.9, currency: 'EUR' },
    });
    expect(result.results).toEqual([{ reserved: 'ord-1001' }, { reserved: 'ord-1004' }]);
  });

  it('fails a poison order as non-retryable and an invalid one at the schema stage', async () => {
    const { failed } = await invoke(handler, await batch());
    expect(failed.map((f) => [f.event.id, f.stage, f.retryable])).toEqual([
      ['8e4a3d2b-6c7f-4a9e-8b1c-2d3e4f5a6b7c', 'handler', false],
      ['9f5b4e3c-7d8a-4b0f-9c2d-3e4f5a6b7c8d', 'schema', false],
    ]);
    expect(String((failed[1]?.error as Error | undefined)?.message)).toContain('data/total must be number');
  });
});
