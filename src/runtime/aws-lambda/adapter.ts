/**
 * From a raw Lambda event to the platform's answer: normalize, run each event through the pipeline,
 * then answer the way the transport expects (partial batch failures, an HTTP status and body, or a
 * thrown error so asynchronous invocations are retried). With the handler's retry queue or dead-letter
 * queue configured, failed events are retried and dead-lettered here (`managed-delivery.ts`), and only
 * what no queue took is reported to the platform.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { createCloudEvent } from '../../cloud-event.js';
import type { CompiledDefinition, HandlerContext } from '../../definition.js';
import { describeError, isTriggerError, TriggerError } from '../../errors.js';
import { type Outcome, runPipeline } from '../../pipeline.js';
import { checkDeclaredSource } from '../../sources/declarations.js';
import { settleHttpBatch } from '../../sources/http/sns-subscription.js';
import { detectSource, toCloudEvents } from '../../sources/index.js';
import { type Batch, type BatchItem, isObject, type NormalizeOptions } from '../../sources/types.js';
import { hooksOf, traceRecord } from '../hooks.js';
import { idempotencyRuntime } from './dynamodb-idempotency.js';
import { httpResponse, malformedRequest } from './http-response.js';
import {
  deliverWithRetries,
  type ManagedDelivery,
  managedDelivery,
  pipelineAttempt,
  resumeRetries,
  retryQueueRecords,
} from './managed-delivery.js';

/** Runs a raw Lambda event through a compiled definition and returns the Lambda response. */
export async function handleLambdaEvent(
  definition: CompiledDefinition,
  raw: unknown,
  lambda: LambdaContext,
): Promise<unknown> {
  const hooks = hooksOf(lambda);
  const delivery = managedDelivery(definition, lambda, hooks);
  const retries = delivery && retryQueueRecords(raw);
  if (delivery && retries) {
    // Messages of the handler's own retry queue resume their event; any others are ordinary SQS messages.
    const failures = await resumeRetries(definition, retries.retries, delivery, hooks);
    if (retries.others.length === 0) return { batchItemFailures: failures };
    const rest = (await handleBatch(
      definition,
      { ...(raw as object), Records: retries.others },
      lambda,
      delivery,
    )) as { batchItemFailures: { itemIdentifier: string }[] };
    return { batchItemFailures: [...failures, ...rest.batchItemFailures] };
  }
  return handleBatch(definition, raw, lambda, delivery);
}

async function handleBatch(
  definition: CompiledDefinition,
  raw: unknown,
  lambda: LambdaContext,
  delivery: ManagedDelivery | undefined,
): Promise<unknown> {
  const hooks = hooksOf(lambda);
  const now = hooks?.now?.() ?? Date.now();
  let batch: Batch;
  try {
    batch = toCloudEvents(raw, normalizeOptions(definition, raw, now));
    checkDeclaredSource(definition.sources, batch, definition.name ?? lambda.functionName);
  } catch (error) {
    // A malformed or undeclared HTTP request is the caller's mistake: answer 4xx, never crash the function.
    if (isTriggerError(error) && detectSource(raw)?.reply === 'http')
      return forEnvelope(detectSource(raw)?.envelope?.(raw), malformedRequest(error));
    throw error;
  }
  // An SNS HTTP subscription's batch runs nothing until its signature is checked (a certificate fetched).
  if (batch.http !== undefined) batch = await settleHttpBatch(batch, now);
  if (batch.control !== undefined) return forEnvelope(batch.http, batch.control);
  // An HTTP caller hears of a failure in the response and retries itself.
  const results = await runBatch(definition, batch, lambda, batch.reply === 'http' ? undefined : delivery);
  switch (batch.reply) {
    case 'http':
      return forEnvelope(batch.http, httpResponse(results.outcomes));
    case 'throw':
      return throwOnFailure(results.outcomes, results.redelivered);
    default:
      return {
        batchItemFailures: results.failedRefs.map((ref) => ({ itemIdentifier: itemIdentifier(batch, ref) })),
      };
  }
}

/** The handler's own options for this input: its HTTP source for the request's path, log granularity. */
function normalizeOptions(definition: CompiledDefinition, raw: unknown, now: number): NormalizeOptions {
  const https = definition.sources.filter((s) => s.type === 'http');
  const path = isObject(raw) ? (raw.rawPath ?? raw.path) : undefined;
  const http = https.length === 1 ? https[0] : https.find((s) => s.path === path);
  const logs = definition.sources.find((s) => s.type === 'aws:cloudwatch-logs');
  return {
    now,
    http,
    httpEventType: http?.eventType,
    logEvents: logs?.type === 'aws:cloudwatch-logs' ? logs.events : undefined,
  };
}

