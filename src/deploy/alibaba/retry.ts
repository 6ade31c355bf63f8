/**
 * A handler's `retry`, `deadLetter` and `onError` as Function Compute and Alibaba EventBridge settings:
 * the function's asynchronous invocation config (retries, event age, on-failure destination), the
 * push strategy of an MNS topic subscription, and the run options of an EventBridge event stream.
 * Each platform caps what it accepts; where the definition asks for more, the cap is used and
 * `docs/alibaba-fc.md` says so.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/asynchronous-invocations
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/retry-policies-and-dead-letter-queues
 */
import type { DefinitionFacts } from '../../build/standalone.js';
import { resolveRetryPolicy } from '../../delivery/policy.js';
import { ACCOUNT, REGION } from './vars.js';

/** FC asynchronous invocation: at most 8 retries, events kept 1 s to 30 days. */
const FC_MAX_RETRIES = 8;
const FC_MAX_EVENT_AGE_SECONDS = 2_592_000;
/** EventBridge `BACKOFF_RETRY` retries 3 times; `EXPONENTIAL_DECAY_RETRY` 176 times within a day. */
const BACKOFF_RETRIES = 3;
const DECAY_RETRIES = 176;
const DAY_SECONDS = 86_400;

export type PushRetryStrategy = 'BACKOFF_RETRY' | 'EXPONENTIAL_DECAY_RETRY';

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** How many retries and for how long the definition allows, as whole numbers. */
export function retriesOf(definition: DefinitionFacts): { retries: number; maxEventAgeSeconds: number } {
  const policy = resolveRetryPolicy(definition.retry as Parameters<typeof resolveRetryPolicy>[0]);
  return {
    retries: policy.maxAttempts - 1,
    maxEventAgeSeconds: Math.max(1, Math.round(policy.maxEventAge / 1000)),
  };
}

/**
 * The EventBridge push strategy closest to the definition: the one its preset names, else
 * exponential decay when it asks for more retries than `BACKOFF_RETRY` makes.
 */
export function pushRetryStrategy(definition: DefinitionFacts): PushRetryStrategy {
  if (definition.retry === 'alibaba-exponential-decay') return 'EXPONENTIAL_DECAY_RETRY';
  if (definition.retry === 'alibaba-backoff') return 'BACKOFF_RETRY';
  return retriesOf(definition).retries > BACKOFF_RETRIES ? 'EXPONENTIAL_DECAY_RETRY' : 'BACKOFF_RETRY';
}

/** An MNS queue's ARN, with Serverless Devs variables for region and account. */
export const mnsQueueArn = (queue: string) => `acs:mns:${REGION}:${ACCOUNT}:/queues/${queue}`;

/** The function's `asyncInvokeConfig`: FC retries failed asynchronous invocations, then sends them to the dead-letter queue. */
export function asyncInvokeConfig(definition: DefinitionFacts, deadLetterQueue: string) {
  const { retries, maxEventAgeSeconds } = retriesOf(definition);
  return {
    maxAsyncRetryAttempts: clamp(retries, 0, FC_MAX_RETRIES),
    maxAsyncEventAgeInSeconds: clamp(maxEventAgeSeconds, 1, FC_MAX_EVENT_AGE_SECONDS),
    // A destination is addressed by the queue's `messages` resource.
    destinationConfig: { onFailure: { destination: `${mnsQueueArn(deadLetterQueue)}/messages` } },
  };
}

/**
 * The `runOptions` of an event stream (RocketMQ, Kafka, DTS, MNS queue sources): its retry strategy,
 * whether a failing event is skipped (`ALL`: to the dead-letter queue) or stops the stream (`NONE`,
 * the handler's `onError: 'block'`), and the dead-letter queue.
 */
export function streamRunOptions(definition: DefinitionFacts, deadLetterQueue: string) {
  const strategy = pushRetryStrategy(definition);
  const { retries, maxEventAgeSeconds } = retriesOf(definition);
  const cap = strategy === 'BACKOFF_RETRY' ? BACKOFF_RETRIES : DECAY_RETRIES;
  return {
    mode: 'event-streaming',
    retryStrategy: {
      PushRetryStrategy: strategy,
      MaximumRetryAttempts: clamp(retries, 0, cap),
      MaximumEventAgeInSeconds: clamp(maxEventAgeSeconds, 1, DAY_SECONDS),
    },
    errorsTolerance: definition.onError === 'block' ? 'NONE' : 'ALL',
    deadLetterQueue: { Arn: mnsQueueArn(deadLetterQueue) },
  };
}
