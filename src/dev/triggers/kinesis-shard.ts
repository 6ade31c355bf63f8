/**
 * One shard of a live Kinesis mapping, as Lambda reads it: one batch in flight, in sequence order, from
 * a checkpoint kept in the store (a restart resumes after it: at least once).
 *
 * - A batch the function finishes moves the checkpoint to its last record; an answer listing
 *   `batchItemFailures` moves it to just before the lowest failed sequence number, and the shard is read
 *   again from there (ReportBatchItemFailures). An invocation error (a throw, a timeout, an answer that
 *   names no record of the batch) retries the whole batch.
 * - `bisectBatchOnFunctionError` splits a batch that failed on an invocation error in two and retries
 *   the halves one after the other; a split does not count as a retry.
 * - After `maximumRetryAttempts` retries of the record at the checkpoint (-1: no limit), or for records
 *   older than `maximumRecordAgeInSeconds`, the records are skipped; where AWS sends the batch's details
 *   to the mapping's on-failure destination, each record becomes a dead letter (the handler's envelope)
 *   in the store and the handler's `deadLetter.queue`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
import { type CloudEvent, createCloudEvent } from '../../cloud-event.js';
import { deadLetterEnvelope } from '../../delivery/dead-letter.js';
import type { DeadLetterReason } from '../../delivery/decide.js';
import { KINESIS_RECORD_TYPE } from '../../sources/aws/kinesis.js';
import { toCloudEvents } from '../../sources/index.js';
import { sequenceNumber, shardId } from '../kinesis/hash-keys.js';
import { streamArn } from '../kinesis/streams.js';
import type { EmulatorFunction } from '../run-delivery.js';
import type { KinesisRecordRow, KinesisShardRow } from '../store/kinesis-streams.js';
import type { TriggerHost } from './host.js';
import { lowestFailure, toRecord } from './kinesis-record.js';

export interface MappingSettings {
  readonly stream: string;
  readonly batchSize: number;
  readonly windowMs: number;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
  readonly bisect: boolean;
  /** -1: until the records expire. */
  readonly maxRetries: number;
  /** Negative: no limit but the stream's retention. */
  readonly maxAgeMs: number;
  /** What the records are to Lambda (default: Kinesis records); DynamoDB Streams brings its own. */
  readonly codec?: RecordCodec;
}

/** How a mapping turns a stored record into the platform's Lambda record, and finds it in an answer. */
export interface RecordCodec {
  readonly transport: 'aws:kinesis' | 'aws:dynamodb';
  /** The record as Lambda hands it to the function. */
  record(r: KinesisRecordRow): unknown;
  /** What a `batchItemFailures` entry's `itemIdentifier` names the record by. */
  itemId(r: KinesisRecordRow): string;
  /** The record as one CloudEvent, for a dead letter when the normalizer cannot read it. */
  fallback(r: KinesisRecordRow): CloudEvent;
}

/** Lambda's Kinesis records, named by sequence number. */
export function kinesisCodec(stream: string, fnName: string): RecordCodec {
  return {
    transport: 'aws:kinesis',
    record: (r) => toRecord(stream, fnName, r),
    itemId: (r) => sequenceNumber(r.shard, r.seq),
    fallback: (r) =>
      createCloudEvent({
        id: `${shardId(r.shard)}:${sequenceNumber(r.shard, r.seq)}`,
        source: streamArn(stream),
        type: KINESIS_RECORD_TYPE,
        data_base64: r.data.toString('base64'),
      }),
  };
}

/** The mapping's wait before retrying a failed batch: doubling from 500 ms to 30 s (AWS names none). */
export const retryDelayMs = (failures: number) => Math.min(500 * 2 ** Math.max(0, failures - 1), 30_000);

/**
 * Starts reading `shard` once `after` (the poller a reload replaces) is done. The checkpoint starts, when
 * the store has none, at the shard's tip (LATEST) or its start (TRIM_HORIZON, or a shard created after
 * the mapping started: all of it is newer than the mapping), and is stored at once.
 */
