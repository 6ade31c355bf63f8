/** Alibaba Cloud EventBridge CloudEvents, without their normalizer: told apart from other CloudEvents. */
import { isObject, type JsonObject } from '../types.js';
import { isDtsCloudEvent } from './dts.js';

/** True for a CloudEvent from Alibaba Cloud EventBridge: it has `aliyun*` extensions, or is a DTS record. */
export function isAlibabaCloudEvent(value: unknown): value is JsonObject {
  if (!isObject(value) || typeof value.specversion !== 'string') return false;
  for (const name in value) if (name.startsWith('aliyun') && Object.hasOwn(value, name)) return true;
  return isDtsCloudEvent(value);
}
