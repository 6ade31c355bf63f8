/**
 * Keeps a product cache in step with the `public.products` table from its change stream (Debezium's
 * PostgreSQL change events, one per row change, in commit order). An insert warms the cache with the new
 * row: its `after` image is complete. An update or a delete invalidates the row's key, and the next read
 * reloads the row: an update's `after` may hold a placeholder for an unchanged TOASTed column, and a
 * delete leaves no row. With REPLICA IDENTITY DEFAULT an update has no `before` and a delete's `before`
 * holds only the key, so the key is read from whichever image is there.
 */
import { defineHandler, NonRetryableError } from 'triggerkit';
import { createCache } from './cache.js';

export interface Product {
  id: number;
  sku: string;
  name: string;
  category: string;
  price_cents: number;
}

/** The part of a Debezium change event this handler reads. */
export interface ProductChange {
  op: 'c' | 'u' | 'd';
  before: Pick<Product, 'id'> | null;
  after: Product | null;
}

export const cache = createCache<Product>();

export const productKey = (id: number) => `product:${id}`;

export const handler = defineHandler<ProductChange>({
  name: 'product-cache',
  // `no_data`: no snapshot of the table first, the cache only needs what changes from now on.
  sources: [{ type: 'debezium', table: 'public.products', snapshotMode: 'no_data' }],
  // Snapshot reads (`r`), truncates (`t`) and logical messages (`m`) never reach the handler.
  filter: { data: { op: ['c', 'u', 'd'] } },
  async handle({ data: change }) {
    if (change.op === 'c' && change.after !== null) {
      cache.set(productKey(change.after.id), change.after);
      return { warmed: productKey(change.after.id) };
    }
    const id = change.after?.id ?? change.before?.id;
    if (id === undefined) {
      // REPLICA IDENTITY NOTHING sends no old key on delete: retrying cannot help.
      throw new NonRetryableError(
        `a '${change.op}' change of public.products has no id; set the table's REPLICA IDENTITY to DEFAULT or FULL`,
      );
    }
    cache.delete(productKey(id));
    return { invalidated: productKey(id) };
  },
});
