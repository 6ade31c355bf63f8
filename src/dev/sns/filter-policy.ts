/**
 * SNS subscription filter policies, compiled by the project's EventBridge pattern compiler: SNS filter
 * policies are the same matching family (exact values, `prefix`, `suffix`, `anything-but`, `numeric`,
 * `exists`, `equals-ignore-case`, `cidr`, `$or`). What SNS does differently is handled here:
 *
 * - scope `MessageAttributes` (the default) matches the message attributes, flat (no nesting): a String
 *   is a string, a Number compares as a number, a String.Array matches when any element does, and
 *   Binary attributes are ignored (as if absent);
 * - scope `MessageBody` matches the message as JSON (nesting allowed); a message that is not a JSON
 *   object matches no policy;
 * - SNS's limits and operator set are checked when the policy is set (Subscribe, SetSubscriptionAttributes):
 *   at most 5 keys, at most 150 value combinations, numbers within ±1e9, 256 KB, no `wildcard`.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
 */
import { isTriggerError } from '../../errors.js';
import { compilePattern, type Matcher } from '../../rules/compile-pattern.js';
import { isObject } from '../../sources/types.js';
import { faults, type SnsAttributes } from './wire.js';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';
export const SCOPES: readonly FilterPolicyScope[] = ['MessageAttributes', 'MessageBody'];

/** What a policy looks at: the message delivered to the subscription and the message attributes. */
export interface PolicySubject {
  readonly message: string;
  readonly attributes: SnsAttributes;
}

export interface FilterPolicy {
  matches(subject: PolicySubject): boolean;
}

const MAX_BYTES = 256 * 1024;
const MAX_KEYS = 5;
const MAX_COMBINATIONS = 150;
const MAX_NUMBER = 1e9;
const OPERATORS = new Set([
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'equals-ignore-case',
]);
/**
 * The policy is compiled one level down, under this key: the compiler reads EventBridge envelope keys
 * (`detail`, `version`, `resources`…) specially at the top level, and an SNS attribute may bear those names.
 */
const ROOT = 'FilterPolicy';
const ALL: FilterPolicy = { matches: () => true };

const invalid = (reason: string) => faults.invalid(`FilterPolicy: ${reason}`);

/**
 * Compiles a filter policy (its JSON text) for a scope; throws `InvalidParameter` saying what is wrong.
 *
 * @example
 * compileFilterPolicy('{"store":["eu"],"price":[{"numeric":[">",10]}]}', 'MessageAttributes')
 *   .matches({ message: '…', attributes: { store: { Type: 'String', Value: 'eu' }, price: { Type: 'Number', Value: '12' } } }) // true
 */
