/**
 * Runs the committed bucket notifications: each delivery row is one asynchronous invocation of its
 * function with one record, as S3 (and OSS) invoke a function. What the handler's `retry` and
 * `deadLetter` say happens inside the invocation (triggers/host.ts); an invocation that fails as a
 * whole (a middleware threw, the function timed out) is tried again as Lambda retries an asynchronous
 * invocation — twice, about one and two minutes later — then dropped with a log line. A row leaves the
 * store only once its invocation ended, so a restart runs again what was running (at least once).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
import { realDelayUntil } from '../clock.js';
import type { BucketDeliveryRow, BucketStore } from '../store/buckets.js';
import type { TriggerHost } from '../triggers/host.js';
import { toOssEvent, toS3Notification } from './records.js';

/** Lambda's retries of a failed asynchronous invocation: the delays before the 2nd and 3rd attempts. */
export const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000] as const;
/** Invocations of bucket notifications running at once. */
const CONCURRENCY = 4;

/** The notification configuration's id a function's trigger is known by (S3's `configurationId`). */
export const configurationIdOf = (fn: string) => `triggerkit-${fn}`;

export function createBucketDispatcher(host: TriggerHost, buckets: BucketStore) {
  const { clock } = host;
  const running = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const idOf = (d: BucketDeliveryRow) => `${d.change.seq}\n${d.fn}\n${d.flavor}`;

  /** Looks again at `at` on the emulator's clock (a manual clock: every 20 ms of real time). */
  function later(at: number | undefined): void {
    clearTimeout(timer);
    if (at === undefined || stopped) return;
    timer = setTimeout(pump, realDelayUntil(clock, at));
    timer.unref?.();
  }

  function pump(): void {
    if (stopped) return;
    let due: BucketDeliveryRow[];
    try {
      due = buckets.due(clock.now(), CONCURRENCY + running.size).filter((d) => !running.has(idOf(d)));
    } catch (error) {
      host.log(`triggerkit: could not read the bucket notifications due (${String(error)}); trying again.`);
      later(clock.now() + 1_000);
      return;
    }
    for (const d of due.slice(0, CONCURRENCY - running.size)) {
      const id = idOf(d);
      const work = deliver(d).finally(() => {
        running.delete(id);
        if (!stopped) setImmediate(pump);
      });
      running.set(id, work);
    }
    if (running.size === 0) later(buckets.nextDueAt());
  }

  async function deliver(d: BucketDeliveryRow): Promise<void> {
    const fn = host.functions().find((f) => f.name === d.fn);
    if (fn === undefined) {
      host.log(`triggerkit: ${d.fn} is gone after a reload; its notification of ${d.change.key} is dropped.`);
      return settle(() => buckets.done(d));
    }
    const raw =
      d.flavor === 's3'
        ? toS3Notification(d.change, configurationIdOf(d.fn))
        : toOssEvent(d.change, configurationIdOf(d.fn));
    const result = await host.invoke(fn, raw, d.flavor === 's3' ? 'aws:s3' : 'alibaba:oss');
    if (result.error === undefined) return settle(() => buckets.done(d));
    const delay = ASYNC_RETRY_DELAYS_MS[d.attempts];
    const what = `${d.fn} failed on the notification of ${d.change.bucket}/${d.change.key}`;
    if (delay === undefined) {
      host.log(`triggerkit: ${what} ${d.attempts + 1} times (${describe(result.error)}); dropped.`);
      return settle(() => buckets.done(d));
    }
    host.log(`triggerkit: ${what} (${describe(result.error)}); invoking it again in ${delay / 1000}s.`);
    settle(() => buckets.again(d, clock.now() + delay));
  }

  function settle(write: () => void): void {
    try {
      host.store.transaction(write);
    } catch (error) {
      host.log(`triggerkit: could not record a bucket notification's end: ${String(error)}`);
    }
  }

  return {
    /** A delivery was committed, or is due: run what is due. */
    wake: () => setImmediate(pump),
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([...running.values()]);
    },
  };
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
