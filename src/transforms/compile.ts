/**
 * Transforms reshape `event.data` before validation and the handler. This first cut takes a plain
 * function; the EventBridge and Alibaba transform forms compile to the same signature.
 */
import type { CloudEvent } from '../cloud-event.js';
import { TriggerError } from '../errors.js';

/** A compiled transform: the new `data` for the event. */
export type Transform = (event: CloudEvent) => unknown;

/** A transform as users write it. */
export type TransformSpec = (event: CloudEvent) => unknown;

/**
 * Compiles a transform spec once. Throws `TriggerError` `E_TRANSFORM_INVALID` for a spec it cannot use.
 *
 * @example
 * const toSummary = compileTransform((event) => ({ id: event.id, total: (event.data as { total: number }).total }));
 */
export function compileTransform(spec: TransformSpec, where = 'transform'): Transform {
  if (typeof spec !== 'function') {
    throw new TriggerError(
      'E_TRANSFORM_INVALID',
      `\`${where}\` must be a function (event) => data, got ${typeof spec}.`,
      {
        path: where,
      },
    );
  }
  return spec;
}
