/** The EventBridge envelope, without its normalizer: also looked for inside SQS and SNS bodies. */
import { isObject, type JsonObject } from '../types.js';

/**
 * A string `detail-type` and a `detail`, with `version: "0"` — or, where a tool left `version` out, a
 * string `source` and `id` instead: the EventBridge envelope.
 */
export function isEventBridgeEvent(value: unknown): value is JsonObject {
  return (
    isObject(value) &&
    typeof value['detail-type'] === 'string' &&
    'detail' in value &&
    (value.version === '0' ||
      (value.version === undefined && typeof value.source === 'string' && typeof value.id === 'string'))
  );
}
