/**
 * Orders from the `orders` SQS queue. A message that fails the schema or the handler is reported in
 * `batchItemFailures`: only it is redelivered, then dead-lettered after the last attempt.
 */
import { defineHandler } from 'triggerkit';
import { type Order, orderSchema } from './order.js';

export const handler = defineHandler<Order>({
  name: 'orders',
  sources: [{ type: 'aws:sqs', queue: 'orders' }],
  schema: orderSchema,
  retry: { maxAttempts: 3 },
  async handle(event) {
    const order = event.data as Order;
    return { accepted: order.orderId, large: order.total > 100 };
  },
});
