/**
 * The SQS side of `triggerkit dlq --aws`: the client (region and endpoint as the AWS SDK reads them),
 * one-line errors for what goes wrong talking to SQS, and a receive pass that looks at a queue without
 * consuming it: each message it receives stays hidden only while the pass runs, then is made visible
 * again (`ChangeMessageVisibility` 0) unless the caller deleted it.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { TriggerError } from '../errors.js';

/** An SQS client and where it talks to, for messages. */
export interface Sqs {
  readonly client: SQSClient;
  /** `AWS_ENDPOINT_URL_SQS` (or `AWS_ENDPOINT_URL`), or the region's AWS endpoint. */
  readonly where: string;
}

/**
 * The client: `region` (`--region`), else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the SDK's profile;
 * the endpoint from `AWS_ENDPOINT_URL_SQS`. As in the runtime (retry-queue.ts), a local endpoint without
 * `AWS_ACCESS_KEY_ID` or `AWS_PROFILE` gets dummy credentials and `us-east-1`: nothing offline should
 * reach for real ones.
 */
export function openSqs(region: string | undefined, env: NodeJS.ProcessEnv = process.env): Sqs {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const endpoint = value('AWS_ENDPOINT_URL_SQS') ?? value('AWS_ENDPOINT_URL');
  const chosen = region ?? value('AWS_REGION') ?? value('AWS_DEFAULT_REGION');
  const dummy = endpoint !== undefined && !value('AWS_ACCESS_KEY_ID') && !value('AWS_PROFILE');
  const client = new SQSClient({
    ...(endpoint !== undefined && { endpoint }),
    region: chosen ?? (endpoint !== undefined ? 'us-east-1' : undefined),
    ...(dummy && { credentials: { accessKeyId: 'triggerkit', secretAccessKey: 'triggerkit' } }),
  });
  return { client, where: endpoint ?? (chosen ? `SQS in ${chosen}` : 'SQS') };
}

const NETWORK = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|UND_ERR_\w+)$/;
const DENIED =
  /^(AccessDenied(Exception)?|InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|InvalidSignatureException|ExpiredToken(Exception)?|KMS\.AccessDeniedException)$/;

/** The SDK's name for an SQS error (`QueueDoesNotExist`, `AccessDenied`, …), or a network code. */
export function sqsErrorName(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' && NETWORK.test(code) ? code : String(e?.name ?? 'Error');
}

const oneLine = (text: unknown) => String(text).replace(/\s+/g, ' ').trim();

/**
 * One line for a failed SQS call: what (`action` on `queue`), where (the endpoint or region), how to fix.
 *
 * @example
 * throw sqsFailure(error, sqs, 'ReceiveMessage', queueUrl);
 */
export function sqsFailure(error: unknown, sqs: Sqs, action: string, queue: string): TriggerError {
  const name = sqsErrorName(error);
  const message = oneLine((error as Error)?.message ?? error);
  const problem = (text: string) => new TriggerError('E_CONFIG', text, { cause: error, path: queue });
  if (name === 'CredentialsProviderError')
    return problem(
      `No AWS credentials to call ${action} on ${queue} (${sqs.where}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ENDPOINT_URL_SQS for a local SQS endpoint.`,
    );
  if (/region is missing/i.test(message))
    return problem(`No AWS region to call ${action} on ${queue}: pass --region or set AWS_REGION.`);
  if (NETWORK.test(name))
    return problem(
      `Cannot reach ${sqs.where} for ${action} on ${queue} (${name}): check --region, AWS_ENDPOINT_URL_SQS and the network.`,
    );
  if (DENIED.test(name))
    return problem(
      `${sqs.where} refused ${action} on ${queue} (${name}: ${message}): use credentials allowed sqs:${action} on that queue, or renew them.`,
    );
  if (name === 'QueueDoesNotExist')
    return problem(
      `${sqs.where} has no queue ${queue} (${action}): check the URL, the account and --region.`,
    );
  return problem(`${action} on ${queue} failed at ${sqs.where}: ${name}: ${message}`);
}

