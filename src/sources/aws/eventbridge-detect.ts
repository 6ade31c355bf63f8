/** The EventBridge envelope, without its normalizer: also looked for inside SQS and SNS bodies. */
import { isObject, type JsonObject } from '../types.js';

/** `version: "0"`, a string `detail-type` and a `detail`: the EventBridge envelope. */
export function isEventBridgeEvent(value: unknown): value is JsonObject {
  return (
    isObject(value) && value.version === '0' && typeof value['detail-type'] === 'string' && 'detail' in value
  );
}
