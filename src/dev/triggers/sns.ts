/**
 * The live SNS trigger: a Lambda subscription over the emulator's own topics. Each
 * `{ type: 'aws:sns', topic }` a handler declares is a topic that exists from the start, with a `lambda`
 * subscription of the function (kept in sync with the definitions, as the deploy would create it). A
 * Publish commits one owed invocation per matching function subscription (sns/fan-out.ts) and answers;
 * this trigger then invokes each function with the one-record event SNS sends, asynchronously as SNS
 * invokes Lambda: a failed record is retried and dead-lettered by the handler's `retry` and `deadLetter`
 * through the attempt loop (triggers/host.ts). An invocation that fails as a whole (a timeout, a throwing
 * middleware) is made again after 1 and then 2 minutes, as Lambda retries an asynchronous invocation.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */

import { randomUUID } from 'node:crypto';
import type { SourceDeclaration } from '../../definition.js';
import { realDelayUntil } from '../clock.js';
import type { EmulatorFunction } from '../run-delivery.js';
import { functionOfEndpoint } from '../sns/fan-out.js';
import { functionArn, topicArn } from '../sns/wire.js';
import type { SnsDeliveryRow } from '../store/sns-topics.js';
import type { TriggerHost } from './host.js';
import type { Feed, LiveTriggers } from './types.js';

/** Invocations of SNS deliveries running at once, across functions. */
const CONCURRENCY = 8;
/** Lambda's asynchronous invocation: two more tries, after about 1 and 2 minutes. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

/** The topic a declaration names: `orders` or `arn:aws:sns:…:orders` → `orders`. */
const topicName = (topic: string) => topic.slice(topic.lastIndexOf(':') + 1);

/** Creates every declared topic, syncs the functions' subscriptions, and makes the invocations owed. */
export function startSnsTriggers(host: TriggerHost, functions: readonly EmulatorFunction[]): LiveTriggers {
  const feeds: Feed[] = [];
  const wanted = new Map<string, { fn: string; topic: string }>();
  for (const fn of functions) {
    for (const source of fn.handler.definition.sources ?? []) {
      const declared = source as Extract<SourceDeclaration, { type: 'aws:sns' }>;
      if (source.type !== 'aws:sns' || typeof declared.topic !== 'string') continue;
      const topic = topicName(declared.topic);
      wanted.set(`${topic}\n${fn.name}`, { fn: fn.name, topic });
      feeds.push({ fn: fn.name, source, label: `aws:sns ${topic}` });
    }
  }
  syncSubscriptions(host, wanted);
  return startInvoker(host, functions, feeds);
}

/** Makes the invocations owed to `fns`, at most `CONCURRENCY` at once, each when it is due. */
function startInvoker(
  host: TriggerHost,
  fns: readonly EmulatorFunction[],
  feeds: readonly Feed[],
): LiveTriggers {
  const byName = new Map(fns.map((fn) => [fn.name, fn]));
  const names = [...byName.keys()];
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const unsubscribe = host.store.topics.onEnqueue(() => pump());

  function later(at: number | undefined): void {
    clearTimeout(timer);
    if (at === undefined || stopped) return;
    timer = setTimeout(pump, realDelayUntil(host.clock, at));
    timer.unref?.();
  }

  function pump(): void {
    while (!stopped && running.size < CONCURRENCY) {
      const now = host.clock.now();
      let row: SnsDeliveryRow | undefined;
      try {
        [row] = host.store.topics.claimDue(names, now, 1);
      } catch (error) {
        host.log(
          `triggerkit: could not read the SNS deliveries owed (${String(error)}); trying again in a second.`,
        );
        later(now + 1_000);
        return;
      }
      if (row === undefined) {
        later(host.store.topics.nextDueAt(names));
        return;
      }
      const work = invoke(row).finally(() => {
        running.delete(work);
        if (!stopped) setImmediate(pump);
      });
      running.add(work);
    }
  }

  async function invoke(row: SnsDeliveryRow): Promise<void> {
    const fn = byName.get(row.function) as EmulatorFunction;
    const result = await host.invoke(fn, { Records: [JSON.parse(row.record)] }, 'aws:sns');
    if (result.error === undefined) return host.store.topics.finish(row.id);
    const delay = ASYNC_RETRY_DELAYS_MS[row.attempts - 1];
    const why = result.error instanceof Error ? result.error.message : String(result.error);
    if (delay === undefined) {
      host.log(
        `triggerkit: ${fn.name} failed ${row.attempts} asynchronous invocations for SNS subscription ${row.subscription} (${why}); the event is dropped, as Lambda drops it without an on-failure destination.`,
      );
      return host.store.topics.finish(row.id);
    }
    host.log(
      `triggerkit: ${fn.name} failed an invocation from SNS (${why}); Lambda tries again in ${delay / 1000} s.`,
    );
    host.store.topics.retryAt(row.id, host.clock.now() + delay);
  }

  pump();
  return {
    feeds,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * Every declared topic exists, with one `lambda` subscription per function that declares it; the
 * subscriptions made for functions that no longer declare the topic are removed.
 */
function syncSubscriptions(host: TriggerHost, wanted: Map<string, { fn: string; topic: string }>): void {
  const { store, clock } = host;
  store.transaction(() => {
    const have = new Set<string>();
    for (const sub of store.topics.declaredSubscriptions()) {
      const key = `${sub.topic}\n${sub.declaredBy}`;
      if (wanted.has(key) && store.topics.getTopic(sub.topic) !== undefined) have.add(key);
      else store.topics.unsubscribe(sub.arn);
    }
    for (const [key, { fn, topic }] of wanted) {
      if (store.topics.getTopic(topic) === undefined) store.topics.createTopic(topic, {}, clock.now());
      if (have.has(key)) continue;
      const endpoint = functionArn(fn);
      const existing = store.topics.findSubscription(topic, 'lambda', endpoint);
      if (existing !== undefined && functionOfEndpoint(existing.endpoint) === fn) continue;
      const arn = `${topicArn(topic)}:${randomUUID()}`;
      store.topics.subscribe(
        { arn, topic, protocol: 'lambda', endpoint, attributes: {}, declaredBy: fn },
        clock.now(),
      );
    }
  });
}
