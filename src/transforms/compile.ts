/**
 * Transforms reshape an event into the `data` the handler receives (attributes are kept). A transform is
 * written in a platform's own shape — an EventBridge target input (`InputTransformer`, `InputPath`,
 * `Input`), an Alibaba EventBridge transform (`form: ORIGINAL | JSONPATH | CONSTANT | TEMPLATE`) — or as a
 * plain function, and is compiled once, at definition time.
 * @see ../../docs/transforms.md
 */
import type { CloudEvent } from '../cloud-event.js';
import { isTriggerError, TriggerError } from '../errors.js';
import { type AlibabaTransformSpec, compileAlibaba, isAlibabaTransform } from './alibaba.js';
import {
  type AwsTargetInput,
  compileAwsTargetInput,
  isAwsTargetInput,
  type TransformContext,
} from './aws-input-transformer.js';
import { describe } from './jsonpath.js';

export type { AlibabaForm, AlibabaTransformSpec } from './alibaba.js';
export type { AwsInputTransformer, AwsTargetInput, TransformContext } from './aws-input-transformer.js';

/** A transform written as code: gets the CloudEvent, returns the new `data`. */
export type TransformFunction = (event: CloudEvent, context?: TransformContext) => unknown;

/** A transform as users write it: a function, an EventBridge target input or an Alibaba transform. */
export type TransformSpec = TransformFunction | AwsTargetInput | AlibabaTransformSpec;

/**
 * A compiled transform: a pure function from an event (a CloudEvent, or any JSON event) to the new `data`.
 * It never mutates the event and throws nothing but `TriggerError` `E_TRANSFORM_FAILED`.
 */
export type Transform = (event: unknown, context?: TransformContext) => unknown;

type Run = (event: unknown, context?: TransformContext) => unknown;

/**
 * Compiles a transform spec once. Throws `TriggerError` `E_TRANSFORM_INVALID` (with `path` = where) for a
 * spec it cannot use, saying where, why and how to fix it.
 *
 * @example
 * const toSummary = compileTransform({
 *   InputTransformer: {
 *     InputPathsMap: { id: '$.detail.orderId', total: '$.detail.total' },
 *     InputTemplate: '{"orderId": <id>, "total": <total>}',
 *   },
 * });
 * toSummary(orderPlacedCloudEvent); // → { orderId: 'ord-4001', total: 310 }
 */
export function compileTransform(spec: TransformSpec, where = 'transform'): Transform {
  const run = compileRun(spec, where);
  return (event, context) => {
    try {
      return run(event, context);
    } catch (error) {
      throw transformFailed(error, where, event);
    }
  };
}

function compileRun(spec: unknown, where: string): Run {
  if (typeof spec === 'function') {
    const fn = spec as TransformFunction;
    return (event, context) => fn(event as CloudEvent, context);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new TriggerError('E_TRANSFORM_INVALID', `\`${where}\` ${SHAPES}, got ${describe(spec)}.`, {
      path: where,
    });
  }
  const fields = spec as Readonly<Record<string, unknown>>;
  if (isAlibabaTransform(fields)) return compileAlibaba(fields, where);
  if (isAwsTargetInput(fields)) return compileAwsTargetInput(fields, where);
  const keys = Object.keys(fields).join(', ') || 'no keys';
  throw new TriggerError('E_TRANSFORM_INVALID', `\`${where}\` ${SHAPES}; got an object with ${keys}.`, {
    path: where,
  });
}

const SHAPES =
  "must be a function (event) => data, an EventBridge target input ({ InputTransformer: { InputPathsMap, InputTemplate } }, { InputPath: '$.detail' } or { Input: '…' }) or an Alibaba transform ({ form: 'TEMPLATE', value, template }, 'JSONPATH', 'CONSTANT' or 'ORIGINAL')";

/** Whatever went wrong on an event becomes one `E_TRANSFORM_FAILED`: non-retryable, dead-lettered. */
function transformFailed(error: unknown, where: string, event: unknown): TriggerError {
  if (isTriggerError(error) && error.code === 'E_TRANSFORM_FAILED') return error;
  const eventId = eventIdOf(event);
  const message = error instanceof Error ? error.message : safeString(error);
  return new TriggerError('E_TRANSFORM_FAILED', `\`${where}\` failed: ${message}`, {
    cause: error,
    path: where,
    ...(eventId === undefined ? {} : { eventId }),
  });
}

function eventIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || !Object.hasOwn(event, 'id')) return undefined;
  const id = (event as { id: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return describe(value);
  }
}
