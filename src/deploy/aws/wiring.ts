/**
 * The AWS wiring of a project's functions, derived from their definitions: per function the events
 * (from `sources`, filters pushed down), the retry queue and dead-letter queue its `retry` and
 * `deadLetter` need, the idempotency table, the `TRIGGERKIT_*` environment and the IAM statements.
 * Pure: definitions in, wiring out; `serverless-plugin.ts` merges it into the service.
 * @see ../../../docs/deploy.md
 */
import type { DefinitionFacts } from '../../build/standalone.js';
import { resolveRetryPolicy } from '../../delivery/policy.js';
import { deadLetterQueueName, type FunctionAddress, idempotencyTableName, retryQueueName } from '../names.js';
import { busRule, type SourceWiring, wireSource } from './sources.js';
import {
  arnOf,
  type FunctionEvent,
  functionId,
  queueArnOfUrl,
  type Resource,
  ref,
  type Statement,
} from './template.js';

export interface DeployFunction {
  /** The function's key under serverless.yml `functions`. */
  readonly key: string;
  readonly definition: DefinitionFacts;
  readonly timeoutSeconds: number;
  /** Whether serverless.yml lists events of its own for the function. */
  readonly hasOwnEvents: boolean;
}

export interface FunctionWiring {
  readonly events: FunctionEvent[];
  /** How many of `events`, from the first, are triggerkit's own (the retry queue), not from `sources`. */
  readonly ownEvents: number;
  readonly environment: Readonly<Record<string, unknown>>;
  /** Lambda's on-failure destination for asynchronous invocations (SNS, S3, EventBridge, schedules). */
  readonly destinations?: { readonly onFailure: { readonly type: 'sqs'; readonly arn: unknown } };
}

export interface Wiring {
  readonly functions: Readonly<Record<string, FunctionWiring>>;
  readonly resources: Readonly<Record<string, Resource>>;
  readonly statements: readonly Statement[];
  /** One line per source the wiring leaves to serverless.yml, naming the function and what is needed. */
  readonly byHand: readonly string[];
}

/** Sources Lambda invokes asynchronously: a failure the function cannot place is retried by Lambda, then sent to the destination. */
const ASYNC = new Set([
  'aws:sns',
  'aws:s3',
  'aws:eventbridge',
  'aws:schedule',
  'bus',
  'cloudevents',
  'aws:cloudwatch-logs',
]);
/** Ordered sources never use the retry queue, which would reorder them (docs/delivery.md). */
const ORDERED = new Set(['aws:kinesis', 'aws:dynamodb', 'aws:kafka']);

const isFifo = (source: Readonly<Record<string, unknown>>) =>
  source.type === 'aws:sqs' && String(source.queue).endsWith('.fifo');

/**
 * @param existing the hand-written `resources.Resources`: a queue, topic, stream or table named there is
 * used, not created again.
 */
export function awsWiring(
  functions: readonly DeployFunction[],
  address: Omit<FunctionAddress, 'functionKey'>,
  existing: Readonly<Record<string, Resource>> = {},
): Wiring {
  const resources: Record<string, Resource> = {};
  const statements: Statement[] = [];
  const byHand: string[] = [];
  const out: Record<string, FunctionWiring> = {};
  const findExisting = (type: string, nameKey: string, name: string) =>
    Object.entries(existing).find(([, r]) => r.Type === type && r.Properties?.[nameKey] === name)?.[0];

  for (const fn of functions) {
    const { definition: d } = fn;
    const at: FunctionAddress = { ...address, functionKey: fn.key };
    const id = functionId(fn.key);
    const sources = d.sources;
    const types = sources.map((s) => String(s.type));
    const listensOnBus =
      sources.length === 0 ? !fn.hasOwnEvents : types.some((t) => t === 'bus' || t === 'cloudevents');
    const unordered =
      listensOnBus || sources.some((s) => !ORDERED.has(String(s.type)) && s.type !== 'http' && !isFifo(s));
    const needsDeadLetter = listensOnBus || types.some((t) => t !== 'http');
    const needsRetryQueue =
      unordered && resolveRetryPolicy(d.retry as Parameters<typeof resolveRetryPolicy>[0]).maxAttempts > 1;

    const environment: Record<string, unknown> = {};
    const sendTo: unknown[] = [];
    let deadLetterArn: unknown;
    if (needsDeadLetter) {
      const url = d.deadLetter?.queue.startsWith('https://') ? d.deadLetter.queue : undefined;
      if (url !== undefined) {
        deadLetterArn = queueArnOfUrl(url) ?? url;
        environment.TRIGGERKIT_DLQ_URL = url;
      } else {
        const dlq = `${id}DeadLetterQueue`;
        resources[dlq] = {
          Type: 'AWS::SQS::Queue',
          Properties: { QueueName: deadLetterQueueName(at, d.deadLetter), MessageRetentionPeriod: 1_209_600 },
        };
        deadLetterArn = arnOf(dlq);
        environment.TRIGGERKIT_DLQ_URL = ref(dlq);
      }
      sendTo.push(deadLetterArn);
    }
    const events: FunctionEvent[] = [];
    if (needsRetryQueue) {
      const retry = `${id}RetryQueue`;
      resources[retry] = {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: retryQueueName(at),
          VisibilityTimeout: 6 * fn.timeoutSeconds,
          MessageRetentionPeriod: 1_209_600,
          // Only a message the function kept crashing on before it could plan anything ends here.
          RedrivePolicy: { deadLetterTargetArn: deadLetterArn, maxReceiveCount: 5 },
        },
      };
      environment.TRIGGERKIT_RETRY_QUEUE_URL = ref(retry);
      sendTo.push(arnOf(retry));
      // The retry queue triggers the function: its messages carry the attempt to resume at. No filter.
      events.push({
        sqs: { arn: arnOf(retry), batchSize: 10, functionResponseType: 'ReportBatchItemFailures' },
      });
    }
    if (sendTo.length > 0) statements.push({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: sendTo });

    const context = {
      filter: d.filter,
      dialect: d.filterDialect,
      deadLetterArn,
      timeoutSeconds: fn.timeoutSeconds,
      existing: findExisting,
    };
    const wired: SourceWiring[] = sources.map((s) => wireSource(s, context));
    if (sources.length === 0 && listensOnBus) wired.push(busRule(context));
    for (const [i, w] of wired.entries()) {
      events.push(...w.events);
      for (const [rid, resource] of Object.entries(w.resources)) resources[rid] ??= resource;
      if (w.byHand !== undefined) byHand.push(`function ${fn.key}: sources[${i}] needs ${w.byHand}`);
    }

    if (d.idempotency) {
      const table = `${id}IdempotencyTable`;
      resources[table] = idempotencyTable(idempotencyTableName(at));
      environment.TRIGGERKIT_IDEMPOTENCY_TABLE = ref(table);
      statements.push({
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: [arnOf(table)],
      });
    }
    const async = listensOnBus || types.some((t) => ASYNC.has(t));
    out[fn.key] = {
      events,
      ownEvents: needsRetryQueue ? 1 : 0,
      environment,
      ...(async &&
        deadLetterArn !== undefined && { destinations: { onFailure: { type: 'sqs', arn: deadLetterArn } } }),
    };
  }
  return { functions: out, resources, statements, byHand };
}

/** One item per event (`pk`), removed by DynamoDB's TTL after `expiresAt` (docs/delivery.md, idempotency). */
function idempotencyTable(name: string): Resource {
  return {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    },
  };
}
