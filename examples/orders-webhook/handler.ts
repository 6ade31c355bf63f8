/**
 * An order webhook: the shop POSTs each new order as JSON. Invalid orders are answered 422 with the
 * schema errors and never reach the handler. The answer echoes the CloudEvent the handler received.
 */
import { defineHandler } from 'triggerkit';
import { type Order, orderSchema } from '../schemas/order.js';

export const handler = defineHandler<Order>({
  name: 'orders-webhook',
  sources: [
    { type: 'http', path: '/webhooks/orders', method: 'POST', eventType: 'com.example.order.received' },
  ],
  schema: orderSchema,
  async handle(event) {
    const order = event.data as Order;
    return { accepted: order.orderId, event };
  },
});
