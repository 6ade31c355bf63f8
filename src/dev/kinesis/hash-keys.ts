/**
 * Kinesis's addressing, as pure functions: a record goes to the shard whose hash-key range holds the MD5
 * of its partition key read as an unsigned 128-bit integer (or its `ExplicitHashKey`); a new stream's
 * shards split the 128-bit space into equal contiguous ranges; sequence numbers are decimal strings that
 * increase within a shard.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html
 */
import { createHash } from 'node:crypto';

/** The largest hash key: 2^128 − 1. */
export const MAX_HASH_KEY = 2n ** 128n - 1n;

/** The hash key of a partition key: MD5 of its UTF-8 bytes, as an unsigned 128-bit integer. */
export function hashKeyOf(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** The ranges of a new stream's `count` shards: equal and contiguous, the last ending at 2^128 − 1. */
export function shardRanges(count: number): { startingHashKey: string; endingHashKey: string }[] {
  const space = MAX_HASH_KEY + 1n;
  return Array.from({ length: count }, (_, i) => ({
    startingHashKey: String((space * BigInt(i)) / BigInt(count)),
    endingHashKey: String((space * BigInt(i + 1)) / BigInt(count) - 1n),
  }));
}

/** The shard (index) whose range holds `hashKey`. */
export function shardOf(
  shards: readonly { index: number; startingHashKey: string; endingHashKey: string }[],
  hashKey: bigint,
): number {
  const shard = shards.find(
    (s) => BigInt(s.startingHashKey) <= hashKey && hashKey <= BigInt(s.endingHashKey),
  );
  if (shard === undefined) throw new RangeError(`No shard owns hash key ${hashKey}.`);
  return shard.index;
}

/** `shardId-000000000003` for shard 3. */
export const shardId = (index: number): string => `shardId-${String(index).padStart(12, '0')}`;

/** The shard index of `shardId-000000000003` (also `3` or `000000000003`), or undefined. */
export function shardIndexOf(id: string): number | undefined {
  const match = /^(?:shardId-)?(\d{1,12})$/.exec(id);
  return match === null ? undefined : Number(match[1]);
}

// A sequence number is 49 · 10^54 + shard · 10^48 + seq: 56 digits like Kinesis's, increasing in a shard.
const SEQ_SPAN = 10n ** 48n;
const SHARD_SPAN = 10n ** 6n;
const BASE = 49n * 10n ** 54n;

/** The sequence number of the `seq`-th record (1-based) of a shard. */
export function sequenceNumber(shard: number, seq: number): string {
  return String(BASE + BigInt(shard) * SEQ_SPAN + BigInt(seq));
}

/** The shard and `seq` of a sequence number this emulator gave, or undefined. */
export function parseSequenceNumber(value: unknown): { shard: number; seq: number } | undefined {
  if (typeof value !== 'string' || !/^\d{56}$/.test(value)) return undefined;
  const n = BigInt(value) - BASE;
  if (n < 0n) return undefined;
  return { shard: Number((n / SEQ_SPAN) % SHARD_SPAN), seq: Number(n % SEQ_SPAN) };
}
