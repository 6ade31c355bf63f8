/**
 * The SQS actions of the local endpoint: JSON-protocol input in, output out, state in `SqsStore`.
 * ReceiveMessage's long polling lives in the endpoint; `receiveNow` is one non-waiting pass.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html
 */

import type { SqsMessageRow, SqsQueueRow } from '../store/sqs-queues.js';
import {
  ACCOUNT_ID,
  type ActionContext,
  COMPUTED,
  FIFO_DEFAULTS,
  type Input,
  intParam,
  invalidAttribute,
  isFifo,
  PASSTHROUGH,
  queueArn,
  queueOf,
  queueSettings,
  queueUrl,
  redriveOf,
  SETTINGS,
  setting,
} from './queues.js';
import { sendOptions, sequenceNumber } from './send-options.js';
import {
  checkBody,
  faults,
  type MessageAttributes,
  type MessageAttributeValue,
  md5Hex,
  md5OfMessageAttributes,
  readMessageAttributes,
  SqsFault,
  selectNames,
} from './wire.js';

const MESSAGE_SYSTEM = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'MessageGroupId',
  'MessageDeduplicationId',
  'SequenceNumber',
];
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const RECEIPT = /^[0-9a-f-]{36} [0-9a-f-]{36}$/;

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function checkReceipt(handle: unknown): string {
  if (typeof handle !== 'string') throw faults.missing('ReceiptHandle');
  if (!RECEIPT.test(Buffer.from(handle, 'base64url').toString('latin1'))) throw faults.receipt(handle);
  return handle;
}

/** SendMessage for one entry; shared by SendMessage and SendMessageBatch. */
function sendOne(ctx: ActionContext, queue: SqsQueueRow, input: Input) {
  const body = checkBody(input.MessageBody);
  const { attributes, bytes } = readMessageAttributes(input.MessageAttributes);
  const max = setting(queue, 'MaximumMessageSize');
  if (Buffer.byteLength(body) + bytes > max)
    throw faults.invalid(
      `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`,
    );
  const options = sendOptions(queue, input, body);
  const delay = intParam(input, 'DelaySeconds', 0, 900) ?? setting(queue, 'DelaySeconds');
  const sent = ctx.store.send(queue.name, body, attributes, ctx.now, ctx.now + delay * 1000, options);
  const md5Attributes = md5OfMessageAttributes(attributes);
  return {
    MessageId: sent.id,
    MD5OfMessageBody: md5Hex(body),
    ...(md5Attributes && { MD5OfMessageAttributes: md5Attributes }),
    ...(isFifo(queue) && { SequenceNumber: sequenceNumber(sent.seq) }),
  };
}

