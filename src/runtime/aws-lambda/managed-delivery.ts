/**
 * Retries and dead letters inside the Lambda adapter: a failed event is retried in-process while the
 * wait fits the invocation, else sent to the handler's retry queue, else dead-lettered as the one
 * envelope; only an event none of these could take is left for the platform to redeliver. The times
 * come from the shared `decide`, on the runtime's clock, so they are the emulator's.
 */
import type { Context as LambdaContext, SQSRecord } from 'aws-lambda';
import type { CloudEvent } from '../../cloud-event.js';
import type { CompiledDefinition, HandlerContext, OnError } from '../../definition.js';
import { decide } from '../../delivery/decide.js';
import { type Outcome, type PipelineRuntime, runPipeline } from '../../pipeline.js';
import { isObject } from '../../sources/types.js';
import { type RuntimeHooks, traceRecord } from '../hooks.js';
import { idempotencyRuntime } from './dynamodb-idempotency.js';
import { retryInProcess } from './in-process-retry.js';
import {
  type FailurePlan,
  planArrival,
  planFailure,
  RETRY_ATTRIBUTES,
  readRetryMessage,
} from './retry-plan.js';
import { createRetryQueue, type RetryQueue, retryQueueConfigFromEnv } from './retry-queue.js';

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

/** Where an attempt starts: a fresh event at 1, a retry-queue message at the attempt it carries. */
export interface AttemptStart {
  readonly attempt: number;
  readonly receivedAt: number;
  readonly firstAttemptAt: number;
}

export interface DeliveredItem {
  /** The last attempt's outcome. */
  readonly outcome: Outcome;
  /** True when no queue took a failed event: the platform must deliver the record again. */
  readonly redeliver: boolean;
}

/** One sender per configuration, kept across warm invocations (the SDK client is made on first send). */
const queues = new Map<string, RetryQueue>();

const URL = /^https?:\/\//;
const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The adapter's delivery, or `undefined` when the platform keeps its own retries: the runtime makes the
 * attempts itself (the `attempt` hook is set), or neither `TRIGGERKIT_RETRY_QUEUE_URL` nor a dead-letter
 * queue (`TRIGGERKIT_DLQ_URL`, or a `deadLetter.queue` that is a queue URL) is configured.
 */
