/**
 * The live object-store triggers: each bucket a handler declares (`{ type: 'aws:s3', bucket, prefix?,
 * suffix? }`, `{ type: 'alibaba:oss', bucket, prefix?, suffix? }`) is a watched folder (buckets/service.ts),
 * and every object created or deleted in it — a file dropped, overwritten or removed, or an S3 API call —
 * invokes the function asynchronously with one notification record, in S3's or OSS's shape, when the key
 * is within the declaration's prefix and suffix.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html
 */
import { bucketsOf } from '../buckets/service.js';
import type { EmulatorFunction } from '../run-delivery.js';
import type { TriggerHost } from './host.js';
import type { Feed, LiveTriggers } from './types.js';

/** Watches every declared bucket; a feed per declaration, labelled with the bucket's folder. */
export function startBucketTriggers(host: TriggerHost, functions: readonly EmulatorFunction[]): LiveTriggers {
  const buckets = bucketsOf(host);
  const declared = buckets?.sync(functions) ?? [];
  const feeds: Feed[] = declared.map(({ fn, source }) => ({
    fn: fn.name,
    source,
    label: `${source.type} ${source.bucket} (${buckets?.describeFolder(source.bucket)})`,
  }));
  // The watchers and the dispatcher outlive a reload (they read the functions live): nothing to stop.
  return { feeds, stop: async () => {} };
}
