/**
 * Listens on the bus (no `sources`): every `com.example.order.created` CloudEvent published to the
 * emulator's POST /events, or delivered to the function by EventBridge, runs it. EventBridge delivers
 * at least once, so a repeat of an order (same `source` and `id`) within a day is not handled again.
 */
import { defineHandler } from 'triggerkit';

interface OrderCreated {
  total: number;
}

export const handler = defineHandler<OrderCreated>({
  name: 'order-created',
  filter: { type: ['com.example.order.created'] },
  schema: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } },
  idempotency: { ttl: '1d' },
  async handle(event) {
    const { total } = event.data as OrderCreated;
    return { orderEvent: event.id, large: total > 100 };
  },
});
