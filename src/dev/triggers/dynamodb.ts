/**
 * The live DynamoDB Streams trigger: Lambda's DynamoDB event source mapping over the table streams the
 * emulator's DynamoDB API writes (dynamodb/endpoint.ts, fed by `--dynamodb <url>`). Each
 * `{ type: 'aws:dynamodb', table }` a handler declares gets the table's local stream (created when
 * missing: 4 shards, records routed by partition key) and the same shard pollers as a Kinesis mapping
 * (kinesis-shard.ts): one batch in flight per shard, durable checkpoints, `batchItemFailures`, bisection,
 * retry and age limits, a dead letter per skipped record. Records are cut to the declared
 * `streamViewType` (default NEW_AND_OLD_IMAGES).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */

import { createCloudEvent } from '../../cloud-event.js';
import type { SourceDeclaration } from '../../definition.js';
import { changeSequence, tableStream, toDynamoDbRecord, type ViewType } from '../dynamodb/changes.js';
import type { EmulatorFunction } from '../run-delivery.js';
import type { TriggerHost } from './host.js';
import { ensureStream, KINESIS_DEFAULTS, startMappingOf } from './kinesis.js';
import type { RecordCodec } from './kinesis-shard.js';
import type { Feed, LiveTriggers } from './types.js';

type DynamoDbDeclaration = Extract<SourceDeclaration, { type: 'aws:dynamodb' }>;

/** Starts one mapping per declared table, when the emulator forwards the DynamoDB API somewhere. */
export function startDynamoDbTriggers(
  host: TriggerHost,
  functions: readonly EmulatorFunction[],
): LiveTriggers {
  const url = host.dynamodb;
  const feeds: Feed[] = [];
  const mappings: { stop(): Promise<void> }[] = [];
  for (const fn of functions)
    for (const source of fn.handler.definition.sources ?? []) {
      if (source.type !== 'aws:dynamodb' || source.table === undefined) continue;
      if (url === undefined) {
        host.log(
          `triggerkit: ${fn.name} declares the DynamoDB table ${source.table}; pass --dynamodb <url> (or set TRIGGERKIT_DYNAMODB_URL) to feed it from writes made through the emulator.`,
        );
        continue;
      }
      const declared = source as DynamoDbDeclaration & { table: string };
      const stream = tableStream(declared.table);
      ensureStream(host, stream);
      mappings.push(startMappingOf(host, fn, settingsOf(host, declared, stream)));
      feeds.push({ fn: fn.name, source, label: `aws:dynamodb ${declared.table} (stream of ${url})` });
    }
  return {
    feeds,
    async stop() {
      await Promise.all(mappings.map((m) => m.stop()));
    },
  };
}

function settingsOf(host: TriggerHost, source: DynamoDbDeclaration & { table: string }, stream: string) {
  const d = KINESIS_DEFAULTS;
  const view: ViewType = source.streamViewType ?? 'NEW_AND_OLD_IMAGES';
  return {
    stream,
    batchSize: source.batchSize ?? d.batchSize,
    windowMs: (source.maximumBatchingWindow ?? d.maximumBatchingWindow) * 1000,
    startingPosition: source.startingPosition ?? d.startingPosition,
    bisect: source.bisectBatchOnFunctionError ?? d.bisectBatchOnFunctionError,
    maxRetries: source.maximumRetryAttempts ?? d.maximumRetryAttempts,
    maxAgeMs: (source.maximumRecordAgeInSeconds ?? d.maximumRecordAgeInSeconds) * 1000,
    codec: codecOf(host, source.table, stream, view),
  };
}

function codecOf(host: TriggerHost, table: string, stream: string, view: ViewType): RecordCodec {
  const createdAt = () => host.store.streams.getStream(stream)?.createdAt ?? 0;
  return {
    transport: 'aws:dynamodb',
    record: (r) => toDynamoDbRecord(table, createdAt(), view, r),
    itemId: changeSequence,
    fallback: (r) => {
      const record = toDynamoDbRecord(table, createdAt(), view, r);
      return createCloudEvent({
        id: record.eventID as string,
        source: record.eventSourceARN as string,
        type: 'com.amazonaws.dynamodb.record',
        data: record,
      });
    },
  };
}
