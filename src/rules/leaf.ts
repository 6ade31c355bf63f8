/**
 * Compiles a leaf's matcher specs into one test. Exact values go through sets (AWS: by type, numbers by
 * value, IPv6 strings as addresses; Alibaba: by text, type-blind); the other matchers are ORed after them.
 * @see ../../docs/patterns.md#what-a-field-matches
 */
import { alibabaText } from './anything-but.js';
import { ipv6Groups, sameIPv6 } from './ip.js';
import type { MatcherSpec, PatternDialect, Scalar } from './types.js';

/** A compiled leaf condition. */
export interface Leaf {
  /** Does this scalar satisfy some matcher? */
  readonly accepts: (v: Scalar) => boolean;
  /** True when the leaf holds for a field with no value (it has `exists: false`). */
  readonly onMissing: boolean;
  readonly matchers: readonly MatcherSpec[];
}

type Test = (v: Scalar) => boolean;

/** Builds the leaf test for a dialect. */
export function compileLeaf(matchers: readonly MatcherSpec[], dialect: PatternDialect): Leaf {
  const tests: Test[] = [];
  let onMissing = false;
  let anyValue = false;
  const exact: Scalar[] = [];
  for (const m of matchers) {
    if (m.kind === 'exact') exact.push(m.value);
    else if (m.kind === 'exists') {
      if (m.value) anyValue = true;
      else onMissing = true;
    } else tests.push(m.test);
  }
  const exactTest = dialect === 'aws' ? awsExact(exact) : alibabaExact(exact);
  if (exactTest !== undefined) tests.unshift(exactTest);
  return { accepts: anyValue ? () => true : any(tests), onMissing, matchers };
}

function any(tests: readonly Test[]): Test {
  const [a, b] = tests;
  if (a === undefined) return () => false;
  if (b === undefined) return a;
  if (tests.length === 2) return (v) => a(v) || b(v);
  return (v) => {
    for (const test of tests) if (test(v)) return true;
    return false;
  };
}

function awsExact(values: readonly Scalar[]): Test | undefined {
  if (values.length === 0) return undefined;
  const strings = new Set<string>();
  const numbers = new Set<number>();
  const literals = new Set<boolean | null>();
  const addresses: Uint16Array[] = [];
  for (const v of values) {
    if (typeof v === 'string') {
      strings.add(v);
      // event-ruler compares a string that is an IP address as an address: "2001:db8::1" = "2001:0db8:0:0:0:0:0:1".
      const groups = v.includes(':') ? ipv6Groups(v) : undefined;
      if (groups !== undefined) addresses.push(groups);
    } else if (typeof v === 'number') numbers.add(v);
    else literals.add(v);
  }
  if (values.length === 1 && addresses.length === 0) {
    const only = values[0];
    return (v) => v === only;
  }
  return (v) => {
    if (typeof v === 'string') {
      if (strings.has(v)) return true;
      if (addresses.length > 0 && v.includes(':')) {
        for (const groups of addresses) if (sameIPv6(v, groups)) return true;
      }
      return false;
    }
    return typeof v === 'number' ? numbers.has(v) : literals.has(v);
  };
}

function alibabaExact(values: readonly Scalar[]): Test | undefined {
  if (values.length === 0) return undefined;
  // rocketmq-eventbridge EqualCondition compares Gson getAsString(): 5 = "5", true = "true"; null only null.
  const texts = new Set<string>();
  let nullAllowed = false;
  for (const v of values) {
    const text = alibabaText(v);
    if (text === undefined) nullAllowed = true;
    else texts.add(text);
  }
  return (v) => (v === null ? nullAllowed : texts.has(alibabaText(v) as string));
}
