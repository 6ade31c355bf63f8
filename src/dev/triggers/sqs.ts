/**
 * The live SQS trigger: Lambda's SQS event source mapping over the emulator's own queues. Each
 * `{ type: 'aws:sqs', queue }` a handler declares is a mapping that takes up to `batchSize` visible
 * messages (waiting up to `maximumBatchingWindow` to fill a batch), keeps them invisible for the queue's
 * visibility timeout while the function runs, invokes the function with the event Lambda sends, and
 * deletes what the answer does not list in `batchItemFailures`. Up to `maximumConcurrency` batches of a
 * mapping run at once (Lambda starts with five). A failed record is retried and dead-lettered by the
 * handler's `retry` and `deadLetter` through the attempt loop (triggers/host.ts); a message the function
 * could not finish (timeout, a throwing middleware) becomes visible again after the visibility timeout,
 * with `ApproximateReceiveCount` one higher, and the queue's redrive policy applies.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */

import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { SourceDeclaration } from '../../definition.js';
import { realDelayUntil } from '../clock.js';
import { localQueueName } from '../dead-letters.js';
import type { EmulatorFunction } from '../run-delivery.js';
import { ACCOUNT_ID, FIFO_DEFAULTS, queueArn, REGION, redriveOf, setting } from '../sqs/queues.js';
import { sequenceNumber } from '../sqs/send-options.js';
import { md5Hex, md5OfMessageAttributes } from '../sqs/wire.js';
import type { SqsMessageRow } from '../store/sqs-queues.js';
import type { Invocation, TriggerHost } from './host.js';
import type { Feed, LiveTriggers } from './types.js';

type SqsDeclaration = Extract<SourceDeclaration, { type: 'aws:sqs' }>;

/** Lambda's defaults for an SQS mapping. */
export const SQS_DEFAULTS = { batchSize: 10, maximumBatchingWindow: 0, maximumConcurrency: 5 } as const;

/** Creates a local queue if it does not exist: a name ending in `.fifo` makes a FIFO queue. */
export function ensureQueue(host: TriggerHost, name: string): void {
  if (host.store.queues.getQueue(name) !== undefined) return;
  host.store.queues.createQueue(name, name.endsWith('.fifo') ? { ...FIFO_DEFAULTS } : {}, host.clock.now());
}

/** Starts one mapping per declared queue; every declared queue (and named dead-letter queue) exists. */
export function startSqsTriggers(host: TriggerHost, functions: readonly EmulatorFunction[]): LiveTriggers {
  const feeds: Feed[] = [];
  const mappings: Mapping[] = [];
  for (const fn of functions) {
    const deadLetter = fn.handler.definition.deadLetter?.queue;
    const dlq = deadLetter === undefined ? undefined : localQueueName(deadLetter);
    if (dlq !== undefined) ensureQueue(host, dlq);
    for (const source of fn.handler.definition.sources ?? []) {
      if (source.type !== 'aws:sqs' || source.queue === undefined) continue;
      ensureQueue(host, source.queue);
      mappings.push(startMapping(host, fn, source as SqsDeclaration & { queue: string }));
      feeds.push({ fn: fn.name, source, label: `aws:sqs ${source.queue}` });
    }
  }
  return {
    feeds,
    async stop() {
      await Promise.all(mappings.map((m) => m.stop()));
    },
  };
}

interface Mapping {
  stop(): Promise<void>;
}

