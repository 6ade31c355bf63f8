/**
 * Orders arriving on an SQS queue. Each message is one order; a message that fails is reported in
 * `batchItemFailures`, so only it is redelivered, never the whole batch.
 */
import { defineHandler, NonRetryableError } from 'triggerkit';
import { type Order, orderSchema } from '../schemas/order.js';

export const handler = defineHandler<Order>({
  name: 'orders-queue',
  sources: [{ type: 'aws:sqs', queue: 'shop-orders' }],
  schema: orderSchema,
  async handle(event) {
    const order = event.data as Order;
    if (order.items?.some((item) => item.quantity <= 0)) {
      throw new NonRetryableError(`order ${order.orderId} has an item with quantity <= 0`);
    }
    return { reserved: order.orderId };
  },
});
