/**
 * The backup pipeline: every message published to the `orders` topic, archived under its message id.
 * It subscribes to the topic on its own, with its own retries and dead letter: a failing indexer never
 * holds a backup back (the Event Fork Pipelines pattern).
 */
import { defineHandler } from 'triggerkit';
import { type OrderEvent, orderEventSchema } from './order-event.js';

export const handler = defineHandler<OrderEvent>({
  name: 'backup',
  sources: [{ type: 'aws:sns', topic: 'orders' }],
  schema: orderEventSchema,
  retry: { maxAttempts: 3 },
  async handle(event) {
    const order = event.data as OrderEvent;
    // Store it with @aws-sdk/client-s3: new PutObjectCommand({ Bucket: 'orders-archive', Key: key, Body: … })
    return { archived: `orders/${order.orderId}/${event.id}.json` };
  },
});
