/**
 * A handler's filter matches the normalized CloudEvent, whose top level holds only context attributes —
 * and CloudEvents attribute names are lower-case letters and digits. A top-level key that cannot be an
 * attribute (`orderId`, `order_id`) is a payload field written one level too high: it would never match.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#attribute-naming-convention
 */
import { invalidPattern, isPlainObject } from './pattern-error.js';

const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
/** Top-level keys that are no attribute yet mean something: `$or`, EventBridge's `detail-type`. */
const ALLOWED = new Set(['$or', 'detail-type']);

/**
 * Throws `E_RULE_INVALID` for a top-level key of `pattern` (or of a top-level `$or` branch) that cannot
 * be a CloudEvent attribute, saying that payload fields go under `data`.
 *
 * @example
 * checkEventPatternKeys({ orderId: ['1'] });
 * // throws: … pattern field `orderId`: "orderId" is no CloudEvent attribute …; write { "data": { "orderId": ["1"] } }.
 */
export function checkEventPatternKeys(pattern: unknown, label = ''): void {
  if (!isPlainObject(pattern)) return;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      value.forEach((branch, i) => {
        checkEventPatternKeys(branch, `${label}$or[${i}].`);
      });
      continue;
    }
    if (ATTRIBUTE_NAME.test(key) || ALLOWED.has(key)) continue;
    throw invalidPattern(
      `${label}${key}`,
      `"${key}" is no CloudEvent attribute (their names are lower-case letters and digits), so it never matches; ` +
        `payload fields go under \`data\`: write { "data": { ${JSON.stringify(key)}: ${short(value)} } }`,
    );
  }
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? '[ … ]';
  return text.length > 60 ? '[ … ]' : text;
}
