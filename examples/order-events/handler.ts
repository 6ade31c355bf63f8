/**
 * Subscribed to the `order-events` SNS topic: every message published there runs it, one record per
 * invocation (SNS invokes Lambda asynchronously: a failure is retried by the handler's `retry`).
 */
import { defineHandler } from 'triggerkit';

export const handler = defineHandler<{ orderId: string }>({
  name: 'order-events',
  sources: [{ type: 'aws:sns', topic: 'order-events' }],
  async handle(event) {
    return { notified: event.data?.orderId };
  },
});