/**
 * ALB target groups with multi-value headers on expect `multiValueHeaders` in the answer as well (the
 * request says so, or for a malformed one its envelope); every other HTTP envelope takes `headers`.
 */
function forEnvelope(
  request: { readonly multiValueHeaders?: true } | undefined,
  response: { statusCode: number; headers: Readonly<Record<string, string>>; body: string },
) {
  if (request?.multiValueHeaders !== true) return response;
  const multiValueHeaders = Object.fromEntries(
    Object.entries(response.headers).map(([name, value]) => [name, [value]]),
  );
  return { statusCode: response.statusCode, multiValueHeaders, body: response.body };
}

interface BatchResults {
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
async function runBatch(
  definition: CompiledDefinition,
  batch: Batch,
  lambda: LambdaContext,
  delivery: ManagedDelivery | undefined,
): Promise<BatchResults> {
  const hooks = hooksOf(lambda);
  const handler = definition.name ?? lambda.functionName;
  const runtime = idempotencyRuntime(definition, hooks);
  const http = batch.http && {
    method: batch.http.method,
    path: batch.http.path,
    query: batch.http.query,
    headers: batch.http.headers,
  };
  const rejectedAt = new Map((batch.rejected ?? []).map((r) => [r.index, r]));
  const total = batch.items.length + rejectedAt.size;
  const outcomes: Outcome[] = [];
  const failedRefs: string[] = [];
  const redelivered = new Set<Outcome>();
  const start = delivery && { attempt: 1, receivedAt: delivery.now(), firstAttemptAt: delivery.now() };
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
    let outcome: Outcome;
    let redeliver: boolean;
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
    if (delivery !== undefined && start !== undefined) {
      const once = unreadable
        ? async () => unreadable
        : pipelineAttempt(definition, event, { ref, transport: batch.source, http, lambda }, runtime);
      const ordered = batch.ordered ? definition.onError : undefined;
      const done = await deliverWithRetries(definition, event, once, start, delivery, ordered, (o, ms) =>
        hooks?.observe?.(traceRecord(handler, batch.source, ref, o, ms)),
      );
      outcome = done.outcome;
      redeliver = done.redeliver;
    } else {
      const started = hooks?.observe ? performance.now() : 0;
      const ctx: HandlerContext = {
        attempt: hooks?.attempt ?? 1,
        ref,
        transport: batch.source,
        http,
        lambda,
      };
      outcome = unreadable ?? (await runPipeline(definition, event, ctx, runtime));
      hooks?.observe?.(traceRecord(handler, batch.source, ref, outcome, performance.now() - started));
      redeliver = outcome.status === 'failed';
    }
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

/** A record that could not be read still needs an identity in traces: the record's ref and transport. */
function placeholderEvent(batch: Batch, ref: string) {
  return createCloudEvent({ id: ref, source: batch.source, type: 'dev.triggerkit.record.unreadable' });
}

/** Kafka identifies records by `{ "topic-partition", offset }`; our ref for them is `<topic>-<partition>@<offset>`. */
function itemIdentifier(batch: Batch, ref: string): string | { 'topic-partition': string; offset: number } {
  if (batch.reply !== 'kafka-item-failures') return ref;
  const at = ref.lastIndexOf('@');
  return { 'topic-partition': ref.slice(0, at), offset: Number(ref.slice(at + 1)) };
}

/**
 * Asynchronous invocations and whole-batch transports: a failure is thrown so the platform retries —
 * only one that must be redelivered; an event the retry queue or dead-letter queue took is done.
 */
function throwOnFailure(outcomes: readonly Outcome[], redelivered: ReadonlySet<Outcome>) {
  for (const outcome of outcomes) {
    if (outcome.status !== 'failed' || !redelivered.has(outcome)) continue;
    if (outcome.error instanceof Error) throw outcome.error;
    throw new TriggerError('E_NON_RETRYABLE', describeError(outcome.error).message, { cause: outcome.error });
  }
  return { outcomes: outcomes.map((o) => ({ id: o.event.id, outcome: o.status })) };
}
