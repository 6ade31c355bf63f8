/**
 * The local Kinesis streams in tables of their own in the emulator's SQLite file: streams, their shards
 * (each a contiguous range of the 128-bit hash-key space and its own sequence counter), the records, and
 * the live triggers' checkpoints (one per mapping and shard), so a restart resumes where it stopped.
 * Plain data in, plain data out; times are passed in (ms). A record's `seq` is its place in its shard
 * (1, 2, …); the Kinesis sequence number string is derived from it (kinesis/hash-keys.ts).
 */
import type Database from 'better-sqlite3';
import { groupCommitOf } from './group-commit.js';

export interface KinesisStreamRow {
  readonly name: string;
  readonly createdAt: number;
  readonly mode: 'PROVISIONED' | 'ON_DEMAND';
  readonly retentionHours: number;
  readonly shardCount: number;
}

export interface KinesisShardRow {
  readonly stream: string;
  /** 0-based: `shardId-000000000000` is shard 0. */
  readonly index: number;
  /** Decimal strings: the first and last hash key the shard owns. */
  readonly startingHashKey: string;
  readonly endingHashKey: string;
  readonly createdAt: number;
  /** The `seq` of its newest record; 0 while it has none. */
  readonly lastSeq: number;
}

export interface KinesisRecordRow {
  readonly shard: number;
  readonly seq: number;
  readonly partitionKey: string;
  readonly data: Buffer;
  readonly arrivedAt: number;
}

