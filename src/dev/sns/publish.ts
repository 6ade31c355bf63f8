/**
 * Publish and PublishBatch: a message is checked as SNS checks it, then fanned out to every matching
 * subscription in one store transaction (fan-out.ts) before the answer goes back, so an accepted message
 * is durable; the function invocations it owes run after the answer, as SNS invokes Lambda
 * asynchronously.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * @see https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html
 */
import { randomUUID } from 'node:crypto';
import { type ActionContext, existingTopic } from './context.js';
import { fanOut, type Publication } from './fan-out.js';
import { faults, type Input, type InputValue, readAttributes, SnsFault, toXml } from './wire.js';

/** SNS's maximum message size, message attributes included. */
const MAX_BYTES = 262_144;
const MAX_BATCH = 10;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
// Subjects: ASCII text that starts with a letter, number or punctuation, no line breaks, at most 100.
const SUBJECT = /^[\x21-\x7e][\x20-\x7e]{0,99}$/;

/** Checks one message (Publish's parameters or a batch entry) and reads it into a publication. */
function readMessage(ctx: ActionContext, topic: string, input: Input): Publication {
  const message = input.Message;
  if (typeof message !== 'string' || message === '') throw faults.invalid('Empty message');
  const subject = input.Subject;
  if (subject !== undefined && (typeof subject !== 'string' || !SUBJECT.test(subject)))
    throw faults.invalid('Subject');
  const attributes = readAttributes(input.MessageAttributes);
  const bytes =
    Buffer.byteLength(message) +
    Object.entries(attributes).reduce((n, [k, a]) => n + Buffer.byteLength(k + a.Type + a.Value), 0);
  if (bytes > MAX_BYTES) throw faults.invalid('Message too long');
  return {
    id: randomUUID(),
    topic,
    message: input.MessageStructure === undefined ? message : perProtocol(input.MessageStructure, message),
    ...(subject !== undefined && { subject }),
    attributes,
    at: ctx.now,
  };
}

/** `MessageStructure: json`: a JSON object of messages by protocol, with a `default` one. */
function perProtocol(structure: InputValue, message: string): Record<string, string> {
  if (structure !== 'json') throw faults.invalid('MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw faults.invalid('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw faults.invalid('Message Structure - JSON message body failed to parse');
  const messages = parsed as Record<string, unknown>;
  if (typeof messages.default !== 'string')
    throw faults.invalid('Message Structure - No default entry in JSON message body');
  return Object.fromEntries(
    Object.entries(messages).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

function topicOf(ctx: ActionContext, input: Input): string {
  if (input.PhoneNumber !== undefined)
    throw faults.invalid('PhoneNumber: SMS is not supported by the triggerkit emulator');
  return existingTopic(
    ctx,
    input.TopicArn ?? input.TargetArn,
    input.TopicArn === undefined ? 'TargetArn' : 'TopicArn',
  );
}

function deliver(ctx: ActionContext, p: Publication): void {
  ctx.store.transaction(() => {
    for (const queue of fanOut(ctx, p)) ctx.changed.add(queue);
  });
}

export function publish(ctx: ActionContext, input: Input): string {
  const topic = topicOf(ctx, input);
  const p = readMessage(ctx, topic, input);
  deliver(ctx, p);
  return toXml({ MessageId: p.id });
}

export function publishBatch(ctx: ActionContext, input: Input): string {
  const topic = topicOf(ctx, input);
  const entries = Array.isArray(input.PublishBatchRequestEntries)
    ? (input.PublishBatchRequestEntries as Input[])
    : [];
  if (entries.length === 0)
    throw new SnsFault('EmptyBatchRequest', "The batch request doesn't contain any entries.");
  if (entries.length > MAX_BATCH)
    throw new SnsFault(
      'TooManyEntriesInBatchRequest',
      `The batch request contains more entries than permissible (${entries.length}; at most ${MAX_BATCH}).`,
    );
  const ids = entries.map((e) => e.Id);
  for (const id of ids)
    if (typeof id !== 'string' || !BATCH_ID.test(id))
      throw new SnsFault(
        'InvalidBatchEntryId',
        `The batch entry id ${JSON.stringify(id ?? null)} is invalid: use 1 to 80 letters, digits, hyphens and underscores.`,
      );
  if (new Set(ids).size !== ids.length)
    throw new SnsFault(
      'BatchEntryIdsNotDistinct',
      'Two or more batch entries in the request have the same Id.',
    );
  const total = entries.reduce(
    (n, e) => n + Buffer.byteLength(typeof e.Message === 'string' ? e.Message : ''),
    0,
  );
  if (total > MAX_BYTES)
    throw new SnsFault(
      'BatchRequestTooLong',
      `The length of all the messages put together is more than the limit (${MAX_BYTES} bytes).`,
    );
  const successful: { Id: string; MessageId: string }[] = [];
  const failed: { Id: string; Code: string; Message: string; SenderFault: string }[] = [];
  ctx.store.transaction(() => {
    for (const entry of entries) {
      const id = entry.Id as string;
      try {
        const p = readMessage(ctx, topic, entry);
        deliver(ctx, p);
        successful.push({ Id: id, MessageId: p.id });
      } catch (error) {
        if (!(error instanceof SnsFault)) throw error;
        failed.push({ Id: id, Code: error.code, Message: error.message, SenderFault: 'true' });
      }
    }
  });
  return toXml({ Successful: successful, Failed: failed });
}
