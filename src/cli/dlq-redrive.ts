/**
 * `triggerkit dlq redrive --aws`: each envelope goes to the function's retry queue as a retry-queue
 * message at attempt 1; a raw message goes to `--to` as it was. A message leaves the dead-letter queue
 * only once its send succeeded, so a failed send loses nothing.
 */
import { type Message, SendMessageCommand } from '@aws-sdk/client-sqs';
import { TriggerError } from '../errors.js';
import { createRetryQueue, type RetryQueue } from '../runtime/aws-lambda/retry-queue.js';
import { type AwsDlqOptions, overPass } from './dlq-aws.js';
import { type DlqMessage, isMessageNamed, readDlqMessage, redriveRetry } from './dlq-messages.js';
import { type ReceivePass, type Sqs, sqsFailure } from './dlq-sqs.js';
import { namedQueueUrl, retryQueueUrl } from './dlq-target.js';

export interface RedriveSelection {
  /** Message ids or CloudEvent ids; empty with `all`. */
  readonly ids?: readonly string[];
  readonly all?: boolean;
  /** `--to`: where raw (non-envelope) messages go, a queue name or URL. */
  readonly to?: string;
}

/** What a redrive did with each message it took up. */
export interface RedriveReport {
  readonly redriven: { readonly messageId: string; readonly eventId?: string; readonly to: string }[];
  readonly skipped: { readonly messageId: string; readonly reason: string }[];
  readonly failed: { readonly messageId: string; readonly error: string }[];
  /** Ids given that no message seen had. */
  readonly notFound: string[];
}

interface Targets {
  /** The function's retry queue (with --function). */
  readonly retry: string | undefined;
  /** --to's queue. */
  readonly to: string | undefined;
}

/** Where one message goes and how, or why it stays. */
type Route = { readonly to: string; send(): Promise<unknown> } | { readonly skip: string };

/**
 * Redrives the messages selected (`ids`, or `all`). Exits nothing: the report says what was redriven,
 * skipped (with why), failed (left in the dead-letter queue) and not found.
 *
 * @example
 * await redriveAwsDeadLetters({ root, config: 'serverless.yml', functionKey: 'orders' }, { all: true });
 */
export async function redriveAwsDeadLetters(
  options: AwsDlqOptions,
  selection: RedriveSelection,
  now: () => number = Date.now,
) {
  const ids = selection.ids ?? [];
  if (ids.length > 0 === (selection.all === true))
    throw new TriggerError(
      'E_CONFIG',
      'redrive --aws takes the message ids to redrive (as `triggerkit dlq list --aws` shows them) or --all, not both, not neither.',
      { path: 'ids' },
    );
  const body = async (pass: ReceivePass, sqs: Sqs): Promise<RedriveReport> => {
    const targets = await destinations(sqs, options, selection.to);
    const retryQueue = createRetryQueue({ retryQueueUrl: targets.retry }, sqs.client);
    const report: RedriveReport = { redriven: [], skipped: [], failed: [], notFound: [] };
    const named = new Set<string>();
    for (let batch = await pass.next(); batch.length > 0; batch = await pass.next()) {
      for (const received of batch) {
        const message = readDlqMessage(received);
        const wanted = ids.filter((id) => isMessageNamed(message, id));
        if (selection.all !== true && wanted.length === 0) continue;
        for (const id of wanted) named.add(id);
        const route = routeOf(message, received, { targets, retryQueue, sqs, now });
        await redriveOne(message, received, route, { pass, sqs, report });
      }
      if (ids.length > 0 && ids.every((id) => named.has(id))) break;
    }
    report.notFound.push(...ids.filter((id) => !named.has(id)));
    return report;
  };
  // No time bound: each message is dealt with as it comes; only skipped ones stay held until the end.
  return overPass(options, body, { maxMs: Number.POSITIVE_INFINITY });
}

/** An envelope to the retry queue (the runtime's own retry-queue message), a raw message to `--to`. */
function routeOf(
  message: DlqMessage,
  received: Message,
  at: { targets: Targets; retryQueue: RetryQueue; sqs: Sqs; now: () => number },
): Route {
  const { targets } = at;
  if (message.envelope !== undefined) {
    const envelope = message.envelope;
    return targets.retry === undefined
      ? { skip: "an envelope goes to its function's retry queue: pass --function" }
      : { to: targets.retry, send: () => at.retryQueue.sendRetry(redriveRetry(envelope, at.now())) };
  }
  if (targets.to === undefined)
    return {
      skip: 'not an envelope (no dlreason): redrive it with --to <queue> (such as its source queue), or delete it',
    };
  const input = {
    QueueUrl: targets.to,
    MessageBody: received.Body ?? '',
    MessageAttributes: copyAttributes(received),
  };
  return { to: targets.to, send: () => at.sqs.client.send(new SendMessageCommand(input)) };
}

/** Sends, and only then deletes; records the outcome. */
async function redriveOne(
  message: DlqMessage,
  received: Message,
  route: Route,
  at: { pass: ReceivePass; sqs: Sqs; report: RedriveReport },
): Promise<void> {
  const { messageId } = message;
  if ('skip' in route) {
    at.report.skipped.push({ messageId, reason: route.skip });
    return;
  }
  try {
    await route.send();
  } catch (error) {
    const failure = sqsFailure(error, at.sqs, 'SendMessage', route.to).message;
    at.report.failed.push({ messageId, error: `${failure} It stays in the dead-letter queue.` });
    return;
  }
  try {
    await at.pass.remove(received);
  } catch (error) {
    const failure = (error as Error).message;
    at.report.failed.push({
      messageId,
      error: `sent to ${route.to} but not deleted, so it is in both: ${failure}`,
    });
    return;
  }
  at.report.redriven.push({ messageId, eventId: message.eventId, to: route.to });
}

/** The function's retry queue (with --function) and --to's queue; at least one is needed. */
async function destinations(sqs: Sqs, options: AwsDlqOptions, to: string | undefined): Promise<Targets> {
  const { functionKey } = options;
  const retry = functionKey === undefined ? undefined : await retryQueueUrl(sqs, { ...options, functionKey });
  if (retry === undefined && to === undefined)
    throw new TriggerError(
      'E_CONFIG',
      "redrive --aws sends envelopes to the function's retry queue: pass --function <key> to find it (and --to <queue> for raw messages).",
      { path: '--function' },
    );
  return { retry, to: to === undefined ? undefined : await namedQueueUrl(sqs, to) };
}

/** A received message's attributes as SendMessage takes them (no empty list values). */
function copyAttributes(message: Message) {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, v]) => [
      name,
      {
        DataType: v.DataType,
        ...(v.StringValue !== undefined && { StringValue: v.StringValue }),
        ...(v.BinaryValue !== undefined && { BinaryValue: v.BinaryValue }),
      },
    ]),
  );
}
