/** The local Kinesis endpoint, driven by the real SDK v3 client; and its hash-key routing. */
import { createHash } from 'node:crypto';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.js';
import {
  hashKeyOf,
  MAX_HASH_KEY,
  parseSequenceNumber,
  sequenceNumber,
  shardOf,
  shardRanges,
} from './hash-keys.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let emulator: Emulator | undefined;
let kinesis: KinesisClient | undefined;

afterEach(async () => {
  kinesis?.destroy();
  await emulator?.close();
  emulator = undefined;
});

async function start() {
  emulator = createEmulator({ functions: [], log: () => {}, onTrace: () => {} });
  const url = await emulator.listen(0);
  kinesis = new KinesisClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  return kinesis;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('hash-key routing', () => {
  it('splits the 128-bit space into equal contiguous ranges', () => {
    const ranges = shardRanges(3);
    expect(ranges[0]?.startingHashKey).toBe('0');
    expect(ranges.at(-1)?.endingHashKey).toBe(String(MAX_HASH_KEY));
    for (let i = 1; i < ranges.length; i++)
      expect(BigInt(ranges[i]?.startingHashKey as string)).toBe(
        BigInt(ranges[i - 1]?.endingHashKey as string) + 1n,
      );
    // Two shards split at 2^127, as Kinesis's do.
    expect(shardRanges(2)[1]?.startingHashKey).toBe('170141183460469231731687303715884105728');
  });

  it('routes a partition key by the MD5 of its bytes read as an unsigned 128-bit integer', () => {
    const key = 'customer-77';
    const md5 = createHash('md5').update(key).digest();
    expect(hashKeyOf(key)).toBe(md5.readBigUInt64BE(0) * 2n ** 64n + md5.readBigUInt64BE(8));
    const shards = shardRanges(2).map((r, index) => ({ ...r, index }));
    expect(shardOf(shards, hashKeyOf(key))).toBe((md5[0] as number) >= 0x80 ? 1 : 0);
    expect(shardOf(shards, 0n)).toBe(0);
    expect(shardOf(shards, MAX_HASH_KEY)).toBe(1);
    expect(shardOf(shards, 2n ** 127n)).toBe(1);
    expect(shardOf(shards, 2n ** 127n - 1n)).toBe(0);
  });

  it('numbers records so that order in a shard is the numeric order of the strings', () => {
    const a = sequenceNumber(3, 9);
    const b = sequenceNumber(3, 10);
    expect(a).toMatch(/^\d{56}$/);
    expect(BigInt(b) > BigInt(a)).toBe(true);
    expect(parseSequenceNumber(b)).toEqual({ shard: 3, seq: 10 });
    expect(parseSequenceNumber('12')).toBeUndefined();
  });
});

describe('Kinesis endpoint', () => {
  it('creates, lists, describes and deletes streams; 4 shards when ShardCount is left out', async () => {
    const client = await start();
    await client.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 2 }));
    await client.send(new CreateStreamCommand({ StreamName: 'views' }));
    const listed = await client.send(new ListStreamsCommand({}));
    expect(listed.StreamNames).toEqual(['clicks', 'views']);
    const described = await client.send(new DescribeStreamCommand({ StreamName: 'clicks' }));
    expect(described.StreamDescription?.StreamARN).toBe(
      'arn:aws:kinesis:us-east-1:000000000000:stream/clicks',
    );
    expect(described.StreamDescription?.StreamStatus).toBe('ACTIVE');
    expect(described.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'views' }));
    expect(summary.StreamDescriptionSummary?.OpenShardCount).toBe(4);
    expect(summary.StreamDescriptionSummary?.StreamModeDetails?.StreamMode).toBe('ON_DEMAND');
    expect(summary.StreamDescriptionSummary?.StreamCreationTimestamp).toBeInstanceOf(Date);
    const shards = await client.send(new ListShardsCommand({ StreamName: 'views', MaxResults: 3 }));
    expect(shards.Shards).toHaveLength(3);
    const rest = await client.send(new ListShardsCommand({ NextToken: shards.NextToken }));
    expect(rest.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000003']);
    await client.send(new DeleteStreamCommand({ StreamName: 'views' }));
    expect((await client.send(new ListStreamsCommand({}))).StreamNames).toEqual(['clicks']);
  });

  it('answers errors as the JSON protocol types them', async () => {
    const client = await start();
    await client.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 1 }));
    await expect(
      client.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 1 })),
    ).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
    await expect(
      client.send(new PutRecordCommand({ StreamName: 'nope', PartitionKey: 'k', Data: bytes('x') })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: expect.stringContaining('nope') });
    await expect(
      client.send(new PutRecordCommand({ StreamName: 'clicks', PartitionKey: '', Data: bytes('x') })),
    ).rejects.toMatchObject({
      name: 'InvalidArgumentException',
      message: expect.stringContaining('PartitionKey'),
    });
    await expect(
      client.send(
        new CreateStreamCommand({
          StreamName: 'od',
          ShardCount: 2,
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgumentException' });
  });

  it('puts records on the shard their hash key names, and reads them back in order', async () => {
    const client = await start();
    await client.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 2 }));
    const one = await client.send(
      new PutRecordCommand({
        StreamName: 'clicks',
        PartitionKey: 'k',
        Data: bytes('first'),
        ExplicitHashKey: String(MAX_HASH_KEY),
      }),
    );
    expect(one.ShardId).toBe('shardId-000000000001');
    const many = await client.send(
      new PutRecordsCommand({
        StreamName: 'clicks',
        Records: ['a', 'b', 'c', 'd'].map((key) => ({ PartitionKey: key, Data: bytes(`data-${key}`) })),
      }),
    );
    expect(many.FailedRecordCount).toBe(0);
    const shards = shardRanges(2).map((r, index) => ({ ...r, index }));
    expect(many.Records?.map((r) => r.ShardId)).toEqual(
      ['a', 'b', 'c', 'd'].map((key) => `shardId-00000000000${shardOf(shards, hashKeyOf(key))}`),
    );
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'clicks',
        ShardId: 'shardId-000000000001',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const read = await client.send(new GetRecordsCommand({ ShardIterator }));
    const onOne = [
      one.SequenceNumber,
      ...(many.Records ?? []).filter((r) => r.ShardId === one.ShardId).map((r) => r.SequenceNumber),
    ];
    expect(read.Records?.map((r) => r.SequenceNumber)).toEqual(onOne);
    expect(new TextDecoder().decode(read.Records?.[0]?.Data)).toBe('first');
    expect(read.Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    // Sequence numbers increase in the shard; the next iterator sees only what comes after.
    const seqs = (read.Records ?? []).map((r) => BigInt(r.SequenceNumber as string));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    const after = await client.send(new GetRecordsCommand({ ShardIterator: read.NextShardIterator }));
    expect(after.Records).toEqual([]);
    const latest = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'clicks',
        ShardId: 'shardId-000000000001',
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: onOne.at(-1),
      }),
    );
    const last = await client.send(new GetRecordsCommand({ ShardIterator: latest.ShardIterator }));
    expect(last.Records?.map((r) => r.SequenceNumber)).toEqual([onOne.at(-1)]);
  });
});