/** One record to append: its shard was chosen from its hash key by the caller. */
export interface NewRecord {
  readonly shard: number;
  readonly partitionKey: string;
  readonly data: Buffer;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kinesis_streams (
  name TEXT PRIMARY KEY, created_at INTEGER NOT NULL, mode TEXT NOT NULL, retention_hours INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kinesis_shards (
  stream TEXT NOT NULL, idx INTEGER NOT NULL, starting_hash_key TEXT NOT NULL, ending_hash_key TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (stream, idx));
CREATE TABLE IF NOT EXISTS kinesis_records (
  stream TEXT NOT NULL, shard INTEGER NOT NULL, seq INTEGER NOT NULL, partition_key TEXT NOT NULL,
  data BLOB NOT NULL, arrived_at INTEGER NOT NULL, PRIMARY KEY (stream, shard, seq));
CREATE TABLE IF NOT EXISTS kinesis_checkpoints (
  mapping TEXT NOT NULL, stream TEXT NOT NULL, shard INTEGER NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (mapping, stream, shard));
`;

export type KinesisStore = ReturnType<typeof openKinesisStore>;

/**
 * Creates the Kinesis tables in the emulator's database (idempotent) and returns the queries over them;
 * the emulator's store opens them as `store.streams`. `onAppend` listeners hear of every stream that got
 * records (the live triggers look again).
 *
 * @example
 * const streams = openStore('.triggerkit').streams;
 * streams.createStream('clicks', [{ startingHashKey: '0', endingHashKey: String(2n ** 128n - 1n) }], 'PROVISIONED', Date.now());
 */
export function openKinesisStore(db: Database.Database) {
  db.exec(SCHEMA);
  const q = {
    insertStream: db.prepare(
      'INSERT INTO kinesis_streams (name, created_at, mode, retention_hours) VALUES (?, ?, ?, ?)',
    ),
    insertShard: db.prepare(
      'INSERT INTO kinesis_shards (stream, idx, starting_hash_key, ending_hash_key, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    stream: db.prepare(
      `SELECT s.*, (SELECT count(*) FROM kinesis_shards h WHERE h.stream = s.name) AS shard_count
       FROM kinesis_streams s WHERE s.name = ?`,
    ),
    streams: db.prepare(
      `SELECT s.*, (SELECT count(*) FROM kinesis_shards h WHERE h.stream = s.name) AS shard_count
       FROM kinesis_streams s WHERE s.name > ? ORDER BY s.name`,
    ),
    shards: db.prepare('SELECT * FROM kinesis_shards WHERE stream = ? ORDER BY idx'),
    bump: db.prepare(
      'UPDATE kinesis_shards SET last_seq = last_seq + 1 WHERE stream = ? AND idx = ? RETURNING last_seq',
    ),
    insertRecord: db.prepare(
      'INSERT INTO kinesis_records (stream, shard, seq, partition_key, data, arrived_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    trim: db.prepare('DELETE FROM kinesis_records WHERE stream = ? AND shard = ? AND arrived_at < ?'),
    read: db.prepare(
      `SELECT * FROM kinesis_records WHERE stream = ? AND shard = ? AND seq > ? AND arrived_at >= ?
       ORDER BY seq LIMIT ?`,
    ),
    firstAt: db.prepare(
      'SELECT min(seq) AS seq FROM kinesis_records WHERE stream = ? AND shard = ? AND arrived_at >= ?',
    ),
    checkpoint: db.prepare(
      'SELECT seq FROM kinesis_checkpoints WHERE mapping = ? AND stream = ? AND shard = ?',
    ),
    setCheckpoint: db.prepare(
      'INSERT OR REPLACE INTO kinesis_checkpoints (mapping, stream, shard, seq) VALUES (?, ?, ?, ?)',
    ),
    drop: [
      'DELETE FROM kinesis_streams WHERE name = ?',
      'DELETE FROM kinesis_shards WHERE stream = ?',
      'DELETE FROM kinesis_records WHERE stream = ?',
      'DELETE FROM kinesis_checkpoints WHERE stream = ?',
    ].map((sql) => db.prepare(sql)),
  };
  const listeners = new Set<(stream: string) => void>();
  const transaction = <T>(fn: () => T): T => db.transaction(fn)();
  const group = groupCommitOf(db);
  const toStream = (row: RawStream): KinesisStreamRow => ({
    name: row.name,
    createdAt: row.created_at,
    mode: row.mode,
    retentionHours: row.retention_hours,
    shardCount: row.shard_count,
  });

  return {
    /** Runs `fn` in the connection's next group commit (store/group-commit.ts); resolves once committed. */
    write: <T>(fn: () => T): Promise<T> => group.write(fn),
    /** Creates a stream with one shard per hash-key range (in order); false when the name is taken. */
    createStream(
      name: string,
      ranges: readonly { startingHashKey: string; endingHashKey: string }[],
      mode: KinesisStreamRow['mode'],
      now: number,
    ): boolean {
      return transaction(() => {
        if (q.stream.get(name) !== undefined) return false;
        q.insertStream.run(name, now, mode, 24);
        for (const [index, r] of ranges.entries())
          q.insertShard.run(name, index, r.startingHashKey, r.endingHashKey, now);
        return true;
      });
    },
    getStream(name: string): KinesisStreamRow | undefined {
      const row = q.stream.get(name) as RawStream | undefined;
      return row && toStream(row);
    },
    /** Streams in name order, after `after` (exclusive). */
    listStreams(after = ''): KinesisStreamRow[] {
      return (q.streams.all(after) as RawStream[]).map(toStream);
    },
    /** Deletes a stream with its shards, records and every mapping's checkpoints on it. */
    deleteStream(name: string): boolean {
      return transaction(() => q.drop.map((s) => s.run(name).changes)[0] === 1);
    },
    shards(stream: string): KinesisShardRow[] {
      return (q.shards.all(stream) as RawShard[]).map((r) => ({
        stream: r.stream,
        index: r.idx,
        startingHashKey: r.starting_hash_key,
        endingHashKey: r.ending_hash_key,
        createdAt: r.created_at,
        lastSeq: r.last_seq,
      }));
    },
    /**
     * Appends records in one transaction (each gets the next `seq` of its shard) and drops those past the
     * retention period; returns each record's `seq`, in order.
     */
    append(stream: string, records: readonly NewRecord[], now: number, retentionMs: number): number[] {
      const seqs = transaction(() =>
        records.map((r) => {
          const { last_seq: seq } = q.bump.get(stream, r.shard) as { last_seq: number };
          q.insertRecord.run(stream, r.shard, seq, r.partitionKey, r.data, now);
          q.trim.run(stream, r.shard, now - retentionMs);
          return seq;
        }),
      );
      for (const listener of listeners) listener(stream);
      return seqs;
    },
    /** Up to `limit` records of a shard after `afterSeq`, in order, none older than `since`. */
    read(stream: string, shard: number, afterSeq: number, limit: number, since: number): KinesisRecordRow[] {
      return (q.read.all(stream, shard, afterSeq, since, limit) as RawRecord[]).map((r) => ({
        shard: r.shard,
        seq: r.seq,
        partitionKey: r.partition_key,
        data: r.data,
        arrivedAt: r.arrived_at,
      }));
    },
    /** The `seq` of a shard's oldest record still kept (not older than `since`), if any. */
    firstSeq(stream: string, shard: number, since: number): number | undefined {
      return (q.firstAt.get(stream, shard, since) as { seq: number | null }).seq ?? undefined;
    },
    /** The last `seq` a mapping (a function's name) is done with on a shard. */
    checkpoint(mapping: string, stream: string, shard: number): number | undefined {
      return (q.checkpoint.get(mapping, stream, shard) as { seq: number } | undefined)?.seq;
    },
    setCheckpoint(mapping: string, stream: string, shard: number, seq: number): void {
      q.setCheckpoint.run(mapping, stream, shard, seq);
    },
    /** Calls `listener` after records are appended to a stream; returns the unsubscribe. */
    onAppend(listener: (stream: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

interface RawStream {
  name: string;
  created_at: number;
  mode: KinesisStreamRow['mode'];
  retention_hours: number;
  shard_count: number;
}

interface RawShard {
  stream: string;
  idx: number;
  starting_hash_key: string;
  ending_hash_key: string;
  created_at: number;
  last_seq: number;
}

interface RawRecord {
  shard: number;
  seq: number;
  partition_key: string;
  data: Buffer;
  arrived_at: number;
}
