/**
 * An alibaba-dialect leaf as aws-dialect matchers that accept at least what it accepts, so an alibaba
 * filter can be pushed down to AWS like any other (never exactly: the dialects differ in too many
 * corners). Alibaba compares exact values and `anything-but` exclusions as text, ANDs numeric pairs with
 * a 1e-7 equality tolerance, excludes a block's network and broadcast addresses, and does not look into
 * arrays of objects (so `exists: false` below the top level may hold where AWS's would not).
 * @see ../../docs/patterns.md#the-alibaba-dialect
 */
import { alibabaText } from '../rules/anything-but.js';
import type { LeafRule, RewriteContext } from './push-down-rewrite.js';

const TOLERANCE = 1e-7;

/**
 * The aws-dialect superset of one alibaba leaf; `undefined` when there is none worth pushing.
 *
 * @example
 * alibabaToAws(['5'], {}, ctx)                  // ['5', 5]: Alibaba's "5" also matches the number 5
 * alibabaToAws([{ contains: 'err' }], {}, ctx)  // [{ wildcard: '*err*' }]
 */
export function alibabaToAws(
  values: readonly unknown[],
  rule: LeafRule,
  ctx: RewriteContext,
): unknown[] | undefined {
  ctx.exact = false;
  const out: unknown[] = [];
  for (const m of values) {
    const translated = matcher(m, rule);
    if (translated === undefined) return undefined;
    out.push(...translated);
  }
  return out;
}

function matcher(m: unknown, rule: LeafRule): unknown[] | undefined {
  if (typeof m === 'string') return [m, ...textTwins(m)];
  if (typeof m === 'number' || typeof m === 'boolean') return [m, alibabaText(m)];
  if (m === null) return [null];
  const [op, v] = Object.entries(m as Record<string, unknown>)[0] ?? [];
  switch (op) {
    case 'prefix':
    case 'suffix':
      return [m];
    case 'contains':
      return typeof v === 'string' ? [{ wildcard: `*${v.replace(/[\\*]/g, '\\$&')}*` }] : undefined;
    case 'exists':
      // Alibaba reads no field through an array of objects: there, only an attribute is surely absent alike.
      return v === false && !rule.attribute ? undefined : [m];
    case 'anything-but':
      return anythingBut(v);
    case 'numeric':
      return numeric(v);
    case 'cidr':
      return cidr(v);
    default:
      return undefined;
  }
}

/** The non-string values whose Alibaba text is `s`: `"5"` also matches 5, `"true"` also matches true. */
function textTwins(s: string): unknown[] {
  const twins: unknown[] = [];
  const n = s.trim() === '' ? Number.NaN : Number(s);
  if (Number.isFinite(n) && String(n) === s) twins.push(n);
  if (s === 'true' || s === 'false') twins.push(s === 'true');
  return twins;
}

/** AWS excludes only what it types alike, so keeping the string exclusions excludes no more than Alibaba. */
function anythingBut(v: unknown): unknown[] | undefined {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return [{ 'anything-but': v }];
  const items = Array.isArray(v) ? v : [v];
  const strings = items.filter((x): x is string => typeof x === 'string');
  return strings.length === 0 ? undefined : [{ 'anything-but': strings }];
}

/** The interval the ANDed pairs allow (`!=` ignored), widened by the equality tolerance. */
function numeric(v: unknown): unknown[] | undefined {
  if (!Array.isArray(v)) return undefined;
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  for (let i = 0; i + 1 < v.length; i += 2) {
    const [op, n] = [v[i], v[i + 1]];
    if (typeof n !== 'number') return undefined;
    if (op === '=' || op === '>=' || op === '>') lo = Math.max(lo, n - TOLERANCE);
    if (op === '=' || op === '<=' || op === '<') hi = Math.min(hi, n + TOLERANCE);
  }
  if (!(lo < hi)) return undefined;
  if (lo === Number.NEGATIVE_INFINITY && hi === Number.POSITIVE_INFINITY) return undefined;
  if (lo === Number.NEGATIVE_INFINITY) return [{ numeric: ['<=', hi] }];
  if (hi === Number.POSITIVE_INFINITY) return [{ numeric: ['>=', lo] }];
  return [{ numeric: ['>=', lo, '<=', hi] }];
}

/** AWS's block holds Alibaba's (plus the two addresses Alibaba leaves out); a single address is not pushed. */
function cidr(v: unknown): unknown[] | undefined {
  if (typeof v !== 'string') return undefined;
  const [, bits] = v.split('/');
  return bits !== undefined && Number(bits) < 32 ? [{ cidr: v }] : undefined;
}
