/**
 * `triggerkit dlq list|show --aws`: a function's dead-letter queue in SQS, found and looked at. Listing
 * receives and puts back: nothing is consumed. The redrive is in dlq-redrive.ts.
 */
import { TriggerError } from '../errors.js';
import { type DlqMessage, isMessageNamed, readDlqMessage } from './dlq-messages.js';
import {
  approximateCount,
  openSqs,
  type PassOptions,
  type ReceivePass,
  receivePass,
  type Sqs,
} from './dlq-sqs.js';
import { deadLetterQueueUrl } from './dlq-target.js';

export interface AwsDlqOptions {
  readonly root: string;
  /** serverless.yml, relative to `root`. */
  readonly config: string;
  /** `--function`: the function's key in serverless.yml. */
  readonly functionKey?: string;
  readonly stage?: string;
  /** `--queue-url`: the dead-letter queue, unresolved. */
  readonly queueUrl?: string;
  readonly region?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Bounds of the receive pass (`max` is `--max` for `list`). */
  readonly pass?: PassOptions;
}

/** The end of a pass, in words. */
export const PASS_ENDS = {
  empty: 'SQS had no more messages to hand out',
  max: 'stopped at --max',
  time: 'stopped after 20 s, before the messages it holds become visible again',
} as const;

async function openQueue(options: AwsDlqOptions): Promise<{ sqs: Sqs; url: string }> {
  // A queue URL of AWS says its region: `https://sqs.<region>.amazonaws.com/<account>/<name>`.
  const urlRegion = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(options.queueUrl ?? '')?.[1];
  const sqs = openSqs(options.region ?? urlRegion, options.env);
  try {
    if (options.queueUrl !== undefined) return { sqs, url: options.queueUrl };
    if (options.functionKey === undefined)
      throw new TriggerError(
        'E_CONFIG',
        '--aws needs --function <key> (the function as serverless.yml names it under `functions:`) or --queue-url <the dead-letter queue URL>.',
        { path: '--function' },
      );
    return { sqs, url: await deadLetterQueueUrl(sqs, { ...options, functionKey: options.functionKey }) };
  } catch (error) {
    sqs.client.destroy();
    throw error;
  }
}

/** Runs `body` over a pass of the dead-letter queue, then makes what the pass still holds visible. */
export async function overPass<T>(
  options: AwsDlqOptions,
  body: (pass: ReceivePass, sqs: Sqs, url: string) => Promise<T>,
  passOptions: PassOptions = {},
): Promise<T & { queueUrl: string; seen: number; ended: ReceivePass['ended']; unreleased: number }> {
  const { sqs, url } = await openQueue(options);
  const pass = receivePass(sqs, url, { ...passOptions, ...options.pass });
  try {
    const result = await body(pass, sqs, url).catch(async (error: unknown) => {
      await pass.release().catch(() => 0);
      throw error;
    });
    const unreleased = await pass.release();
    return { ...result, queueUrl: url, seen: pass.seen, ended: pass.ended, unreleased };
  } finally {
    sqs.client.destroy();
  }
}

/**
 * Lists the dead-letter queue: up to `max` messages, each received once and made visible again.
 *
 * @example
 * const { messages, ended } = await listAwsDeadLetters({ root, config: 'serverless.yml', functionKey: 'orders' });
 */
export async function listAwsDeadLetters(options: AwsDlqOptions, max = 100) {
  return overPass(
    options,
    async (pass, sqs, url) => {
      const before = await approximateCount(sqs, url);
      const messages: DlqMessage[] = [];
      for (let batch = await pass.next(); batch.length > 0; batch = await pass.next())
        messages.push(...batch.map(readDlqMessage));
      return { messages, before };
    },
    { max },
  );
}

/** The messages named `id` (message id or CloudEvent id); a pass stops at a message-id match. */
export async function showAwsDeadLetter(options: AwsDlqOptions, id: string) {
  const found = await overPass(
    options,
    async (pass) => {
      const matches: DlqMessage[] = [];
      for (let batch = await pass.next(); batch.length > 0; batch = await pass.next()) {
        matches.push(...batch.map(readDlqMessage).filter((m) => isMessageNamed(m, id)));
        if (matches.some((m) => m.messageId === id)) break;
      }
      return { matches };
    },
    { max: 1000 },
  );
  if (found.matches.length === 0)
    throw new TriggerError(
      'E_CONFIG',
      `No message "${id}" among the ${found.seen} seen in ${found.queueUrl} (${PASS_ENDS[found.ended ?? 'empty']}); SQS may hold it out of sight (in flight elsewhere, delayed, or not sampled): run again, or see \`triggerkit dlq list --aws\`.`,
      { path: id },
    );
  return found;
}
