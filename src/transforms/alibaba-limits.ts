/**
 * Alibaba Cloud EventBridge's size limits on transforms: a constant, a template and each extracted value
 * are at most 10,240 characters.
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-transformation
 */
import { TriggerError } from '../errors.js';

export const ALIBABA_VALUE_MAX = 10_240;

/** Alibaba limits each extracted value to 10,240 characters (strings by length, others as JSON text). */
export function checkLength(value: unknown, where: string, what: string): unknown {
  if (!exceeds(value, ALIBABA_VALUE_MAX)) return value;
  throw new TriggerError(
    'E_TRANSFORM_FAILED',
    `\`${where}\`: ${what} is longer than ${ALIBABA_VALUE_MAX} characters, Alibaba EventBridge's limit for one value`,
    { path: where },
  );
}

/** Whether the value's JSON text would exceed `limit` characters; stops counting as soon as it does. */
function exceeds(value: unknown, limit: number): boolean {
  if (typeof value === 'string') return value.length > limit;
  let budget = limit;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') budget -= item.length + 2;
    else if (typeof item !== 'object' || item === null) budget -= String(item).length;
    else if (Array.isArray(item)) {
      budget -= 2 + item.length;
      if (budget < 0) return true;
      for (const element of item) stack.push(element);
    } else {
      const keys = Object.keys(item);
      budget -= 2 + keys.length;
      for (const key of keys) {
        budget -= key.length + 3;
        if (budget < 0) return true;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
    if (budget < 0) return true;
  }
  return false;
}
