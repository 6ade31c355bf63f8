/**
 * The items of one invocation through the handler: a single attempt each when the platform keeps the
 * retries, else the shared attempt loop (`delivery/attempts.ts`) on the adapter's runtime (in-process
 * waits, the retry queue, the dead-letter queue) or `invoke`'s virtual clock; and the retry-queue
 * messages that resume an event at the attempt they carry.
 */
import type { Context as LambdaContext, SQSRecord } from 'aws-lambda';
import { type CloudEvent, createCloudEvent } from '../../cloud-event.js';
import type { CompiledDefinition, HandlerContext, OnError } from '../../definition.js';
import {
  type AttemptRecord,
  type AttemptRuntime,
  type AttemptStart,
  runAttempts,
} from '../../delivery/attempts.js';
import type { Outcome } from '../../delivery/outcome.js';
import { type PipelineRuntime, runPipeline } from '../../pipeline.js';
import type { Batch, BatchItem } from '../../sources/types.js';
import { hooksOf, type RuntimeHooks, traceRecord } from '../hooks.js';
import { type InvocationObserver, invocationObserver } from '../observe/observer.js';
import { idempotencyRuntime } from './dynamodb-idempotency.js';
import { lambdaRuntime, type ManagedDelivery } from './managed-delivery.js';
import { planArrival, readRetryMessage } from './retry-plan.js';

/** What the handler context carries besides the Lambda view, per platform: FC's own context. */
export type PlatformContext = Pick<HandlerContext, 'fc'>;

export interface BatchResults {
  readonly outcomes: Outcome[];
  /** Refs to report as failed, in batch order: failed, rejected, and — in ordered batches — never tried. */
  readonly failedRefs: string[];
  /** The failed outcomes the platform must redeliver (with managed delivery, those no queue took). */
  readonly redelivered: ReadonlySet<Outcome>;
}

/**
 * Runs every item. In an ordered batch (FIFO queue, stream) the first failure stops the batch: later
 * records are reported failed without running, so they are retried after it, in order — unless the
 * handler's `onError` is `'dead-letter'` and the failed record went to the dead-letter queue.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export async function runBatch(
  definition: CompiledDefinition,
  batch: Batch,
  lambda: LambdaContext,
  delivery: ManagedDelivery | undefined,
  platform: PlatformContext = {},
): Promise<BatchResults> {
  const hooks = hooksOf(lambda);
  const http = batch.http && {
    method: batch.http.method,
    path: batch.http.path,
    query: batch.http.query,
    headers: batch.http.headers,
    pathParameters: batch.http.pathParameters ?? {},
  };
  const rejectedAt = new Map((batch.rejected ?? []).map((r) => [r.index, r]));
  const total = batch.items.length + rejectedAt.size;
  const outcomes: Outcome[] = [];
  const failedRefs: string[] = [];
  const redelivered = new Set<Outcome>();
  const ordered = batch.ordered ? definition.onError : undefined;
  const run = itemRunner(definition, hooks, lambda);
  let item = 0;
  let stopped = false;
  for (let index = 0; index < total; index++) {
    const rejected = rejectedAt.get(index);
    const ref = rejected?.ref ?? (batch.items[item] as BatchItem).ref;
    if (stopped) {
      failedRefs.push(ref);
      if (rejected === undefined) item++;
      continue;
    }
    const event =
      rejected === undefined ? (batch.items[item++] as BatchItem).event : placeholderEvent(batch, ref);
    // A record that could not be read never reaches the handler: `decide` dead-letters it as invalid.
    const unreadable: Outcome | undefined = rejected && {
      status: 'failed',
      event,
      stage: 'source',
      error: rejected.error,
      retryable: false,
    };
    const runtime = attemptRuntime(delivery, hooks, ordered);
    const ctx = { attempt: hooks?.attempt ?? 1, ref, transport: batch.source, http, lambda, ...platform };
    const { outcome, redeliver } =
      runtime === undefined
        ? await attemptOnce(run, event, ctx, unreadable)
        : await deliverItem(run, event, ctx, runtime, unreadable);
    outcomes.push(outcome);
    if (redeliver) {
      redelivered.add(outcome);
      failedRefs.push(ref);
      // Streams checkpoint at the lowest failed sequence number: reporting later records adds nothing.
      if (batch.reply === 'stream-checkpoint') break;
      if (batch.ordered) stopped = true;
    }
  }
  return { outcomes, failedRefs, redelivered };
}

/** Where this invocation's retries wait: in this process (`invoke`'s virtual clock), AWS's queues, or nowhere. */
function attemptRuntime(
  delivery: ManagedDelivery | undefined,
  hooks: RuntimeHooks | undefined,
  ordered: OnError | undefined,
): AttemptRuntime | undefined {
  if (hooks?.attempts !== undefined) return hooks.attempts(ordered);
  return delivery && lambdaRuntime(delivery, ordered);
}

