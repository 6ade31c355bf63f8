/**
 * From a raw Lambda event to the platform's answer: normalize, run each event through the pipeline,
 * then answer the way the transport expects (partial batch failures, an HTTP status and body, or a
 * thrown error so asynchronous invocations are retried). With the handler's retry queue or dead-letter
 * queue configured, failed events are retried and dead-lettered here (`managed-delivery.ts`), and only
 * what no queue took is reported to the platform.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import type { CompiledDefinition } from '../../definition.js';
import type { Outcome } from '../../delivery/outcome.js';
import { describeError, isTriggerError, TriggerError } from '../../errors.js';
import { runPipeline } from '../../pipeline.js';
import { checkDeclaredSource } from '../../sources/declarations.js';
import { selectByPath } from '../../sources/http/path-template.js';
import { settleHttpBatch } from '../../sources/http/sns-subscription.js';
import { detectSource, toCloudEvents } from '../../sources/index.js';
import { type Batch, isObject, type NormalizeOptions } from '../../sources/types.js';
import { hooksOf } from '../hooks.js';
import { outcomeResponse, type PreparedEvent, preparedOf } from '../prepared.js';
import { httpResponse, malformedRequest } from './http-response.js';
import { type ManagedDelivery, managedDelivery } from './managed-delivery.js';
import { retryQueueRecords } from './retry-plan.js';
import { type PlatformContext, resumeRetries, runBatch } from './run-batch.js';

/** Runs a raw Lambda event through a compiled definition and returns the Lambda response. */
export async function handleLambdaEvent(
  definition: CompiledDefinition,
  raw: unknown,
  lambda: LambdaContext,
): Promise<unknown> {
  const prepared = preparedOf(raw);
  if (prepared !== undefined) return outcomeResponse(await runPrepared(definition, prepared, lambda));
  const hooks = hooksOf(lambda);
  const delivery = managedDelivery(definition, lambda, hooks);
  const retries = delivery && retryQueueRecords(raw);
  if (delivery && retries) {
    // Messages of the handler's own retry queue resume their event; any others are ordinary SQS messages.
    const failures = await resumeRetries(definition, retries.retries, delivery);
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

/**
 * One decoded invocation through the pipeline, answered as its transport expects; shared by the Lambda
 * and FC adapters. `platform` adds what the handler context carries besides `lambda` (`fc` in FC).
 */
export async function handleBatch(
  definition: CompiledDefinition,
  raw: unknown,
  lambda: LambdaContext,
  delivery: ManagedDelivery | undefined,
  platform: PlatformContext = {},
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
  const results = await runBatch(
    definition,
    batch,
    lambda,
    batch.reply === 'http' ? undefined : delivery,
    platform,
  );
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

/** One attempt of an event the runtime normalized and matched already (the emulator's bus). */
function runPrepared(definition: CompiledDefinition, prepared: PreparedEvent, lambda: LambdaContext) {
  const { event, ref, transport, attempt, idempotency, now } = prepared;
  return runPipeline(
    definition,
    event,
    { attempt, ref, transport, lambda },
    {
      matched: true,
      ...(definition.idempotency && idempotency && { idempotency: { store: idempotency, now } }),
    },
  );
}

/** The handler's own options for this input: its HTTP source for the request's path, log granularity. */
function normalizeOptions(definition: CompiledDefinition, raw: unknown, now: number): NormalizeOptions {
  const https = definition.sources.filter((s) => s.type === 'http');
  const path = isObject(raw) ? (raw.rawPath ?? raw.path) : undefined;
  const http =
    https.length === 1 ? https[0] : typeof path === 'string' ? selectByPath(https, path)?.item : undefined;
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