export function compileFilterPolicy(text: string, scope: FilterPolicyScope): FilterPolicy {
  if (Buffer.byteLength(text) > MAX_BYTES) throw invalid(`the policy is over ${MAX_BYTES / 1024} KB`);
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw invalid('failed to parse JSON; write a JSON object such as {"store":["example_corp"]}');
  }
  if (!isObject(policy)) throw invalid('the policy must be a JSON object such as {"store":["example_corp"]}');
  if (Object.keys(policy).length === 0) return ALL;
  check(policy, '', scope);
  const keys = countKeys(policy);
  if (keys > MAX_KEYS)
    throw invalid(`Filter policy can not have more than ${MAX_KEYS} keys (it has ${keys})`);
  const combinations = combinationsOf(policy);
  if (combinations > MAX_COMBINATIONS)
    throw invalid(
      `Filter policy is too complex: ${combinations} value combinations, over the limit of ${MAX_COMBINATIONS}`,
    );
  let matcher: Matcher;
  try {
    matcher = compilePattern({ [ROOT]: policy }, { maxPatternLength: Number.POSITIVE_INFINITY });
  } catch (error) {
    if (!isTriggerError(error)) throw error;
    throw invalid(
      error.message.replace(/^Invalid event pattern: pattern field `FilterPolicy\.?([^`]*)`/, 'field `$1`'),
    );
  }
  return scope === 'MessageBody'
    ? { matches: (s) => matchesBody(matcher, s.message) }
    : { matches: (s) => matcher.matches({ [ROOT]: attributeView(s.attributes) }) };
}

function matchesBody(matcher: Matcher, message: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    return false;
  }
  return isObject(body) && matcher.matches({ [ROOT]: body });
}

/** The attributes as the policy sees them: typed values, String.Array as a list, no Binary. */
function attributeView(attributes: SnsAttributes): Record<string, unknown> {
  const view: Record<string, unknown> = Object.create(null);
  for (const [name, { Type, Value }] of Object.entries(attributes)) {
    if (Type === 'String') view[name] = Value;
    else if (Type === 'Number') view[name] = Number(Value);
    else if (Type === 'String.Array') view[name] = JSON.parse(Value) as unknown;
  }
  return view;
}

/** SNS's structural rules, beyond what the pattern compiler checks. */
function check(node: Record<string, unknown>, path: string, scope: FilterPolicyScope): void {
  for (const [key, value] of Object.entries(node)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (key === '$or' && Array.isArray(value)) {
      for (const branch of value) if (isObject(branch)) check(branch, path, scope);
    } else if (Array.isArray(value)) {
      for (const element of value) checkValue(element, here);
    } else if (isObject(value) && scope === 'MessageAttributes') {
      throw invalid(
        `\`${here}\` holds an object, but a policy on message attributes is flat (each key an attribute name with a list of values); to match nested fields of the message set FilterPolicyScope to MessageBody`,
      );
    } else if (isObject(value)) check(value, here, scope);
  }
}

function checkValue(value: unknown, path: string): void {
  if (typeof value === 'number' && Math.abs(value) > MAX_NUMBER)
    throw invalid(`\`${path}\`: the number ${value} is outside SNS's range of -1e9 to 1e9`);
  if (Array.isArray(value)) for (const v of value) checkValue(v, path);
  if (!isObject(value)) return;
  for (const [operator, operand] of Object.entries(value)) {
    if (!OPERATORS.has(operator))
      throw invalid(
        `\`${path}\`: unrecognized match type "${operator}"; SNS filter policies take ${[...OPERATORS].join(', ')}`,
      );
    if ((operator === 'prefix' || operator === 'suffix') && typeof operand !== 'string')
      throw invalid(`\`${path}\`: the value of \`${operator}\` must be a string`);
    if (operator === 'anything-but' && isObject(operand)) {
      const [form, ...more] = Object.keys(operand);
      if (more.length > 0 || (form !== 'prefix' && form !== 'suffix') || typeof operand[form] !== 'string')
        throw invalid(
          `\`${path}\`: inside \`anything-but\` SNS takes a value, a list of values, { "prefix": "…" } or { "suffix": "…" }`,
        );
    }
    if (operator === 'numeric' || operator === 'anything-but') checkValue(operand, path);
  }
}

/**
 * The keys SNS counts: the top-level ones (with those of top-level `$or` alternatives). A policy on
 * attributes is flat, so that is every attribute it names; nested keys of a body policy do not count.
 */
function countKeys(policy: Record<string, unknown>): number {
  const names = new Set<string>();
  const collect = (node: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or' && Array.isArray(value)) for (const b of value) isObject(b) && collect(b);
      else names.add(key);
    }
  };
  collect(policy);
  return names.size;
}

/** The product of the lengths of the value lists (an `$or` adds its alternatives' combinations). */
function combinationsOf(node: Record<string, unknown>): number {
  let total = 1;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$or' && Array.isArray(value))
      total *= value.reduce((sum: number, b) => sum + (isObject(b) ? combinationsOf(b) : 0), 0);
    else if (Array.isArray(value)) total *= value.length;
    else if (isObject(value)) total *= combinationsOf(value);
  }
  return total;
}
