/**
 * The actions of the local Kinesis endpoint, one function each over the store: streams (create, delete,
 * list, describe), shards, writes (PutRecord, PutRecords: committed before the answer) and reads
 * (GetShardIterator, GetRecords), with Kinesis's parameters, answers and errors.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_Operations.html
 */
import type { KinesisShardRow, KinesisStreamRow } from '../store/kinesis-streams.js';
import {
  hashKeyOf,
  parseSequenceNumber,
  sequenceNumber,
  shardId,
  shardIndexOf,
  shardOf,
  shardRanges,
} from './hash-keys.js';
import {
  type ActionContext,
  DEFAULT_SHARD_COUNT,
  faults,
  type Input,
  intParam,
  KinesisFault,
  recordOf,
  streamNameOf,
  streamOf,
  streamSummary,
} from './streams.js';

type Action = (ctx: ActionContext, input: Input) => unknown;

/** How long a shard iterator stays valid, as in Kinesis. */
const ITERATOR_TTL_MS = 5 * 60_000;
const retentionMs = (stream: KinesisStreamRow) => stream.retentionHours * 3_600_000;

const shardOut = (s: KinesisShardRow) => ({
  ShardId: shardId(s.index),
  HashKeyRange: { StartingHashKey: s.startingHashKey, EndingHashKey: s.endingHashKey },
  SequenceNumberRange: { StartingSequenceNumber: sequenceNumber(s.index, 0) },
});

/** Appends checked records to their shards (by hash key) in one transaction; each answer in order. */
function put(ctx: ActionContext, stream: KinesisStreamRow, records: ReturnType<typeof recordOf>[]) {
  const shards = ctx.store.shards(stream.name);
  const placed = records.map((r) => ({
    shard: shardOf(shards, r.hashKey === undefined ? hashKeyOf(r.partitionKey) : BigInt(r.hashKey)),
    partitionKey: r.partitionKey,
    data: r.data,
  }));
  const seqs = ctx.store.append(stream.name, placed, ctx.now, retentionMs(stream));
  return placed.map((r, i) => ({
    ShardId: shardId(r.shard),
    SequenceNumber: sequenceNumber(r.shard, seqs[i] as number),
  }));
}

/** A shard iterator: where a reader is (after `after`), opaque to the caller, valid five minutes. */
interface Iterator {
  readonly stream: string;
  readonly created: number;
  readonly shard: number;
  readonly after: number;
  readonly expires: number;
}
const encodeIterator = (it: Iterator) => Buffer.from(JSON.stringify(it)).toString('base64');
function decodeIterator(ctx: ActionContext, value: unknown): Iterator {
  let it: Partial<Iterator> | undefined;
  try {
    it = typeof value === 'string' ? JSON.parse(Buffer.from(value, 'base64').toString('utf8')) : undefined;
  } catch {
    it = undefined;
  }
  if (typeof it?.stream !== 'string' || typeof it.after !== 'number' || typeof it.shard !== 'number')
    throw faults.invalid('ShardIterator is not an iterator GetShardIterator returned.');
  if ((it.expires ?? 0) < ctx.now)
    throw new KinesisFault('ExpiredIteratorException', 'Iterator expired: call GetShardIterator again.');
  const stream = ctx.store.getStream(it.stream);
  if (stream === undefined || stream.createdAt !== it.created) throw faults.notFound(it.stream);
  return it as Iterator;
}

function shardParam(ctx: ActionContext, stream: KinesisStreamRow, input: Input): KinesisShardRow {
  const index = typeof input.ShardId === 'string' ? shardIndexOf(input.ShardId) : undefined;
  const shard = ctx.store.shards(stream.name).find((s) => s.index === index);
  if (shard === undefined)
    throw new KinesisFault(
      'ResourceNotFoundException',
      `Shard ${String(input.ShardId)} in stream ${stream.name} under account 000000000000 does not exist.`,
    );
  return shard;
}

/** The `seq` a GetShardIterator request starts after. */
function startAfter(
  ctx: ActionContext,
  stream: KinesisStreamRow,
  shard: KinesisShardRow,
  input: Input,
): number {
  const type = input.ShardIteratorType;
  const at = () => {
    const parsed = parseSequenceNumber(input.StartingSequenceNumber);
    if (parsed === undefined || parsed.shard !== shard.index)
      throw faults.invalid(
        `StartingSequenceNumber ${JSON.stringify(input.StartingSequenceNumber ?? null)} is not a sequence number of ${shardId(shard.index)}.`,
      );
    return parsed.seq;
  };
  switch (type) {
    case 'TRIM_HORIZON':
      return 0;
    case 'LATEST':
      return shard.lastSeq;
    case 'AT_SEQUENCE_NUMBER':
      return at() - 1;
    case 'AFTER_SEQUENCE_NUMBER':
      return at();
    case 'AT_TIMESTAMP': {
      const seconds = input.Timestamp;
      if (typeof seconds !== 'number') throw faults.invalid('AT_TIMESTAMP needs a Timestamp.');
      const first = ctx.store.firstSeq(
        stream.name,
        shard.index,
        Math.max(seconds * 1000, ctx.now - retentionMs(stream)),
      );
      return first === undefined ? shard.lastSeq : first - 1;
    }
    default:
      throw faults.invalid(
        `ShardIteratorType must be AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST or AT_TIMESTAMP, got ${JSON.stringify(type ?? null)}.`,
      );
  }
}