/** What every item of one invocation shares: the definition, its idempotency store, the trace hooks. */
interface ItemRunner {
  readonly definition: CompiledDefinition;
  readonly hooks: RuntimeHooks | undefined;
  readonly handler: string;
  readonly pipeline: PipelineRuntime;
  /** The cloud's log lines and spans (`observe/`); `undefined` when it neither logs nor traces. */
  readonly observer: InvocationObserver | undefined;
}

function itemRunner(
  definition: CompiledDefinition,
  hooks: RuntimeHooks | undefined,
  lambda: LambdaContext,
): ItemRunner {
  const pipeline = idempotencyRuntime(definition, hooks);
  const handler = definition.name ?? lambda.functionName;
  const observer = invocationObserver(definition, hooks, lambda, handler);
  return { definition, hooks, handler, pipeline, observer };
}

/** One attempt, when the platform keeps the retries: the hot path of every plain invocation. */
async function attemptOnce(
  run: ItemRunner,
  event: CloudEvent,
  ctx: HandlerContext,
  unreadable: Outcome | undefined,
): Promise<{ outcome: Outcome; redeliver: boolean }> {
  const observe = run.hooks?.observe;
  if (observe === undefined && run.observer === undefined) {
    const outcome = unreadable ?? (await runPipeline(run.definition, event, ctx, run.pipeline));
    return { outcome, redeliver: outcome.status === 'failed' };
  }
  const seen = run.observer?.forEvent(event, ctx);
  const at = run.hooks?.now?.() ?? Date.now();
  const began = performance.now();
  const attempt = async () => unreadable ?? runPipeline(run.definition, event, ctx, run.pipeline);
  const outcome = seen === undefined ? await attempt() : await seen.run(ctx.attempt, attempt);
  const timing = { ms: performance.now() - began, attempt: ctx.attempt, at };
  observe?.(traceRecord(run.handler, ctx.transport, ctx.ref, outcome, timing));
  seen?.attempt({ ...timing, outcome });
  seen?.end();
  return { outcome, redeliver: outcome.status === 'failed' };
}

/**
 * One event through the attempt loop until it is delivered, handed off or dead-lettered. Each attempt
 * gets its own copy of the event, so a handler that changes `event.data` changes it for itself.
 */
async function deliverItem(
  run: ItemRunner,
  event: CloudEvent,
  ctx: HandlerContext,
  runtime: AttemptRuntime,
  unreadable: Outcome | undefined,
  start?: AttemptStart,
): Promise<{ outcome: Outcome; redeliver: boolean }> {
  const now = runtime.now();
  const seen = run.observer?.forEvent(event, ctx);
  const attempt = async (n: number) =>
    unreadable ?? runPipeline(run.definition, freshCopy(event), { ...ctx, attempt: n }, run.pipeline);
  const result = await runAttempts({
    event,
    handler: run.handler,
    policy: run.definition.retry,
    start: start ?? { attempt: 1, receivedAt: now, firstAttemptAt: now },
    runtime: seen === undefined ? runtime : seen.runtime(runtime),
    observe: (record: AttemptRecord) => {
      run.hooks?.observe?.(traceRecord(run.handler, ctx.transport, ctx.ref, record.outcome, record));
      seen?.attempt(record);
    },
    run: seen === undefined ? attempt : (n) => seen.run(n, () => attempt(n)),
  });
  seen?.end();
  return { outcome: result.outcome, redeliver: result.end === 'redeliver' };
}

/** A copy of the event for one attempt: the next attempt sees the event as it arrived. */
function freshCopy(event: CloudEvent): CloudEvent {
  return event.data === null || typeof event.data !== 'object'
    ? event
    : Object.freeze({ ...event, data: structuredClone(event.data) });
}

/**
 * Each retry-queue message runs its attempt when it is due, or goes round the queue again when it came
 * early (a wait longer than SQS's 15 minutes). Resolves the message ids SQS must redeliver.
 */
export async function resumeRetries(
  definition: CompiledDefinition,
  records: readonly SQSRecord[],
  delivery: ManagedDelivery,
): Promise<{ itemIdentifier: string }[]> {
  const failures: { itemIdentifier: string }[] = [];
  const run = itemRunner(definition, hooksOf(delivery.lambda), delivery.lambda);
  for (const record of records) {
    try {
      const retry = readRetryMessage(record);
      if (retry === undefined) continue;
      const arrival = planArrival(retry, delivery.now());
      if (arrival.kind !== 'run') {
        await delivery.queue.sendRetry(arrival);
        continue;
      }
      const ctx = {
        attempt: retry.attempt,
        ref: record.messageId,
        transport: 'aws:sqs' as const,
        lambda: delivery.lambda,
      };
      const { redeliver } = await deliverItem(
        run,
        retry.event,
        ctx,
        lambdaRuntime(delivery),
        undefined,
        retry,
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

/** A record that could not be read still needs an identity in traces: the record's ref and transport. */
function placeholderEvent(batch: Batch, ref: string) {
  return createCloudEvent({ id: ref, source: batch.source, type: 'dev.triggerkit.record.unreadable' });
}