function startMapping(host: TriggerHost, fn: EmulatorFunction, source: SqsDeclaration & { queue: string }) {
  const { store, clock } = host;
  const queue = source.queue;
  const batchSize = source.batchSize ?? SQS_DEFAULTS.batchSize;
  const windowMs = (source.maximumBatchingWindow ?? SQS_DEFAULTS.maximumBatchingWindow) * 1000;
  const concurrency = source.maximumConcurrency ?? SQS_DEFAULTS.maximumConcurrency;
  const running = new Set<Promise<void>>();
  let windowOpenedAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const unsubscribe = host.onQueueChange((name) => {
    if (name === queue) pump();
  });

  /** Looks again at `at` on the emulator's clock (a manual clock: every 20 ms of real time). */
  function later(at: number | undefined): void {
    clearTimeout(timer);
    if (at === undefined || stopped) return;
    timer = setTimeout(pump, realDelayUntil(clock, at));
    timer.unref?.();
  }

  /** Takes a batch while there is room: at most `concurrency` invocations of this mapping at once. */
  function pump(): void {
    while (!stopped && running.size < concurrency) {
      const row = store.queues.getQueue(queue);
      if (row === undefined) {
        later(clock.now() + 1_000); // deleted: look again later
        return;
      }
      const now = clock.now();
      if (windowMs > 0 && store.queues.counts(queue, now).visible < batchSize) {
        // Lambda waits up to the batching window for a full batch, from the first message it sees.
        if (store.queues.counts(queue, now).visible === 0) {
          later(store.queues.nextVisibleAt(queue, now));
          return;
        }
        windowOpenedAt ??= now;
        if (now < windowOpenedAt + windowMs) {
          later(windowOpenedAt + windowMs);
          return;
        }
      }
      windowOpenedAt = undefined;
      const redrive = redriveOf(row);
      const messages = store.queues.receive(queue, now, {
        max: batchSize,
        visibilityMs: setting(row, 'VisibilityTimeout') * 1000,
        retentionMs: setting(row, 'MessageRetentionPeriod') * 1000,
        fifo: row.attributes.FifoQueue === 'true',
        ...(redrive && { redrive }),
      });
      if (messages.length === 0) {
        later(store.queues.nextVisibleAt(queue, now));
        return;
      }
      const work = deliver(messages, row.attributes.FifoQueue === 'true').finally(() => {
        running.delete(work);
        if (!stopped) setImmediate(pump);
      });
      running.add(work);
    }
  }

  async function deliver(messages: SqsMessageRow[], fifo: boolean): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => toRecord(queue, m, fifo)) };
    // The deletes commit with the invocation's traces and archive: one transaction per batch.
    await host.invoke(fn, event, 'aws:sqs', (result) => settle(messages, result));
  }

  /** Deletes what the function handled, by the answer Lambda reads. */
  function settle(messages: SqsMessageRow[], result: Invocation): void {
    if (result.error !== undefined) {
      // The whole batch failed (a middleware threw, the function timed out): every message becomes
      // visible again when its visibility timeout ends.
      host.log(`triggerkit: ${fn.name} failed on a batch from ${queue}: ${describe(result.error)}`);
      return;
    }
    const failed = failedIds(result.response);
    if ([...failed].some((id) => !messages.some((m) => m.id === id))) {
      host.log(`triggerkit: ${fn.name} reported a batch item failure that names no message of the batch`);
      return;
    }
    try {
      store.transaction(() => {
        for (const m of messages) if (!failed.has(m.id)) store.queues.delete(queue, m.receipt as string);
      });
    } catch (error) {
      host.log(`triggerkit: could not delete handled messages from ${queue}: ${String(error)}`);
    }
  }

  pump();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * The message ids a `ReportBatchItemFailures` answer lists. An answer that is not one (or lists an id
 * that was not in the batch) fails the whole batch, as Lambda treats it.
 */
function failedIds(response: unknown): Set<string> {
  const failures = (response as { batchItemFailures?: unknown } | undefined)?.batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  return new Set(failures.map((f) => String((f as { itemIdentifier?: unknown })?.itemIdentifier)));
}

/** One message as Lambda hands it to the function. */
export function toRecord(queue: string, m: SqsMessageRow, fifo: boolean): SQSRecord {
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentAt),
    SenderId: ACCOUNT_ID,
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
  };
  if (fifo) {
    attributes.SequenceNumber = sequenceNumber(m.seq);
    if (m.groupId !== null) attributes.MessageGroupId = m.groupId;
    if (m.deduplicationId !== null) attributes.MessageDeduplicationId = m.deduplicationId;
  }
  const names = Object.keys(m.attributes);
  return {
    messageId: m.id,
    receiptHandle: m.receipt as string,
    body: m.body,
    attributes: attributes as unknown as SQSRecord['attributes'],
    messageAttributes: Object.fromEntries(
      names.map((name) => {
        const a = m.attributes[name] as { DataType: string; StringValue?: string; BinaryValue?: string };
        return [
          name,
          {
            ...(a.StringValue !== undefined && { stringValue: a.StringValue }),
            ...(a.BinaryValue !== undefined && { binaryValue: a.BinaryValue }),
            stringListValues: [],
            binaryListValues: [],
            dataType: a.DataType,
          },
        ];
      }),
    ),
    md5OfBody: md5Hex(m.body),
    ...(names.length > 0 && { md5OfMessageAttributes: md5OfMessageAttributes(m.attributes) }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn(queue),
    awsRegion: REGION,
  } as SQSRecord;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
