/**
 * How the Lambda adapter plugs into the attempt loop (`delivery/attempts.ts`): a due retry is waited for
 * in-process while the wait fits the invocation, else sent to the handler's retry queue; a dead letter
 * goes to its dead-letter queue as the one envelope. Only an event none of these could take is left for
 * the platform to redeliver. The times come from the shared `decide`, on the runtime's clock, so they
 * are the emulator's.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import type { CompiledDefinition, OnError } from '../../definition.js';
import type { AttemptRuntime, DueRetry } from '../../delivery/attempts.js';
import type { RuntimeHooks } from '../hooks.js';
import { placeRetry, queueRetry } from './retry-plan.js';
import {
  createRetryQueue,
  RETRY_QUEUE_ENV,
  type RetryQueue,
  retryQueueConfigFromEnv,
} from './retry-queue.js';

/** The adapter's delivery for one invocation: its queues, clock and time budget. */
export interface ManagedDelivery {
  readonly queue: RetryQueue;
  readonly hasRetryQueue: boolean;
  readonly hasDeadLetterQueue: boolean;
  /** The handler's name in retry messages and dead letters. */
  readonly handler: string;
  readonly lambda: LambdaContext;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** One sender per configuration, kept across warm invocations (the SDK client is made on first send). */
const queues = new Map<string, RetryQueue>();

const URL = /^https?:\/\//;
/**
 * Only queue URLs count: a tool that leaves a CloudFormation `!Ref` unresolved (serverless offline)
 * must not switch the platform's retries off.
 */
const url = (value: string | undefined) => (value !== undefined && URL.test(value) ? value : undefined);
const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The adapter's delivery, or `undefined` when the platform keeps its own retries: the runtime makes the
 * attempts itself (the `attempt` or `attempts` hook is set), or neither `TRIGGERKIT_RETRY_QUEUE_URL` nor a
 * dead-letter queue (`TRIGGERKIT_DLQ_URL`, or a `deadLetter.queue` that is a queue URL) is configured.
 */
export function managedDelivery(
  definition: CompiledDefinition,
  lambda: LambdaContext,
  hooks: RuntimeHooks | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ManagedDelivery | undefined {
  if (hooks?.attempt !== undefined || hooks?.attempts !== undefined) return undefined;
  // The common case (no queue configured) reads two variables, not the five below: every read of
  // `process.env` is a call into the C environment, about 0.3–0.5 µs, on every invocation.
  if (
    url(env[RETRY_QUEUE_ENV.retryQueueUrl]) === undefined &&
    url(env[RETRY_QUEUE_ENV.deadLetterQueueUrl]) === undefined &&
    url(definition.deadLetter?.queue) === undefined
  )
    return undefined;
  const fromEnv = retryQueueConfigFromEnv(env);
  const config = {
    ...fromEnv,
    retryQueueUrl: url(fromEnv.retryQueueUrl),
    deadLetterQueueUrl: url(fromEnv.deadLetterQueueUrl) ?? url(definition.deadLetter?.queue),
  };
  if (config.retryQueueUrl === undefined && config.deadLetterQueueUrl === undefined) return undefined;
  const key = JSON.stringify(config);
  let queue = queues.get(key);
  if (queue === undefined) {
    queue = createRetryQueue(config, undefined, env);
    queues.set(key, queue);
  }
  return {
    queue,
    hasRetryQueue: config.retryQueueUrl !== undefined,
    hasDeadLetterQueue: config.deadLetterQueueUrl !== undefined,
    handler: definition.name ?? lambda.functionName,
    lambda,
    now: hooks?.now ?? Date.now,
    sleep: hooks?.sleep ?? timer,
  };
}

/**
 * The attempt runtime of one event in Lambda. `ordered` is the definition's `onError` for an ordered
 * batch (undefined for an unordered one): an ordered record never goes to the retry queue, which would
 * reorder it; after its in-process retries it blocks the batch (`block`: even a dead letter is left to
 * the platform, which holds the shard) or is dead-lettered (`dead-letter`).
 */
export function lambdaRuntime(delivery: ManagedDelivery, ordered?: OnError): AttemptRuntime {
  const handOff = async (what: string, id: string, send: () => Promise<unknown>) => {
    try {
      await send();
      return 'handed-off' as const;
    } catch (error) {
      // The queue could not take it: the platform's redelivery is the event's last chance.
      console.error(`triggerkit: ${delivery.handler}: could not hand event ${id} to the ${what}`, error);
      return 'redeliver' as const;
    }
  };
  return {
    now: delivery.now,
    async retry(retry: DueRetry) {
      const remainingMs = delivery.lambda.getRemainingTimeInMillis();
      if (placeRetry(retry.at - retry.now, retry.attemptMs, remainingMs) === 'in-process') {
        await delivery.sleep(Math.max(0, retry.at - delivery.now()));
        return 'here';
      }
      if (ordered === 'block') return 'redeliver';
      if (ordered === 'dead-letter') return 'dead-letter';
      if (!delivery.hasRetryQueue) return 'redeliver';
      return handOff('retry-queue', retry.event.id, () =>
        delivery.queue.sendRetry(queueRetry({ ...retry, dueAt: retry.at }, delivery.now())),
      );
    },
    async deadLetter(envelope) {
      if (ordered === 'block' || !delivery.hasDeadLetterQueue) return 'redeliver';
      return handOff('dead-letter', envelope.id, () => delivery.queue.sendDeadLetter(envelope));
    },
  };
}
