/**
 * Queues of the local SQS endpoint: their attributes (defaults, ranges, redrive policy), names, URLs and
 * ARNs, and the request parameters every action reads.
 */
import type { SqsQueueRow, SqsStore } from '../store/sqs-queues.js';
import { faults, SqsFault } from './wire.js';

export const ACCOUNT_ID = '000000000000';
export const REGION = 'us-east-1';

export type Input = Record<string, unknown>;
export interface ActionContext {
  readonly store: SqsStore;
  readonly now: number;
  /** The endpoint's origin as the caller reached it, for queue URLs (`http://127.0.0.1:4000`). */
  readonly origin: string;
}

/** Settable queue attributes with their defaults and ranges (seconds or bytes). */
export const SETTINGS: Record<string, { default: number; min: number; max: number }> = {
  DelaySeconds: { default: 0, min: 0, max: 900 },
  // 256 KiB, the long-standing default; queues may raise it to SQS's 1 MiB maximum.
  MaximumMessageSize: { default: 262_144, min: 1_024, max: 1_048_576 },
  MessageRetentionPeriod: { default: 345_600, min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { default: 0, min: 0, max: 20 },
  VisibilityTimeout: { default: 30, min: 0, max: 43_200 },
};
export const PASSTHROUGH = [
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'SqsManagedSseEnabled',
];
export const COMPUTED = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];

export const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;
export const queueUrl = (ctx: ActionContext, name: string) => `${ctx.origin}/${ACCOUNT_ID}/${name}`;

export const invalidAttribute = (name: string) =>
  new SqsFault(
    'com.amazonaws.sqs#InvalidAttributeName',
    'InvalidAttributeName',
    `Unknown Attribute ${name}.`,
  );

/** Attributes only a FIFO queue has, with the values each takes. */
export const FIFO_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  ContentBasedDeduplication: ['true', 'false'],
  DeduplicationScope: ['queue', 'messageGroup'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};
export const FIFO_DEFAULTS: Readonly<Record<string, string>> = {
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

export const isFifo = (queue: SqsQueueRow) => queue.attributes.FifoQueue === 'true';

/**
 * Validates queue attributes (CreateQueue's or SetQueueAttributes') for a queue of the given type. Names
 * are looked up as own keys only: `toString` or `__proto__` is an unknown attribute, not a prototype's.
 */
export function queueSettings(
  raw: unknown,
  queue: { fifo: boolean; store: SqsStore },
): Record<string, string> {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw)))
    throw faults.invalid('Attributes must be a map of attribute names to values.');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const text = String(value);
    if (name === 'FifoQueue') continue; // read by CreateQueue, which alone may set it
    if (Object.hasOwn(FIFO_SETTINGS, name)) {
      if (!queue.fifo) throw invalidAttribute(name);
      if (!FIFO_SETTINGS[name]?.includes(text))
        throw faults.invalid(`Invalid value for the parameter ${name}.`);
    } else if (Object.hasOwn(SETTINGS, name)) {
      const range = SETTINGS[name] as { min: number; max: number };
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < range.min || n > range.max)
        throw faults.invalid(`Invalid value for the parameter ${name}.`);
    } else if (!PASSTHROUGH.includes(name)) throw invalidAttribute(name);
    if (name === 'RedrivePolicy' && text !== '') checkRedrivePolicy(text, queue);
    out[name] = text;
  }
  return out;
}

/** The queue a `QueueUrl` names (its last path segment, whatever host the caller used). */
export function queueOf(ctx: ActionContext, input: Input): SqsQueueRow {
  if (typeof input.QueueUrl !== 'string') throw faults.missing('QueueUrl');
  let name: string | undefined;
  try {
    name = new URL(input.QueueUrl).pathname.split('/').filter(Boolean).at(-1);
  } catch {
    name = undefined;
  }
  if (name === undefined)
    throw new SqsFault(
      'com.amazonaws.sqs#InvalidAddress',
      'InvalidAddress',
      'The address is not valid.',
      404,
    );
  const queue = ctx.store.getQueue(name);
  if (queue === undefined) throw faults.noQueue();
  return queue;
}

/** A queue attribute as a number, the queue's own value or the default. */
export const setting = (queue: SqsQueueRow, name: keyof typeof SETTINGS & string): number =>
  Number(queue.attributes[name] ?? SETTINGS[name]?.default ?? 0);

export function intParam(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw faults.invalid(
      `Value ${String(value)} for parameter ${name} is invalid. Must be ${min} to ${max}.`,
    );
  return value;
}

/** A redrive policy must name an existing dead-letter queue of the same type, as SQS checks. */
function checkRedrivePolicy(value: string, queue: { fifo: boolean; store: SqsStore }): void {
  let policy: Record<string, unknown> | undefined;
  try {
    policy = JSON.parse(value) as Record<string, unknown>;
  } catch {
    policy = undefined;
  }
  const count = Number(policy?.maxReceiveCount);
  const reason = (why: string) =>
    faults.invalid(`Value ${value} for parameter RedrivePolicy is invalid. Reason: ${why}`);
  if (
    typeof policy?.deadLetterTargetArn !== 'string' ||
    !Number.isInteger(count) ||
    count < 1 ||
    count > 1000
  )
    throw reason('it must be JSON with deadLetterTargetArn and maxReceiveCount (1 to 1000).');
  const target = queue.store.getQueue(policy.deadLetterTargetArn.split(':').at(-1) ?? '');
  if (target === undefined) throw reason('Dead letter target does not exist.');
  if (isFifo(target) !== queue.fifo)
    throw reason('Dead-letter queue must be same type of queue as the source.');
}

/** The queue's redrive policy, if it has one: where over-received messages go. */
export function redriveOf(queue: SqsQueueRow) {
  const policy = queue.attributes.RedrivePolicy;
  if (!policy) return undefined;
  const { deadLetterTargetArn, maxReceiveCount } = JSON.parse(policy) as Record<string, unknown>;
  const target = String(deadLetterTargetArn).split(':').at(-1) ?? '';
  return { deadLetterQueue: target, maxReceiveCount: Number(maxReceiveCount) };
}