export function startShardPoller(
  host: TriggerHost,
  fn: EmulatorFunction,
  settings: MappingSettings,
  shard: KinesisShardRow,
  options: { startedAt: number; after?: Promise<void> },
) {
  const { store, clock } = host;
  const streams = store.streams;
  const { stream } = settings;
  const codec = settings.codec ?? kinesisCodec(stream, fn.name);
  const createdAt = streams.getStream(stream)?.createdAt;
  let stopped = false;
  let wake: () => void = () => {};
  /** Upper bounds (sequence `seq`s) of the halves of bisected batches still to deliver, nearest first. */
  let pending: number[] = [];
  /** How many invocations failed on the record after the checkpoint, and when the first did. */
  let failures = 0;
  let firstFailureAt = 0;
  let checkpoint = 0;

  /** Sleeps until `at` on the emulator's clock, or until woken (records arrived, stop). */
  const sleep = (at: number | undefined) =>
    new Promise<void>((resolve) => {
      const real = at === undefined ? Number.POSITIVE_INFINITY : clock.toRealDelay(at - clock.now());
      const delay = Number.isFinite(real)
        ? Math.max(0, Math.min(real, 1_000))
        : at === undefined
          ? 1_000
          : 20;
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      wake = done;
    });

  const alive = () => !stopped && streams.getStream(stream)?.createdAt === createdAt;

  function save(seq: number): void {
    checkpoint = seq;
    pending = pending.filter((to) => to > seq);
    streams.setCheckpoint(fn.name, stream, shard.index, seq);
  }

  /** The next batch to deliver, or when to look again. */
  function next(): KinesisRecordRow[] | { at?: number } {
    const now = clock.now();
    const retention = (streams.getStream(stream)?.retentionHours ?? 24) * 3_600_000;
    const limit = pending[0];
    const records = streams
      .read(stream, shard.index, checkpoint, settings.batchSize, now - retention)
      .filter((r) => limit === undefined || r.seq <= limit);
    if (records.length === 0) return {};
    const expired =
      settings.maxAgeMs < 0 ? 0 : records.findIndex((r) => now - r.arrivedAt <= settings.maxAgeMs);
    if (expired !== 0) {
      const old = expired === -1 ? records : records.slice(0, expired);
      skip(
        old,
        'event-too-old',
        new Error(`Older than maximumRecordAgeInSeconds (${settings.maxAgeMs / 1000} s).`),
      );
      return { at: now };
    }
    const first = records[0] as KinesisRecordRow;
    if (
      settings.windowMs > 0 &&
      failures === 0 &&
      records.length < settings.batchSize &&
      limit === undefined
    ) {
      // Lambda gathers records for up to the batching window before it invokes with a partial batch.
      if (now < first.arrivedAt + settings.windowMs) return { at: first.arrivedAt + settings.windowMs };
    }
    return records;
  }

  /** Skips records (past their retries or age): each a dead letter, then the checkpoint past them. */
  function skip(records: readonly KinesisRecordRow[], reason: DeadLetterReason, error: unknown): void {
    const now = clock.now();
    const handler = fn.handler.definition.name ?? fn.name;
    store.transaction(() => {
      for (const r of records)
        for (const event of eventsOf(r)) {
          const firstAttemptAt = failures > 0 ? firstFailureAt : now;
          const envelope = deadLetterEnvelope({
            event,
            reason,
            attempts: failures,
            error,
            handler,
            firstAttemptAt,
            lastAttemptAt: now,
          });
          const row = store.adopt({
            event,
            handler: fn.name,
            transport: codec.transport,
            receivedAt: r.arrivedAt,
            attempts: failures,
            firstAttemptAt,
            lastAttemptAt: now,
          });
          host.deadLetter(fn, row, envelope);
        }
      save((records.at(-1) as KinesisRecordRow).seq);
    });
    failures = 0;
    host.log(
      `triggerkit: ${fn.name} skipped ${records.length} record(s) of ${stream}/${shardId(shard.index)} (${reason}).`,
    );
  }

  /** The CloudEvents of a record, as the handler would have got them (for its dead letters). */
  function eventsOf(r: KinesisRecordRow): CloudEvent[] {
    const raw = { Records: [codec.record(r)] };
    try {
      const batch = toCloudEvents(raw);
      if (batch.items.length > 0) return batch.items.map((i) => i.event);
    } catch {
      // Unreadable data: the envelope carries its bytes.
    }
    return [codec.fallback(r)];
  }

  /** One invocation with `records`, and what the mapping does with its answer. */
  async function deliver(records: KinesisRecordRow[]): Promise<void> {
    const event = { Records: records.map((r) => codec.record(r)) };
    const result = await host.invoke(fn, event, codec.transport);
    if (!alive()) return;
    const last = records.at(-1) as KinesisRecordRow;
    const failed = lowestFailure(result.response, records, codec.itemId);
    if (result.error === undefined && failed === undefined) {
      failures = 0;
      save(last.seq);
      return;
    }
    if (failures === 0) firstFailureAt = clock.now();
    let retry = records;
    if (result.error !== undefined || failed === 'invalid') {
      const why = result.error ?? 'an answer naming no record of the batch';
      host.log(
        `triggerkit: ${fn.name} failed on a batch from ${stream}/${shardId(shard.index)}: ${describe(why)}`,
      );
      if (settings.bisect && records.length > 1) {
        // Split: the first half, then the second, each retried on its own; a split is not a retry.
        const mid = records[Math.ceil(records.length / 2) - 1] as KinesisRecordRow;
        pending = [mid.seq, ...(pending[0] === last.seq ? pending : [last.seq, ...pending])];
        return;
      }
      failures++;
    } else {
      const index = records.indexOf(failed as KinesisRecordRow);
      if (index > 0) {
        save((records[index - 1] as KinesisRecordRow).seq);
        failures = 1;
        firstFailureAt = clock.now();
      } else failures++;
      retry = records.slice(index);
    }
    if (settings.maxRetries >= 0 && failures > settings.maxRetries) {
      skip(retry, 'retries-exhausted', result.error ?? new Error(`${fn.name} reported the record failed.`));
      return;
    }
    await sleep(clock.now() + retryDelayMs(failures));
  }

  async function loop(): Promise<void> {
    await options.after;
    const stored = streams.checkpoint(fn.name, stream, shard.index);
    if (stored !== undefined) checkpoint = stored;
    else {
      const fromStart = settings.startingPosition === 'TRIM_HORIZON' || shard.createdAt >= options.startedAt;
      if (alive()) save(fromStart ? 0 : shard.lastSeq);
    }
    while (alive()) {
      const batch = next();
      if (Array.isArray(batch)) await deliver(batch);
      else await sleep(batch.at);
    }
  }

  const done = loop().catch((error: unknown) =>
    host.log(
      `triggerkit: the ${stream}/${shardId(shard.index)} poller of ${fn.name} stopped: ${describe(error)}`,
    ),
  );
  return {
    done,
    wake: () => wake(),
    async stop() {
      stopped = true;
      wake();
      await done;
    },
  };
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