export function managedDelivery(
  definition: CompiledDefinition,
  lambda: LambdaContext,
  hooks: RuntimeHooks | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ManagedDelivery | undefined {
  if (hooks?.attempt !== undefined) return undefined;
  const fromEnv = retryQueueConfigFromEnv(env);
  // Only queue URLs count: a tool that leaves a CloudFormation `!Ref` unresolved (serverless offline)
  // must not switch the platform's retries off.
  const url = (value: string | undefined) => (value !== undefined && URL.test(value) ? value : undefined);
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

/** One attempt of an event through the handler's pipeline. */
export const pipelineAttempt =
  (
    definition: CompiledDefinition,
    event: CloudEvent,
    ctx: Omit<HandlerContext, 'attempt'>,
    runtime: PipelineRuntime,
  ) =>
  (attempt: number): Promise<Outcome> =>
    runPipeline(definition, event, { ...ctx, attempt }, runtime);

/**
 * Runs one event until it is delivered or handed off. `ordered` is the definition's `onError` for an
 * ordered batch (undefined for an unordered one): an ordered record never goes to the retry queue,
 * which would reorder it; after its in-process retries it blocks the batch or is dead-lettered.
 */
export async function deliverWithRetries(
  definition: CompiledDefinition,
  event: CloudEvent,
  /** Makes one attempt (the pipeline with `ctx.attempt`); never throws. */
  attemptOnce: (attempt: number) => Promise<Outcome>,
  start: AttemptStart,
  delivery: ManagedDelivery,
  ordered: OnError | undefined,
  observe: (outcome: Outcome, ms: number) => void,
): Promise<DeliveredItem> {
  let last: Outcome | undefined;
  const failedAt = (attempt: number, error: unknown, now: number) => ({
    event,
    handler: delivery.handler,
    attempt,
    error,
    receivedAt: start.receivedAt,
    firstAttemptAt: start.firstAttemptAt,
    now,
    remainingMs: delivery.lambda.getRemainingTimeInMillis(),
  });
  const result = await retryInProcess({
    attempt: start.attempt,
    now: delivery.now,
    sleep: delivery.sleep,
    async run(attempt) {
      const started = performance.now();
      last = await attemptOnce(attempt);
      observe(last, performance.now() - started);
      return last.status === 'failed'
        ? { stage: last.stage, error: last.error, retryable: last.retryable }
        : undefined;
    },
    plan(attempt, failure, attemptMs) {
      const now = delivery.now();
      const decision = decide(definition.retry, { attempt, ...failure, receivedAt: start.receivedAt, now });
      return planFailure(decision, { ...failedAt(attempt, failure.error, now), attemptMs });
    },
  });
  const outcome = last as Outcome;
  if (result.status === 'succeeded') return { outcome, redeliver: false };
  let plan: FailurePlan = result.plan;
  if (ordered === 'block') return { outcome, redeliver: true };
  if (ordered === 'dead-letter' && plan.kind === 'retry-queue') {
    // The wait does not fit the invocation, and the retry queue would reorder the stream.
    const attempt = start.attempt + result.attempts - 1;
    plan = planFailure(
      { action: 'dead-letter', reason: 'retries-exhausted' },
      failedAt(attempt, result.failure.error, delivery.now()),
    );
  }
  try {
    if (plan.kind === 'retry-queue') {
      if (!delivery.hasRetryQueue) return { outcome, redeliver: true };
      await delivery.queue.sendRetry(plan);
    } else if (plan.kind === 'dead-letter') {
      if (!delivery.hasDeadLetterQueue) return { outcome, redeliver: true };
      await delivery.queue.sendDeadLetter(plan.envelope);
    }
    return { outcome, redeliver: false };
  } catch (error) {
    // The queue could not take it: the platform's redelivery is the event's last chance.
    console.error(
      `triggerkit: ${delivery.handler}: could not hand event ${event.id} to the ${plan.kind}`,
      error,
    );
    return { outcome, redeliver: true };
  }
}

/** The records of an SQS event that are retry-queue messages (they carry `triggerkit-attempt`), and the rest. */
export function retryQueueRecords(raw: unknown): { retries: SQSRecord[]; others: unknown[] } | undefined {
  if (!isObject(raw) || !Array.isArray(raw.Records)) return undefined;
  const records = raw.Records as unknown[];
  const isRetry = (r: unknown): r is SQSRecord =>
    isObject(r) &&
    r.eventSource === 'aws:sqs' &&
    isObject(r.messageAttributes) &&
    r.messageAttributes[RETRY_ATTRIBUTES.attempt] !== undefined;
  const retries = records.filter(isRetry);
  if (retries.length === 0) return undefined;
  return { retries, others: records.filter((r) => !isRetry(r)) };
}

/**
 * Each retry-queue message runs its attempt when it is due, or goes round the queue again when it came
 * early (a wait longer than SQS's 15 minutes). Resolves the message ids SQS must redeliver.
 */
export async function resumeRetries(
  definition: CompiledDefinition,
  records: readonly SQSRecord[],
  delivery: ManagedDelivery,
  hooks: RuntimeHooks | undefined,
): Promise<{ itemIdentifier: string }[]> {
  const failures: { itemIdentifier: string }[] = [];
  const runtime = idempotencyRuntime(definition, hooks);
  for (const record of records) {
    try {
      const retry = readRetryMessage(record);
      if (retry === undefined) continue;
      const arrival = planArrival(retry, delivery.now());
      if (arrival.kind !== 'run') {
        await delivery.queue.sendRetry(arrival);
        continue;
      }
      const ctx = { ref: record.messageId, transport: 'aws:sqs' as const, lambda: delivery.lambda };
      const { redeliver } = await deliverWithRetries(
        definition,
        retry.event,
        pipelineAttempt(definition, retry.event, ctx, runtime),
        retry,
        delivery,
        undefined,
        (outcome, ms) =>
          hooks?.observe?.(traceRecord(delivery.handler, 'aws:sqs', record.messageId, outcome, ms)),
      );
      if (redeliver) failures.push({ itemIdentifier: record.messageId });
    } catch (error) {
      // Unreadable, or the queue refused the re-delay: SQS redelivers it (its redrive policy ends a loop).
      console.error(`triggerkit: ${delivery.handler}: retry-queue message ${record.messageId}`, error);
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return failures;
}
