/**
 * One leaf of a filter, translated for the platform that evaluates it before invoking the function: an
 * EventBridge rule or a Lambda event source mapping. A leaf is an OR of matchers, so one matcher the
 * platform cannot evaluate *identically or more broadly* drops the whole leaf (never just that matcher).
 *
 * What is not pushed, and why:
 * - `equals-ignore-case` and the ignore-case `prefix`/`suffix` (also inside `anything-but`): our folding
 *   (JavaScript's full case mapping, `straße` = `STRASSE`) and event-ruler's differ on a few characters.
 * - an exact string that is an IPv6 address (event-ruler compares it as an address, a quirk AWS may not share).
 * - numbers: AWS documents numeric matching only between -1e9 and 1e9 (later -5e9…5e9) "with 15 digits of
 *   precision, or six digits to the right of the decimal point"; so a numeric range is pushed only when
 *   both bounds lie within ±1e9, with its bounds made inclusive (precision can only round a value onto
 *   the bound, never across it), an exact number only within ±1e9 (on Lambda as `numeric =`, since Lambda
 *   compares number literals as text: `300` ≠ `300.0`), `anything-but` numbers never.
 * - Lambda only: `wildcard`, `cidr`, and `anything-but` with `prefix`/`suffix`/`wildcard` (not in Lambda's
 *   operator table; EventBridge lists the `anything-but` forms as "event bus: yes, pipes: no").
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#filtering-numeric-matching
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
 */
import { isUriReference } from '../cloud-event-strings.js';
import { ipv6Groups } from '../rules/ip.js';
import { globComplexity, parseGlob } from '../rules/wildcard.js';
import type { LeafRule, RewriteContext } from './push-down-rewrite.js';

/** The platform that evaluates the pushed-down pattern. */
export type PushTarget = 'eventbridge' | 'lambda';

/** AWS's documented numeric range (the older, narrower one: the newer says ±5e9). */
export const NUMERIC_LIMIT = 1e9;
/** The wildcard complexity compilePattern accepts by default (AWS rejects "Rule is too complex"). */
const WILDCARD_COMPLEXITY = 9;
/** Characters the normalizer never percent-encodes in a `source`. */
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

type Matchers = unknown[] | undefined;

/**
 * Translates one leaf (an aws-dialect matcher list) for `target`; `undefined` when it cannot be pushed.
 *
 * @example
 * translateLeaf([{ numeric: ['>', 0, '<', 100] }], {}, 'lambda', ctx) // [{ numeric: ['>=', 0, '<=', 100] }]
 * translateLeaf([{ wildcard: '*.png' }], {}, 'lambda', ctx)           // undefined
 */
export function translateLeaf(
  values: readonly unknown[],
  rule: LeafRule,
  target: PushTarget,
  ctx: RewriteContext,
): unknown[] | undefined {
  const out: unknown[] = [];
  for (const m of values) {
    if (isExists(m, false) && (rule.nullable || rule.anyElement)) return undefined;
    const translated = matcher(m, rule, target, ctx);
    if (translated === undefined) return undefined;
    out.push(...translated);
  }
  // The platform tests any element of the list; the CloudEvent kept only the first.
  if (rule.anyElement) ctx.exact = false;
  return out;
}

const isExists = (m: unknown, value: boolean) =>
  typeof m === 'object' && m !== null && (m as Record<string, unknown>).exists === value;

function matcher(m: unknown, rule: LeafRule, target: PushTarget, ctx: RewriteContext): Matchers {
  if (typeof m === 'string') return exactString(m, rule, ctx);
  if (typeof m === 'number') return exactNumber(m, target, ctx);
  if (typeof m === 'boolean' || m === null) return [m];
  const [op, v] = Object.entries(m as Record<string, unknown>)[0] ?? [];
  switch (op) {
    case 'prefix':
      if (typeof v !== 'string' || (rule.uri && v.includes('%'))) return undefined;
      if (rule.uri && !UNRESERVED.test(v)) ctx.exact = false;
      return [m];
    case 'suffix':
      return typeof v === 'string' && !rule.uri ? [m] : undefined;
    case 'wildcard':
      return target === 'eventbridge' && !rule.uri && simpleGlob(v) ? [m] : undefined;
    case 'cidr':
      return target === 'eventbridge' ? [m] : undefined;
    case 'exists':
      return [m];
    case 'numeric':
      return numeric(v, ctx);
    case 'anything-but':
      return rule.anyElement ? undefined : anythingBut(v, rule, target);
    default:
      // equals-ignore-case, and anything this module does not know.
      return undefined;
  }
}

function exactString(m: string, rule: LeafRule, ctx: RewriteContext): Matchers {
  if (m.includes(':') && ipv6Groups(m) !== undefined) return undefined;
  if (rule.uri) {
    // A `source` the normalizer percent-encoded holds a `%` the platform's source does not have.
    if (m.includes('%')) return undefined;
    if (!isUriReference(m)) ctx.exact = false;
  }
  return [m];
}

function exactNumber(m: number, target: PushTarget, ctx: RewriteContext): Matchers {
  if (Math.abs(m) > NUMERIC_LIMIT) return undefined;
  ctx.exact = false;
  return target === 'lambda' ? [{ numeric: ['=', m] }] : [m];
}

function numeric(v: unknown, ctx: RewriteContext): Matchers {
  if (!Array.isArray(v)) return undefined;
  const inRange = (n: unknown): n is number => typeof n === 'number' && Math.abs(n) <= NUMERIC_LIMIT;
  ctx.exact = false;
  if (v.length === 2 && v[0] === '=' && inRange(v[1])) return [{ numeric: ['=', v[1]] }];
  if (v.length === 4 && inRange(v[1]) && inRange(v[3])) return [{ numeric: ['>=', v[1], '<=', v[3]] }];
  // One bound: the other side is unbounded, past what AWS documents it can compare.
  return undefined;
}

function anythingBut(v: unknown, rule: LeafRule, target: PushTarget): Matchers {
  if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
    const excluded = (typeof v === 'string' ? [v] : v) as string[];
    if (excluded.some((x) => x.includes(':') && ipv6Groups(x) !== undefined)) return undefined;
    // A source that is no URI-reference is encoded before we compare: the platform would exclude it, we not.
    if (rule.uri && !excluded.every(isUriReference)) return undefined;
    return [{ 'anything-but': target === 'lambda' ? excluded : v }];
  }
  if (target === 'lambda' || rule.uri || typeof v !== 'object' || v === null || Array.isArray(v))
    return undefined;
  const [form, texts] = Object.entries(v)[0] ?? [];
  if (form === 'prefix' || form === 'suffix') return [{ 'anything-but': v }];
  if (form === 'wildcard') {
    const list = typeof texts === 'string' ? [texts] : texts;
    return Array.isArray(list) && list.every(simpleGlob) ? [{ 'anything-but': v }] : undefined;
  }
  return undefined;
}

function simpleGlob(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  return globComplexity(parseGlob(text, ''), WILDCARD_COMPLEXITY) <= WILDCARD_COMPLEXITY;
}
