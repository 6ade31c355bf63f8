/**
 * How a message is sent to a queue of each type: a FIFO queue's group, deduplication and sequence
 * numbers, and what a standard queue refuses.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
 */
import { createHash } from 'node:crypto';
import type { SqsQueueRow } from '../store/sqs-queues.js';
import { type Input, isFifo } from './queues.js';
import { faults } from './wire.js';

/** MessageGroupId and MessageDeduplicationId: 1 to 128 printable ASCII characters. */
const MESSAGE_TAG = /^[\x21-\x7e]{1,128}$/;
/** How long a FIFO queue remembers a deduplication id. */
const DEDUPLICATION_WINDOW_MS = 5 * 60_000;

/** A FIFO message's `SequenceNumber`: its place in the store, as SQS's 20-digit string. */
export const sequenceNumber = (seq: number) => String(seq).padStart(20, '0');

/** The MessageGroupId or MessageDeduplicationId of a request, checked. */
function tag(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !MESSAGE_TAG.test(value))
    throw faults.invalid(
      `Value ${String(value)} for parameter ${name} is invalid. Reason: it must be 1 to 128 printable ASCII characters.`,
    );
  return value;
}

const notForThisQueueType = (name: string, value: unknown) =>
  faults.invalid(
    `Value ${String(value)} for parameter ${name} is invalid. Reason: The request includes a parameter that is not valid for this queue type.`,
  );

/**
 * How a message is sent to this queue: a FIFO queue needs a group and a deduplication id (or content-based
 * deduplication) and takes no per-message delay; a standard queue takes no deduplication id (a group id
 * is fine: fair queues).
 */
export function sendOptions(queue: SqsQueueRow, input: Input, body: string) {
  const groupId = tag(input, 'MessageGroupId');
  let deduplicationId = tag(input, 'MessageDeduplicationId');
  if (!isFifo(queue)) {
    if (deduplicationId !== undefined) throw notForThisQueueType('MessageDeduplicationId', deduplicationId);
    return { groupId };
  }
  if (groupId === undefined) throw faults.missing('MessageGroupId');
  if (input.DelaySeconds !== undefined && input.DelaySeconds !== null)
    throw notForThisQueueType('DelaySeconds', input.DelaySeconds);
  if (deduplicationId === undefined) {
    if (queue.attributes.ContentBasedDeduplication !== 'true')
      throw faults.invalid(
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      );
    deduplicationId = createHash('sha256').update(body).digest('hex');
  }
  const scope = queue.attributes.DeduplicationScope === 'messageGroup' ? `${groupId}\u0000` : '';
  return {
    groupId,
    deduplicationId,
    deduplication: { key: `${scope}${deduplicationId}`, windowMs: DEDUPLICATION_WINDOW_MS },
  };
}
