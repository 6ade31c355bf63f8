/** Real emulator state folders for tests: filled through the store, and damaged on purpose. */
import { closeSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createCloudEvent } from '../../src/cloud-event.js';
import { deadLetterEnvelope } from '../../src/delivery/dead-letter.js';
import { openStore } from '../../src/dev/store/store.js';

/**
 * Fills the state folder `dir` with `count` events received one ms apart from `from`, each delivered
 * to `orders` — but the 8th, which is dead-lettered ('bad order') — and closes it (its WAL checkpointed).
 */
export function fillStore(dir: string, count: number, from = Date.UTC(2026, 0, 1)): void {
  const store = openStore(dir);
  for (let i = 0; i < count; i++) {
    const at = from + i;
    const event = createCloudEvent({
      id: `e${i}`,
      source: '/shop',
      type: 'com.shop.order.created',
      data: { orderId: i, note: 'x'.repeat(200) },
    });
    store.accept(event, at, [{ handler: 'orders', matched: true }]);
    for (const delivery of store.claimDue(at)) {
      if (i !== 7) store.complete(delivery.id, 'delivered');
      else {
        const error = new Error('bad order');
        const envelope = deadLetterEnvelope({
          event,
          reason: 'non-retryable',
          attempts: 1,
          error,
          handler: 'orders',
          firstAttemptAt: at,
          lastAttemptAt: at,
        });
        store.deadLetter(delivery, envelope, at);
      }
    }
  }
  store.close();
}

/**
 * Overwrites one whole leaf page of the events table (the fourth) with a fixed pattern, as a bad
 * sector would: the same page of the same bytes on every run.
 */
export function damageEventsPage(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const size = db.pragma('page_size', { simple: true }) as number;
  const page = db
    .prepare(
      `SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 3`,
    )
    .pluck()
    .get() as number | undefined;
  db.close();
  if (page === undefined) throw new Error(`${file} has fewer than 4 leaf pages of events; fill it with more`);
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(size, 0xa5), 0, size, (page - 1) * size);
  } finally {
    closeSync(fd);
  }
}
