import { invoke, loadEvent } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './handler.js';

const fixture = (name: string) =>
  loadEvent(new URL(`../../test/fixtures/events/apigw-http/${name}.json`, import.meta.url));

describe('orders-webhook example', () => {
  it('answers 200 with the CloudEvent the handler received', async () => {
    const { response, delivered } = await invoke(handler, await fixture('order-webhook'));
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    const body = JSON.parse((response as { body: string }).body);
    expect(body.accepted).toBe('ord-2001');
    expect(body.event).toEqual({
      specversion: '1.0',
      id: 'dGh1cnNkYXk9',
      source: '/webhooks/orders',
      type: 'com.example.order.received',
      time: '2025-11-23T12:13:20.321Z',
      datacontenttype: 'application/json',
      httpmethod: 'POST',
      data: { orderId: 'ord-2001', total: 240.5, currency: 'USD', items: [{ sku: 'lamp', quantity: 1 }] },
    });
    expect(delivered).toEqual([body.event]);
  });

  it('answers 422 naming every schema problem, and the handler never runs', async () => {
    const { response, delivered, failed } = await invoke(handler, await fixture('order-webhook-invalid'));
    expect(delivered).toEqual([]);
    expect(response).toMatchObject({ statusCode: 422 });
    const body = JSON.parse((response as { body: string }).body);
    expect(body.outcomes[0]).toMatchObject({ id: 'ZnJpZGF5PQ==', outcome: 'failed', stage: 'schema' });
    expect(body.outcomes[0].error.message).toContain('data/total must be >= 0');
    expect(body.outcomes[0].error.message).toContain('data/currency must match pattern');
    expect(failed[0]?.retryable).toBe(false);
  });
});
