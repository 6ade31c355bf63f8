/**
 * What `triggerkit build` gives a bundle in place of idempotency (`delivery/idempotency.ts` and the
 * DynamoDB store of `runtime/aws-lambda/dynamodb-idempotency.ts`, with the JSONPath reader and
 * `node:crypto` they bring) when no handler defined as the module loaded declares `idempotency` (see
 * `src/build/prune.ts`). A handler without it never reaches these: `idempotencyRuntime` answers "none"
 * as the real one does; declaring `idempotency` on a handler defined later is a configuration error,
 * thrown at definition time like any other.
 */
import type { CompiledDefinition } from './definition.js';
import type { IdempotencyStore, ResolvedIdempotency } from './delivery/idempotency.js';
import { TriggerError } from './errors.js';
import type { PipelineRuntime } from './pipeline.js';

export const MAX_RESULT_CHARS = 65_536;

export const IDEMPOTENCY_ENV = Object.freeze({
  table: 'TRIGGERKIT_IDEMPOTENCY_TABLE',
  endpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
});

const NONE: PipelineRuntime = Object.freeze({});

export function idempotencyRuntime(definition: CompiledDefinition): PipelineRuntime {
  if (definition.idempotency === undefined) return NONE;
  throw leftOut('idempotency');
}

export function resolveIdempotency(_option: unknown, where = 'idempotency'): ResolvedIdempotency {
  throw leftOut(where);
}

export function recordKey(_handler: string, _key: string): string {
  throw leftOut('idempotency');
}

export function storedResult(_result: unknown): string | undefined {
  throw leftOut('idempotency');
}

export function newToken(): string {
  throw leftOut('idempotency');
}

export function createMemoryIdempotencyStore(): IdempotencyStore {
  throw leftOut('idempotency');
}

export function createDynamoIdempotencyStore(): IdempotencyStore {
  throw leftOut('idempotency');
}

function leftOut(path: string): TriggerError {
  return new TriggerError(
    'E_CONFIG',
    `\`${path}\` needs idempotency, which \`triggerkit build\` left out of this bundle: no handler defined when ` +
      'the module loaded declared `idempotency`. Define the handler when the module loads (export const handler = defineHandler({ … })), then rebuild.',
    { path },
  );
}