/** Runs `each` per entry of a batch request, collecting per-entry failures as SQS does. */
function batch<T>(input: Input, each: (entry: Input) => T) {
  const entries = input.Entries;
  const fault = (shape: string, message: string) =>
    new SqsFault(`com.amazonaws.sqs#${shape}`, `AWS.SimpleQueueService.${shape}`, message);
  if (!Array.isArray(entries) || entries.length === 0)
    throw fault('EmptyBatchRequest', 'There should be at least one entry in the request.');
  if (entries.length > 10)
    throw fault(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  const ids = new Set<string>();
  for (const entry of entries as (Input | null)[]) {
    if (typeof entry?.Id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(entry.Id))
      throw fault(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    if (ids.has(entry.Id)) throw fault('BatchEntryIdsNotDistinct', `Id ${entry.Id} repeated.`);
    ids.add(entry.Id);
  }
  const Successful: (T & { Id: string })[] = [];
  const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
  for (const entry of entries as (Input & { Id: string })[]) {
    try {
      Successful.push({ Id: entry.Id, ...each(entry) });
    } catch (error) {
      if (!(error instanceof SqsFault)) throw error;
      Failed.push({ Id: entry.Id, SenderFault: true, Code: error.queryCode, Message: error.message });
    }
  }
  return { Successful, Failed };
}

/** One ReceiveMessage pass without waiting. */
export function receiveNow(ctx: ActionContext, queue: SqsQueueRow, input: Input) {
  const max = intParam(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
  const visibility = intParam(input, 'VisibilityTimeout', 0, 43_200) ?? setting(queue, 'VisibilityTimeout');
  const redrive = redriveOf(queue);
  const rows = ctx.store.receive(queue.name, ctx.now, {
    max,
    visibilityMs: visibility * 1000,
    retentionMs: setting(queue, 'MessageRetentionPeriod') * 1000,
    fifo: isFifo(queue),
    ...(redrive && { redrive }),
  });
  const system = selectNames(MESSAGE_SYSTEM, [
    ...list(input.AttributeNames),
    ...list(input.MessageSystemAttributeNames),
  ]);
  return rows.map((row) => toWireMessage(row, system, input.MessageAttributeNames, isFifo(queue)));
}

function toWireMessage(
  row: SqsMessageRow,
  wanted: readonly string[],
  attributeFilter: unknown,
  fifo: boolean,
) {
  const values: Record<string, string | null> = {
    SenderId: ACCOUNT_ID,
    SentTimestamp: String(row.sentAt),
    ApproximateReceiveCount: String(row.receiveCount),
    ApproximateFirstReceiveTimestamp: String(row.firstReceivedAt ?? row.sentAt),
    MessageGroupId: row.groupId,
    MessageDeduplicationId: row.deduplicationId,
    SequenceNumber: fifo ? sequenceNumber(row.seq) : null,
  };
  const system = wanted.filter((n) => values[n] !== null);
  const names = selectNames(Object.keys(row.attributes), attributeFilter);
  const attributes: MessageAttributes = Object.fromEntries(
    names.map((n) => [n, row.attributes[n] as MessageAttributeValue]),
  );
  const md5Attributes = md5OfMessageAttributes(attributes);
  return {
    MessageId: row.id,
    ReceiptHandle: row.receipt,
    MD5OfBody: md5Hex(row.body),
    Body: row.body,
    ...(system.length > 0 && { Attributes: Object.fromEntries(system.map((n) => [n, values[n]])) }),
    ...(md5Attributes && { MD5OfMessageAttributes: md5Attributes, MessageAttributes: attributes }),
  };
}

export const actions: Record<string, (ctx: ActionContext, input: Input) => unknown> = {
  CreateQueue(ctx, input) {
    const name = input.QueueName;
    if (typeof name !== 'string') throw faults.missing('QueueName');
    const given = (input.Attributes ?? {}) as Record<string, unknown>;
    const fifoFlag = Object.hasOwn(given, 'FifoQueue') ? String(given.FifoQueue) : undefined;
    if (fifoFlag !== undefined && fifoFlag !== 'true' && fifoFlag !== 'false')
      throw faults.invalid('Invalid value for the parameter FifoQueue.');
    // A FIFO queue needs both the attribute and the `.fifo` name; a standard queue has neither.
    const fifo = fifoFlag === 'true';
    if (fifo && !FIFO_QUEUE_NAME.test(name))
      throw faults.invalid(
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
      );
    if (!fifo && !QUEUE_NAME.test(name))
      throw faults.invalid(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    const attributes = {
      ...queueSettings(input.Attributes, { fifo, store: ctx.store }),
      ...(fifo && { FifoQueue: 'true' }),
    };
    if (!ctx.store.createQueue(name, attributes, ctx.now)) {
      const existing = ctx.store.getQueue(name)?.attributes ?? {};
      const defaultOf = (k: string) =>
        Object.hasOwn(SETTINGS, k) ? String(SETTINGS[k]?.default) : FIFO_DEFAULTS[k];
      if (
        (existing.FifoQueue === 'true') !== fifo ||
        Object.entries(attributes).some(([k, v]) => (existing[k] ?? defaultOf(k)) !== v)
      )
        throw new SqsFault(
          'com.amazonaws.sqs#QueueNameExists',
          'QueueAlreadyExists',
          `A queue already exists with the same name and a different value for attribute(s) ${Object.keys(attributes).join(', ')}`,
        );
    }
    return { QueueUrl: queueUrl(ctx, name) };
  },
  SetQueueAttributes(ctx, input) {
    const queue = queueOf(ctx, input);
    const given = (input.Attributes ?? {}) as Record<string, unknown>;
    if (Object.hasOwn(given, 'FifoQueue')) throw invalidAttribute('FifoQueue');
    const changes = queueSettings(given, { fifo: isFifo(queue), store: ctx.store });
    const next: Record<string, string> = { ...queue.attributes };
    for (const [name, value] of Object.entries(changes)) {
      // An empty policy removes it, as SQS documents for RedrivePolicy and Policy.
      if (value === '' && PASSTHROUGH.includes(name)) delete next[name];
      else next[name] = value;
    }
    ctx.store.setAttributes(queue.name, next, ctx.now);
    return {};
  },
  GetQueueUrl(ctx, input) {
    if (typeof input.QueueName !== 'string') throw faults.missing('QueueName');
    if (ctx.store.getQueue(input.QueueName) === undefined) throw faults.noQueue();
    return { QueueUrl: queueUrl(ctx, input.QueueName) };
  },
  ListQueues(ctx, input) {
    const all = ctx.store.listQueues(typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '');
    const limit = intParam(input, 'MaxResults', 1, 1000);
    const after =
      typeof input.NextToken === 'string' ? Buffer.from(input.NextToken, 'base64url').toString() : '';
    const page = all.filter((q) => q.name > after).slice(0, limit ?? 1000);
    const last = page.at(-1);
    const more = limit !== undefined && last !== undefined && all.at(-1)?.name !== last.name;
    return {
      ...(page.length > 0 && { QueueUrls: page.map((q) => queueUrl(ctx, q.name)) }),
      ...(more && { NextToken: Buffer.from(last.name).toString('base64url') }),
    };
  },
  DeleteQueue(ctx, input) {
    ctx.store.deleteQueue(queueOf(ctx, input).name);
    return {};
  },
  GetQueueAttributes(ctx, input) {
    const queue = queueOf(ctx, input);
    const fifo = isFifo(queue) ? Object.keys(FIFO_DEFAULTS) : [];
    const known = [...Object.keys(SETTINGS), ...PASSTHROUGH, ...COMPUTED, ...fifo];
    for (const n of list(input.AttributeNames))
      if (n !== 'All' && !known.includes(String(n))) throw invalidAttribute(String(n));
    const counts = ctx.store.counts(queue.name, ctx.now);
    const values: Record<string, string | undefined> = {
      ...Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, String(s.default)])),
      ...(fifo.length > 0 && FIFO_DEFAULTS),
      ...queue.attributes,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.modifiedAt / 1000)),
      QueueArn: queueArn(queue.name),
    };
    const names = selectNames(known, input.AttributeNames).filter((n) => values[n] !== undefined);
    return names.length > 0 ? { Attributes: Object.fromEntries(names.map((n) => [n, values[n]])) } : {};
  },
  PurgeQueue(ctx, input) {
    ctx.store.purge(queueOf(ctx, input).name);
    return {};
  },
  SendMessage: (ctx, input) => sendOne(ctx, queueOf(ctx, input), input),
  SendMessageBatch(ctx, input) {
    const queue = queueOf(ctx, input);
    // One commit for the whole call: each entry still succeeds or fails on its own (a savepoint each).
    return ctx.store.atomically(() => batch(input, (entry) => sendOne(ctx, queue, entry)));
  },
  DeleteMessage(ctx, input) {
    ctx.store.delete(queueOf(ctx, input).name, checkReceipt(input.ReceiptHandle));
    return {};
  },
  DeleteMessageBatch(ctx, input) {
    const queue = queueOf(ctx, input);
    return ctx.store.atomically(() =>
      batch(input, (entry) => {
        ctx.store.delete(queue.name, checkReceipt(entry.ReceiptHandle));
        return {};
      }),
    );
  },
  ChangeMessageVisibility(ctx, input) {
    const queue = queueOf(ctx, input);
    const handle = checkReceipt(input.ReceiptHandle);
    const timeout = intParam(input, 'VisibilityTimeout', 0, 43_200);
    if (timeout === undefined) throw faults.missing('VisibilityTimeout');
    const message = ctx.store.byReceipt(queue.name, handle);
    if (message === undefined) throw faults.receipt(handle);
    if (message.visibleAt <= ctx.now)
      throw new SqsFault(
        'com.amazonaws.sqs#MessageNotInflight',
        'AWS.SimpleQueueService.MessageNotInflight',
        'Message is not in flight.',
      );
    ctx.store.setVisibleAt(message.id, ctx.now + timeout * 1000);
    return {};
  },
};
