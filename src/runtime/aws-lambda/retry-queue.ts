/**
 * The thin SDK shell over the retry plans: sends retry-queue messages and dead letters with
 * `@aws-sdk/client-sqs`. This is the only module that uses the SDK, and it loads it with `import()` on
 * the first send: no bundle evaluates (or carries) the SDK at cold start. In Lambda the Node.js runtime
 * provides it; offline it resolves from the project's `node_modules`. Configured from the environment
 * `serverless.yml` sets.
 */
import type { SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { toStructuredJson } from '../../cloud-event.js';
import type { DeadLetterEnvelope } from '../../delivery/dead-letter.js';
import { TriggerError } from '../../errors.js';
import { lazySdk } from './lazy-sdk.js';
import type { QueuedRetry } from './retry-plan.js';

type SqsSdk = typeof import('@aws-sdk/client-sqs');

const loadSqs = lazySdk<SqsSdk>('@aws-sdk/client-sqs');

/** The environment variables read by `retryQueueConfigFromEnv`. */
export const RETRY_QUEUE_ENV = Object.freeze({
  retryQueueUrl: 'TRIGGERKIT_RETRY_QUEUE_URL',
  deadLetterQueueUrl: 'TRIGGERKIT_DLQ_URL',
  /** The SDK's own variable for a service endpoint: set it to the emulator to stay offline. */
  endpoint: 'AWS_ENDPOINT_URL_SQS',
});

export interface RetryQueueConfig {
  readonly retryQueueUrl?: string;
  readonly deadLetterQueueUrl?: string;
  /** An SQS-compatible endpoint (the emulator's); default the AWS endpoint of the region. */
  readonly endpoint?: string;
  readonly region?: string;
}

export interface RetryQueue {
  /** Sends a retry (or a re-delay) to the retry queue; resolves to the SQS message id. */
  sendRetry(retry: QueuedRetry): Promise<string>;
  /** Sends the envelope to the dead-letter queue, its body `toStructuredJson(envelope)` exactly. */
  sendDeadLetter(envelope: DeadLetterEnvelope): Promise<string>;
}

/** Reads the queue URLs and endpoint from the environment (`process.env` by default). */
export function retryQueueConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RetryQueueConfig {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  return {
    retryQueueUrl: value(RETRY_QUEUE_ENV.retryQueueUrl),
    deadLetterQueueUrl: value(RETRY_QUEUE_ENV.deadLetterQueueUrl),
    endpoint: value(RETRY_QUEUE_ENV.endpoint),
    region: value('AWS_REGION') ?? value('AWS_DEFAULT_REGION'),
  };
}

/**
 * Creates the sender. The SQS client is made on first use, so a handler that never retries pays nothing
 * for it at cold start. A local `endpoint` without AWS credentials in the environment gets dummy ones:
 * the emulator does not check signatures, and nothing offline should reach for real credentials.
 *
 * @example
 * const queue = createRetryQueue(); // TRIGGERKIT_RETRY_QUEUE_URL, TRIGGERKIT_DLQ_URL
 * if (plan.kind === 'retry-queue') await queue.sendRetry(plan);
 * if (plan.kind === 'dead-letter') await queue.sendDeadLetter(plan.envelope);
 */
export function createRetryQueue(
  config: RetryQueueConfig = retryQueueConfigFromEnv(),
  client?: SQSClient,
  env: NodeJS.ProcessEnv = process.env,
): RetryQueue {
  let sqs: SQSClient | undefined = client;
  const sqsClient = ({ SQSClient }: SqsSdk) => {
    sqs ??= new SQSClient({
      ...(config.endpoint && { endpoint: config.endpoint }),
      region: config.region ?? (config.endpoint ? 'us-east-1' : undefined),
      ...(config.endpoint &&
        env.AWS_ACCESS_KEY_ID === undefined && {
          credentials: { accessKeyId: 'triggerkit', secretAccessKey: 'triggerkit' },
        }),
    });
    return sqs;
  };
  const urlOf = (url: string | undefined, variable: string, what: string) => {
    if (url) return url;
    throw new TriggerError(
      'E_CONFIG',
      `Cannot send ${what}: ${variable} is not set. Deploy the handler with its retry queue and dead-letter queue (serverless.yml sets ${variable}), or set it to a queue URL.`,
      { path: variable },
    );
  };
  const send = async (input: SendMessageCommandInput) => {
    const loaded = await loadSqs();
    const output = await sqsClient(loaded).send(new loaded.SendMessageCommand(input));
    return output.MessageId ?? '';
  };

  return {
    async sendRetry(retry) {
      return send({
        QueueUrl: urlOf(config.retryQueueUrl, RETRY_QUEUE_ENV.retryQueueUrl, `retry ${retry.attempt}`),
        MessageBody: retry.body,
        DelaySeconds: retry.delaySeconds,
        MessageAttributes: { ...retry.attributes },
      });
    },
    async sendDeadLetter(envelope) {
      return send({
        QueueUrl: urlOf(
          config.deadLetterQueueUrl,
          RETRY_QUEUE_ENV.deadLetterQueueUrl,
          `dead letter for event ${envelope.id}`,
        ),
        MessageBody: toStructuredJson(envelope),
      });
    },
  };
}
