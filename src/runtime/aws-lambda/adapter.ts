/**
 * From a raw Lambda event to the platform's answer: normalize, run each event through the pipeline,
 * then answer the way the transport expects (SQS `batchItemFailures`, an HTTP status and body, or a
 * thrown error so asynchronous invocations are retried).
 */
import type { Context as LambdaContext } from 'aws-lambda';
import type { CompiledDefinition, HandlerContext } from '../../definition.js';
import { describeError, isTriggerError, TriggerError } from '../../errors.js';
import { type Outcome, runPipeline } from '../../pipeline.js';
import { apiGatewayV2 } from '../../sources/aws/apigateway-v2.js';
import { toCloudEvents } from '../../sources/index.js';
import type { Batch, BatchItem } from '../../sources/types.js';
import { hooksOf } from '../hooks.js';
import { type HttpResponse, httpResponse, malformedRequest } from './http-response.js';

/** Runs a raw Lambda event through a compiled definition and returns the Lambda response. */
export async function handleLambdaEvent(
  definition: CompiledDefinition,
  raw: unknown,
  lambda: LambdaContext,
): Promise<unknown> {
  const httpEventType = definition.sources.find((s) => s.type === 'http' && s.eventType !== undefined);
  let batch: Batch;
  try {
    batch = toCloudEvents(raw, {
      httpEventType: httpEventType?.type === 'http' ? httpEventType.eventType : undefined,
    });
  } catch (error) {
    // A malformed HTTP request is the caller's mistake: answer 4xx, never crash the function.
    if (isTriggerError(error) && apiGatewayV2.detect(raw)) return malformedRequest(error);
    throw error;
  }
  if (batch.control !== undefined) return batch.control;
  const outcomes = await runBatch(definition, batch, lambda);
  switch (batch.source) {
    case 'aws:sqs':
      return sqsResponse(batch.items, outcomes);
    case 'aws:apigateway:v2':
      return httpResponse(outcomes) satisfies HttpResponse;
    case 'cloudevents':
      return directResponse(outcomes);
  }
}

async function runBatch(
  definition: CompiledDefinition,
  batch: Batch,
  lambda: LambdaContext,
): Promise<Outcome[]> {
  const hooks = hooksOf(lambda);
  const http = batch.http && {
    method: batch.http.method,
    path: batch.http.path,
    query: batch.http.query,
    headers: batch.http.headers,
  };
  const outcomes: Outcome[] = new Array(batch.items.length);
  for (let i = 0; i < batch.items.length; i++) {
    const item = batch.items[i] as BatchItem;
    const ctx: HandlerContext = {
      attempt: hooks?.attempt ?? 1,
      ref: item.ref,
      transport: batch.source,
      http,
      lambda,
    };
    const started = hooks?.observe ? performance.now() : 0;
    const outcome = await runPipeline(definition, item.event, ctx);
    outcomes[i] = outcome;
    hooks?.observe?.({
      handler: definition.name ?? lambda.functionName,
      transport: batch.source,
      ref: item.ref,
      event: item.event,
      outcome,
      ms: performance.now() - started,
    });
  }
  return outcomes;
}

/**
 * SQS partial batch response: every failed message is reported so SQS makes it visible again
 * (and its redrive policy dead-letters it after `maxReceiveCount`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
function sqsResponse(items: readonly BatchItem[], outcomes: readonly Outcome[]) {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (let i = 0; i < outcomes.length; i++) {
    if (outcomes[i]?.status === 'failed')
      batchItemFailures.push({ itemIdentifier: (items[i] as BatchItem).ref });
  }
  return { batchItemFailures };
}

/** Direct and asynchronous invocations: a failure is thrown so Lambda's own retry and DLQ apply. */
function directResponse(outcomes: readonly Outcome[]) {
  for (const outcome of outcomes) {
    if (outcome.status !== 'failed') continue;
    if (outcome.error instanceof Error) throw outcome.error;
    throw new TriggerError('E_NON_RETRYABLE', describeError(outcome.error).message, { cause: outcome.error });
  }
  return { outcomes: outcomes.map((o) => ({ id: o.event.id, outcome: o.status })) };
}
