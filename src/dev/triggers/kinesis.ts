/**
 * The live Kinesis trigger: Lambda's Kinesis event source mapping over the emulator's own streams. Each
 * `{ type: 'aws:kinesis', stream }` a handler declares creates the stream when missing (4 shards, what
 * Kinesis gives a stream created without a shard count) and reads every shard with its own poller
 * (kinesis-shard.ts): batches of up to `batchSize` records in sequence order from a durable checkpoint,
 * one batch in flight per shard, the mapping's retries, bisection, age and retry limits.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
import type { SourceDeclaration } from '../../definition.js';
import { shardRanges } from '../kinesis/hash-keys.js';
import { DEFAULT_SHARD_COUNT } from '../kinesis/streams.js';
import type { EmulatorFunction } from '../run-delivery.js';
import type { Store } from '../store/store.js';
import type { TriggerHost } from './host.js';
import { type MappingSettings, startShardPoller } from './kinesis-shard.js';
import type { Feed, LiveTriggers } from './types.js';

type KinesisDeclaration = Extract<SourceDeclaration, { type: 'aws:kinesis' }>;

/** Lambda's defaults for a Kinesis mapping (`startingPosition` has none in AWS: LATEST here). */
export const KINESIS_DEFAULTS = {
  batchSize: 100,
  maximumBatchingWindow: 0,
  startingPosition: 'LATEST',
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeInSeconds: -1,
} as const;

/** How often (real ms) a mapping looks for shards and records another process may have written. */
const RESCAN_MS = 1_000;

/** Creates a local stream if it does not exist, with Kinesis's shard count for a stream given none. */
export function ensureStream(host: TriggerHost, name: string): void {
  if (host.store.streams.getStream(name) !== undefined) return;
  host.store.streams.createStream(name, shardRanges(DEFAULT_SHARD_COUNT), 'ON_DEMAND', host.clock.now());
}

/** Starts one mapping per declared stream; every declared stream exists. */
export function startKinesisTriggers(
  host: TriggerHost,
  functions: readonly EmulatorFunction[],
): LiveTriggers {
  const feeds: Feed[] = [];
  const mappings: { stop(): Promise<void> }[] = [];
  for (const fn of functions)
    for (const source of fn.handler.definition.sources ?? []) {
      if (source.type !== 'aws:kinesis' || source.stream === undefined) continue;
      ensureStream(host, source.stream);
      mappings.push(startMappingOf(host, fn, settingsOf(source as KinesisDeclaration & { stream: string })));
      feeds.push({ fn: fn.name, source, label: `aws:kinesis ${source.stream}` });
    }
  return {
    feeds,
    async stop() {
      await Promise.all(mappings.map((m) => m.stop()));
    },
  };
}

function settingsOf(source: KinesisDeclaration & { stream: string }): MappingSettings {
  const d = KINESIS_DEFAULTS;
  return {
    stream: source.stream,
    batchSize: source.batchSize ?? d.batchSize,
    windowMs: (source.maximumBatchingWindow ?? d.maximumBatchingWindow) * 1000,
    startingPosition: source.startingPosition ?? d.startingPosition,
    bisect: source.bisectBatchOnFunctionError ?? d.bisectBatchOnFunctionError,
    maxRetries: source.maximumRetryAttempts ?? d.maximumRetryAttempts,
    maxAgeMs: (source.maximumRecordAgeInSeconds ?? d.maximumRecordAgeInSeconds) * 1000,
  };
}

/**
 * One mapping (Kinesis, or a DynamoDB table's stream): a poller per shard of the stream, started as shards appear (a stream deleted and created
 * again gets new pollers). A poller left by the previous set of functions (a reload) finishes its batch
 * before the new one reads the same shard, so a shard never has two batches in flight.
 */
export function startMappingOf(host: TriggerHost, fn: EmulatorFunction, settings: MappingSettings) {
  const startedAt = host.clock.now();
  const pollers = new Map<string, ReturnType<typeof startShardPoller>>();
  const running = leases(host.store);
  let stopped = false;

  function scan(): void {
    if (stopped) return;
    const stream = host.store.streams.getStream(settings.stream);
    for (const shard of stream === undefined ? [] : host.store.streams.shards(stream.name)) {
      const key = `${fn.name}\u0000${settings.stream}\u0000${stream?.createdAt}\u0000${shard.index}`;
      const poller = pollers.get(key);
      if (poller !== undefined) {
        poller.wake();
        continue;
      }
      const started = startShardPoller(host, fn, settings, shard, { startedAt, after: running.get(key) });
      pollers.set(key, started);
      running.set(key, started.done);
    }
  }

  const unsubscribe = host.store.streams.onAppend((name) => {
    if (name === settings.stream) scan();
  });
  const timer = setInterval(scan, RESCAN_MS);
  timer.unref();
  scan();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await Promise.all([...pollers.values()].map((p) => p.stop()));
    },
  };
}

/** The pollers of each store still running (or finishing a batch), by function, stream and shard. */
const LEASES = new WeakMap<Store, Map<string, Promise<void>>>();
function leases(store: Store): Map<string, Promise<void>> {
  const map = LEASES.get(store) ?? new Map<string, Promise<void>>();
  LEASES.set(store, map);
  return map;
}