/** Calls SQS, turning any failure into `sqsFailure`'s one line. */
export async function callSqs<T>(sqs: Sqs, action: string, queue: string, call: () => Promise<T>) {
  try {
    return await call();
  } catch (error) {
    throw sqsFailure(error, sqs, action, queue);
  }
}

/** How long a pass keeps the messages it received hidden, in seconds (so it does not see them twice). */
export const PASS_VISIBILITY_SECONDS = 30;

export interface PassOptions {
  /** Stop after this many messages. */
  readonly max?: number;
  /** Stop receiving after this long (ms), well inside `PASS_VISIBILITY_SECONDS`. Default 20 s. */
  readonly maxMs?: number;
  /** `WaitTimeSeconds` of each receive: a long poll asks every SQS server, not a sample. Default 1. */
  readonly waitSeconds?: number;
}

/** A receive pass over one queue. */
export interface ReceivePass {
  /** The next messages this pass had not seen; `[]` when the pass is over (and `ended` says why). */
  next(): Promise<Message[]>;
  /** Deletes a message this pass received. */
  remove(message: Message): Promise<void>;
  /** Makes every message the pass still holds visible again; resolves to how many could not be. */
  release(): Promise<number>;
  readonly seen: number;
  readonly ended: 'empty' | 'max' | 'time' | undefined;
}

/**
 * Opens a receive pass: `ReceiveMessage` (10 at a time, every attribute) until SQS has nothing new,
 * `max` messages or `maxMs`. Received messages stay hidden until `release`, so a pass sees each once.
 */
export function receivePass(sqs: Sqs, queueUrl: string, options: PassOptions = {}): ReceivePass {
  const { max = Number.POSITIVE_INFINITY, maxMs = 20_000, waitSeconds = 1 } = options;
  const started = Date.now();
  const held = new Map<string, string>();
  const seen = new Set<string>();
  let ended: ReceivePass['ended'];
  const visible = (handle: string) =>
    sqs.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
  return {
    get seen() {
      return seen.size;
    },
    get ended() {
      return ended;
    },
    async next() {
      if (ended !== undefined) return [];
      if (seen.size >= max) ended = 'max';
      else if (Date.now() - started >= maxMs) ended = 'time';
      if (ended !== undefined) return [];
      const { Messages = [] } = await callSqs(sqs, 'ReceiveMessage', queueUrl, () =>
        sqs.client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, max - seen.size),
            VisibilityTimeout: PASS_VISIBILITY_SECONDS,
            WaitTimeSeconds: waitSeconds,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        ),
      );
      const fresh = Messages.filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
      // A message seen before is back only because the pass outlived its visibility timeout.
      for (const m of Messages) if (m.MessageId && m.ReceiptHandle) held.set(m.MessageId, m.ReceiptHandle);
      for (const m of fresh) seen.add(m.MessageId as string);
      if (fresh.length === 0) ended = 'empty';
      return fresh;
    },
    async remove(message) {
      await callSqs(sqs, 'DeleteMessage', queueUrl, () =>
        sqs.client.send(
          new DeleteMessageCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: held.get(message.MessageId ?? '') ?? message.ReceiptHandle,
          }),
        ),
      );
      held.delete(message.MessageId ?? '');
    },
    async release() {
      const handles = [...held.values()];
      held.clear();
      let failed = 0;
      // ChangeMessageVisibilityBatch is not in every SQS-compatible endpoint: ten single calls at a time.
      for (let i = 0; i < handles.length; i += 10) {
        const results = await Promise.allSettled(handles.slice(i, i + 10).map(visible));
        failed += results.filter((r) => r.status === 'rejected').length;
      }
      return failed;
    },
  };
}

/** `ApproximateNumberOfMessages` (+ `NotVisible`, `Delayed`) before a pass, for the count it reports. */
export async function approximateCount(sqs: Sqs, queueUrl: string) {
  const { Attributes = {} } = await callSqs(sqs, 'GetQueueAttributes', queueUrl, () =>
    sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    ),
  );
  const n = (name: keyof typeof Attributes) => Number(Attributes[name] ?? 0) || 0;
  return {
    visible: n('ApproximateNumberOfMessages'),
    inFlight: n('ApproximateNumberOfMessagesNotVisible'),
    delayed: n('ApproximateNumberOfMessagesDelayed'),
  };
}
