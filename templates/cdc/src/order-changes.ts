/**
 * Changes to the `orders` DynamoDB table, from its stream: each insert, update and delete is one
 * CloudEvent (`type` com.amazonaws.dynamodb.insert|modify|remove, `subject` the key, `data` the change).
 * A change that fails is reported in `batchItemFailures`; the stream retries from it, in order.
 */
import { defineHandler } from 'triggerkit';
import { type OrderChange, orderChangeSchema } from './order-change.js';

export const handler = defineHandler<OrderChange>({
  name: 'order-changes',
  sources: [{ type: 'aws:dynamodb', table: 'orders', streamViewType: 'NEW_AND_OLD_IMAGES' }],
  schema: orderChangeSchema,
  retry: { maxAttempts: 3 },
  async handle(event) {
    const { op, keys, before, after } = event.data as OrderChange;
    if (op === 'c') return { orderId: keys.orderId, created: after?.status };
    if (op === 'd') return { orderId: keys.orderId, removed: before?.status };
    // An update that keeps the status (a new total, say) is no transition to act on.
    if (before?.status === after?.status) return { orderId: keys.orderId, unchanged: true };
    return { orderId: keys.orderId, from: before?.status, to: after?.status };
  },
});
