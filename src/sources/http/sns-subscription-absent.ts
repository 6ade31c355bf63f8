/**
 * What `triggerkit build` gives a bundle in place of `sns-subscription.ts` (and the SNS signature check
 * and `node:crypto` it brings) when the bundle keeps no HTTP source (see `src/build/prune.ts`): only an
 * HTTP request can carry an SNS subscription message, and such a request is refused as undeclared before
 * the adapter would settle it. `settleHttpBatch` then has nothing pending and answers the batch, as the
 * real one does for a batch without an SNS message.
 */
import type { Batch, HttpRequest } from '../types.js';

export async function settleHttpBatch(batch: Batch, _now?: number): Promise<Batch> {
  return batch;
}

export function isSnsDelivery(_req: HttpRequest): boolean {
  return false;
}