export const actions: Readonly<Record<string, Action>> = {
  CreateStream(ctx, input) {
    const name = streamNameOf(input);
    const mode = (input.StreamModeDetails as { StreamMode?: unknown } | undefined)?.StreamMode;
    if (mode !== undefined && mode !== 'PROVISIONED' && mode !== 'ON_DEMAND')
      throw faults.invalid(
        `StreamModeDetails.StreamMode must be PROVISIONED or ON_DEMAND, got ${JSON.stringify(mode)}.`,
      );
    const count = intParam(input, 'ShardCount', 1, 1_000);
    if (mode === 'ON_DEMAND' && count !== undefined)
      throw faults.invalid('ShardCount is not expected when StreamMode=ON_DEMAND.');
    const shardMode = count === undefined ? 'ON_DEMAND' : 'PROVISIONED';
    if (!ctx.store.createStream(name, shardRanges(count ?? DEFAULT_SHARD_COUNT), shardMode, ctx.now))
      throw faults.inUse(name);
    return {};
  },
  DeleteStream(ctx, input) {
    const stream = streamOf(ctx, input);
    ctx.store.deleteStream(stream.name);
    return {};
  },
  ListStreams(ctx, input) {
    const limit = intParam(input, 'Limit', 1, 10_000) ?? 100;
    const after = typeof input.ExclusiveStartStreamName === 'string' ? input.ExclusiveStartStreamName : '';
    // `dynamodb:<table>` streams hold DynamoDB tables' records (dynamodb/changes.ts): not Kinesis streams.
    const streams = ctx.store.listStreams(after).filter((s) => !s.name.includes(':'));
    const page = streams.slice(0, limit);
    return {
      StreamNames: page.map((s) => s.name),
      HasMoreStreams: streams.length > limit,
      StreamSummaries: page.map(streamSummary),
    };
  },
  DescribeStream(ctx, input) {
    const stream = streamOf(ctx, input);
    return {
      StreamDescription: {
        ...streamSummary(stream),
        Shards: ctx.store.shards(stream.name).map(shardOut),
        HasMoreShards: false,
        RetentionPeriodHours: stream.retentionHours,
        EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
        EncryptionType: 'NONE',
      },
    };
  },
  DescribeStreamSummary(ctx, input) {
    const stream = streamOf(ctx, input);
    return {
      StreamDescriptionSummary: {
        ...streamSummary(stream),
        RetentionPeriodHours: stream.retentionHours,
        EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
        EncryptionType: 'NONE',
        OpenShardCount: stream.shardCount,
        ConsumerCount: 0,
      },
    };
  },
  ListShards(ctx, input) {
    // A NextToken names the stream and where the page starts; the first call names the stream.
    const token = typeof input.NextToken === 'string' ? input.NextToken.split(':') : undefined;
    const stream = streamOf(ctx, token === undefined ? input : { StreamName: token[0] });
    const from = Number(token?.[1] ?? 0);
    const max = intParam(input, 'MaxResults', 1, 10_000) ?? 1_000;
    const shards = ctx.store.shards(stream.name);
    const page = shards.slice(from, from + max).map(shardOut);
    return {
      Shards: page,
      ...(from + max < shards.length && { NextToken: `${stream.name}:${from + max}` }),
    };
  },
  PutRecord(ctx, input) {
    const stream = streamOf(ctx, input);
    const [answer] = put(ctx, stream, [recordOf(input, '')]);
    return { ...answer, EncryptionType: 'NONE' };
  },
  PutRecords(ctx, input) {
    const stream = streamOf(ctx, input);
    const records = input.Records;
    if (!Array.isArray(records) || records.length < 1 || records.length > 500)
      throw faults.invalid('Records must list 1 to 500 records.');
    // A record that breaks a constraint fails the whole request, as in Kinesis; nothing throttles here,
    // so no record fails on its own (FailedRecordCount 0).
    const checked = records.map((r, i) => recordOf((r ?? {}) as Input, `Records[${i}].`));
    return { FailedRecordCount: 0, Records: put(ctx, stream, checked), EncryptionType: 'NONE' };
  },
  GetShardIterator(ctx, input) {
    const stream = streamOf(ctx, input);
    const shard = shardParam(ctx, stream, input);
    const after = startAfter(ctx, stream, shard, input);
    return {
      ShardIterator: encodeIterator({
        stream: stream.name,
        created: stream.createdAt,
        shard: shard.index,
        after,
        expires: ctx.now + ITERATOR_TTL_MS,
      }),
    };
  },
  GetRecords(ctx, input) {
    const it = decodeIterator(ctx, input.ShardIterator);
    const stream = ctx.store.getStream(it.stream) as KinesisStreamRow;
    const limit = intParam(input, 'Limit', 1, 10_000) ?? 10_000;
    const records = ctx.store.read(it.stream, it.shard, it.after, limit, ctx.now - retentionMs(stream));
    const last = records.at(-1);
    const tip = ctx.store.shards(it.stream).find((s) => s.index === it.shard)?.lastSeq ?? 0;
    return {
      Records: records.map((r) => ({
        SequenceNumber: sequenceNumber(r.shard, r.seq),
        ApproximateArrivalTimestamp: r.arrivedAt / 1000,
        Data: r.data.toString('base64'),
        PartitionKey: r.partitionKey,
      })),
      NextShardIterator: encodeIterator({
        ...it,
        after: last?.seq ?? it.after,
        expires: ctx.now + ITERATOR_TTL_MS,
      }),
      MillisBehindLatest: last === undefined || last.seq >= tip ? 0 : Math.max(0, ctx.now - last.arrivedAt),
    };
  },
};
