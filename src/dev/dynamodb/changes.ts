/**
 * A table's local stream: its records are kept in the emulator's stream store (store/kinesis-streams.ts)
 * as a stream named `dynamodb:<table>` — a name the Kinesis API cannot make or list — with 4 shards, a
 * record going to the shard of its partition key (so the records of one item stay in order), kept 24 h.
 * A stored record is the whole change (keys and both images); the mapping cuts it to the view type the
 * handler declares when it hands it over, as Lambda's DynamoDB Streams record.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html
 */
import { createHash } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import { ACCOUNT_ID, REGION } from '../kinesis/streams.js';
import type { KinesisRecordRow } from '../store/kinesis-streams.js';

export type AttributeMap = Record<string, unknown>;
export type ViewType = 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'KEYS_ONLY';

/** One change as stored: what the table's stream record holds before the view type is applied. */
export interface StoredChange {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly Keys: AttributeMap;
  readonly NewImage?: AttributeMap;
  readonly OldImage?: AttributeMap;
}

export const tableStream = (table: string) => `dynamodb:${table}`;

/** The label of a stream created at `createdAt`, as DynamoDB names one: `2026-12-07T17:26:53.123`. */
export const streamLabel = (createdAt: number) => new Date(createdAt).toISOString().slice(0, 23);

export const tableStreamArn = (table: string, createdAt: number) =>
  `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${table}/stream/${streamLabel(createdAt)}`;

/** The change an item's images before and after a write make, or undefined when the item is unchanged. */
export function changeOf(
  keys: AttributeMap,
  before: AttributeMap | undefined,
  after: AttributeMap | undefined,
): StoredChange | undefined {
  if (before === undefined && after === undefined) return undefined;
  if (before === undefined) return { eventName: 'INSERT', Keys: keys, NewImage: after };
  if (after === undefined) return { eventName: 'REMOVE', Keys: keys, OldImage: before };
  if (canonical(before) === canonical(after)) return undefined;
  return { eventName: 'MODIFY', Keys: keys, OldImage: before, NewImage: after };
}

/** JSON with object keys sorted: two images are the same item when their canonical texts are equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** DynamoDB's sequence numbers are 21 to 40 digits, increasing within a shard: (shard + 1) · 10^20 + seq. */
export const changeSequence = (r: Pick<KinesisRecordRow, 'shard' | 'seq'>) =>
  String(BigInt(r.shard + 1) * 10n ** 20n + BigInt(r.seq));

/** One stored record as Lambda hands it to the function, cut to `view`. */
export function toDynamoDbRecord(
  table: string,
  createdAt: number,
  view: ViewType,
  r: KinesisRecordRow,
): DynamoDBRecord {
  const change = JSON.parse(r.data.toString('utf8')) as StoredChange;
  const images = {
    Keys: change.Keys,
    ...(change.NewImage !== undefined &&
      (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES') && { NewImage: change.NewImage }),
    ...(change.OldImage !== undefined &&
      (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES') && { OldImage: change.OldImage }),
  };
  const arn = tableStreamArn(table, createdAt);
  return {
    eventID: createHash('md5').update(`${arn}\u0000${r.shard}\u0000${r.seq}`).digest('hex'),
    eventName: change.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(r.arrivedAt / 1000),
      ...images,
      SequenceNumber: changeSequence(r),
      SizeBytes: Buffer.byteLength(JSON.stringify(images)),
      StreamViewType: view,
    } as DynamoDBRecord['dynamodb'],
    eventSourceARN: arn,
  };
}
