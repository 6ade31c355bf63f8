/**
 * The search-index pipeline: the same `orders` topic, but drafts are filtered out before the handler
 * runs (a filtered event is neither retried nor dead-lettered). Its own subscription, retries and dead
 * letter, independent of the backup.
 */
import { defineHandler } from 'triggerkit';
import { type OrderEvent, orderEventSchema } from './order-event.js';

export const handler = defineHandler<OrderEvent>({
  name: 'indexer',
  sources: [{ type: 'aws:sns', topic: 'orders' }],
  filter: { data: { status: [{ 'anything-but': ['draft'] }] } },
  schema: orderEventSchema,
  retry: { maxAttempts: 5 },
  async handle(event) {
    const order = event.data as OrderEvent;
    // Write it to your search index (OpenSearch, Algolia…) keyed by the order id: a retry overwrites it.
    return { indexed: order.orderId, document: { status: order.status, total: order.total } };
  },
});
