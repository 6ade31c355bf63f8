/**
 * The names of what the deploy plugin creates for a function, derived from the service, the stage and
 * the function's key in serverless.yml, so every tool that needs them (the plugin, `triggerkit dlq --aws`)
 * finds the same queue or table without reading a deployed stack.
 */

export interface FunctionAddress {
  /** serverless.yml `service`. */
  readonly service: string;
  /** The stage (`--stage`, else `provider.stage`, else `dev`). */
  readonly stage: string;
  /** The function's key under `functions:`. */
  readonly functionKey: string;
}

/** SQS caps queue names at 80 characters: letters, digits, `-` and `_` (`.fifo` aside). */
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

const base = (at: FunctionAddress) => `${at.service}-${at.stage}-${at.functionKey}`;

/**
 * The function's dead-letter queue: the queue its definition names (`deadLetter: { queue }`), or
 * `<service>-<stage>-<function>-dlq`.
 */
export function deadLetterQueueName(at: FunctionAddress, deadLetter?: { readonly queue: string }): string {
  return deadLetter !== undefined && QUEUE_NAME.test(deadLetter.queue) ? deadLetter.queue : `${base(at)}-dlq`;
}

/** The function's retry queue (it triggers the function; see docs/delivery.md): `<service>-<stage>-<function>-retry`. */
export function retryQueueName(at: FunctionAddress): string {
  return `${base(at)}-retry`;
}

/** The function's idempotency table: `<service>-<stage>-<function>-idempotency`. */
export function idempotencyTableName(at: FunctionAddress): string {
  return `${base(at)}-idempotency`;
}
