/**
 * What a live Kinesis mapping hands the function and reads from its answer: Lambda's Kinesis record,
 * and the lowest failed record of a `batchItemFailures` answer.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { sequenceNumber, shardId } from '../kinesis/hash-keys.js';
import { ACCOUNT_ID, REGION, streamArn } from '../kinesis/streams.js';
import type { KinesisRecordRow } from '../store/kinesis-streams.js';

/**
 * The record an answer's `batchItemFailures` names first in the batch (Lambda checkpoints at the lowest
 * sequence number), `'invalid'` when an entry names no record of the batch (a complete failure, as in
 * Lambda), or undefined when the answer reports none.
 */
export function lowestFailure(
  response: unknown,
  records: readonly KinesisRecordRow[],
  itemId: (r: KinesisRecordRow) => string = (r) => sequenceNumber(r.shard, r.seq),
): KinesisRecordRow | 'invalid' | undefined {
  const failures = (response as { batchItemFailures?: unknown } | undefined)?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return undefined;
  let lowest: number | undefined;
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = records.findIndex((r) => itemId(r) === id);
    if (index === -1) return 'invalid';
    lowest = Math.min(lowest ?? index, index);
  }
  return records[lowest as number];
}

/** One record as Lambda hands it to the function. */
export function toRecord(stream: string, fnName: string, r: KinesisRecordRow): KinesisStreamRecord {
  const seq = sequenceNumber(r.shard, r.seq);
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.partitionKey,
      sequenceNumber: seq,
      data: r.data.toString('base64'),
      approximateArrivalTimestamp: r.arrivedAt / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId(r.shard)}:${seq}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${ACCOUNT_ID}:role/${fnName}`,
    awsRegion: REGION,
    eventSourceARN: streamArn(stream),
  };
}
