/**
 * The emulator's live triggers: every source a handler declares that has a local platform here is fed
 * by it — a local queue, topic, stream, schedule… Each family starts from the functions' definitions and
 * is rebuilt after a reload. Adding a family is its module plus one entry in `FAMILIES`.
 */
import type { EmulatorFunction } from '../run-delivery.js';
import { startBucketTriggers } from './buckets.js';
import { startDynamoDbTriggers } from './dynamodb.js';
import type { TriggerHost } from './host.js';
import { startKinesisTriggers } from './kinesis.js';
import { startLogTriggers } from './logs.js';
import { startPostgresTriggers } from './postgres.js';
import { startScheduleTriggers } from './schedules.js';
import { startSnsTriggers } from './sns.js';
import { startSqsTriggers } from './sqs.js';
import type { Feed, LiveTriggers } from './types.js';

const FAMILIES: readonly ((host: TriggerHost, functions: readonly EmulatorFunction[]) => LiveTriggers)[] = [
  startSqsTriggers,
  startKinesisTriggers,
  startSnsTriggers,
  startScheduleTriggers,
  startPostgresTriggers,
  startBucketTriggers,
  startLogTriggers,
  startDynamoDbTriggers,
];

/** Starts every family over `functions`; `feeds` says which declared sources are live. */
export function startTriggers(host: TriggerHost, functions: readonly EmulatorFunction[]): LiveTriggers {
  const started = FAMILIES.map((start) => start(host, functions));
  return {
    feeds: started.flatMap((family) => family.feeds) as readonly Feed[],
    async stop() {
      await Promise.all(started.map((family) => family.stop()));
    },
  };
}
