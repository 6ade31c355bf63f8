/**
 * `triggerkit transform --transform <json|@file> --event <json|@file>`: shows what a handler would get as
 * `data`. The CLI reads the files; this function stays pure.
 * @see ../../docs/transforms.md#trying-a-transform
 */
import { TriggerError } from '../errors.js';
import type { TransformContext } from './aws-input-transformer.js';
import { compileTransform, type TransformSpec } from './compile.js';

/**
 * Runs a transform on one event and returns what the CLI prints: a string output as it is (string
 * templates, constants), nothing for a missing path, anything else as indented JSON. Each argument is a
 * parsed JSON value or its JSON text. Throws `TriggerError`: `E_TRANSFORM_INVALID` for a bad transform,
 * `E_SOURCE_INVALID` for an event that is not JSON, `E_TRANSFORM_FAILED` when the transform fails on it.
 *
 * @example
 * runTransformCommand('{"InputPath":"$.detail.state"}', ec2StateChangeJson) // 'RUNNING'
 */
export function runTransformCommand(
  transformJson: unknown,
  eventJson: unknown,
  context?: TransformContext,
): string {
  const spec = parseArgument(transformJson, '--transform', 'E_TRANSFORM_INVALID');
  const event = parseArgument(eventJson, '--event', 'E_SOURCE_INVALID');
  const output = compileTransform(spec as TransformSpec, '--transform')(event, context);
  if (output === undefined) return '';
  if (typeof output === 'string') return output;
  return JSON.stringify(output, null, 2);
}

function parseArgument(
  value: unknown,
  flag: string,
  code: 'E_TRANSFORM_INVALID' | 'E_SOURCE_INVALID',
): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (cause) {
    throw new TriggerError(
      code,
      `\`${flag}\` is not JSON (${(cause as Error).message}); pass JSON text or @file with a .json file.`,
      { cause, path: flag },
    );
  }
}
