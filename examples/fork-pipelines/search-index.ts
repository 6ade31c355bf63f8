/**
 * Fork pipelines, search and analytics: of the events on the `fork-events` topic, only the shop's
 * order events are indexed (the filter); the index counts them and sums their totals by type.
 * It lives in memory here, to keep the example whole; a real one writes to OpenSearch or DynamoDB.
 */
import { defineHandler } from 'triggerkit';
import { TOPIC } from './archive.js';

export interface IndexEntry {
  count: number;
  total: number;
}

/** Per event type: how many, and the sum of their `total`. */
export const searchIndex = new Map<string, IndexEntry>();

export const handler = defineHandler<{ total?: number }>({
  name: 'fork-search-index',
  sources: [{ type: 'aws:sns', topic: TOPIC }],
  filter: { type: [{ prefix: 'com.shop.order.' }] },
  async handle(event) {
    const entry = searchIndex.get(event.type) ?? { count: 0, total: 0 };
    entry.count += 1;
    entry.total += event.data.total ?? 0;
    searchIndex.set(event.type, entry);
    return { type: event.type, ...entry };
  },
});
