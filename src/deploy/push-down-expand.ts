/**
 * Lambda filter criteria are a list of patterns that are ORed, and we do not rely on `$or` inside one
 * (Lambda's operator table does not list it): a filter's `$or` becomes several patterns, and when there
 * are more than the mapping allows, patterns are merged into one that accepts what each accepted.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
import { isObject } from '../sources/types.js';
import { merge, type Pattern, type RewriteContext } from './push-down-rewrite.js';

/**
 * The `$or`-free alternatives of a pattern (its disjunctive normal form). The in-function compiler caps
 * the expansion of a valid filter at 1,024 alternatives.
 *
 * @example
 * expandOr({ source: ['a'], $or: [{ type: ['x'] }, { type: ['y'] }] }, ctx)
 * // → [{ source: ['a'], type: ['x'] }, { source: ['a'], type: ['y'] }]
 */
export function expandOr(node: Pattern, ctx: RewriteContext): Pattern[] {
  let alternatives: Pattern[] = [{}];
  for (const [key, value] of Object.entries(node)) {
    let parts: Pattern[];
    if (key === '$or' && Array.isArray(value))
      parts = value.flatMap((b) => (isObject(b) ? expandOr(b, ctx) : []));
    else if (isObject(value)) parts = expandOr(value, ctx).map((inner) => ({ [key]: inner }));
    else parts = [{ [key]: value }];
    const next: Pattern[] = [];
    for (const left of alternatives) {
      for (const right of parts) {
        const both = structuredClone(left);
        // Two conditions on one path in one alternative (an `$or` branch repeating a sibling): one is kept.
        merge(both, right, ctx);
        next.push(both);
      }
    }
    alternatives = next;
  }
  return alternatives;
}

/**
 * One pattern that accepts whatever any of `patterns` accepts: the conditions they all share, each leaf
 * the union of theirs. `undefined` when they share none (only "everything" would cover them all).
 *
 * @example
 * generalize([{ body: { a: ['1'], b: ['x'] } }, { body: { a: ['2'] } }]) // { body: { a: ['1', '2'] } }
 */
export function generalize(patterns: readonly Pattern[]): Pattern | undefined {
  let out: Pattern | undefined = patterns[0];
  for (const next of patterns.slice(1)) out = out === undefined ? undefined : common(out, next);
  return out;
}

function common(a: Pattern, b: Pattern): Pattern | undefined {
  const out: Pattern = {};
  for (const [key, left] of Object.entries(a)) {
    if (!Object.hasOwn(b, key) || key === '$or') continue;
    const right = b[key];
    if (Array.isArray(left) && Array.isArray(right)) out[key] = union(left, right);
    else if (isObject(left) && isObject(right)) {
      const inner = common(left, right);
      if (inner !== undefined) out[key] = inner;
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function union(left: readonly unknown[], right: readonly unknown[]): unknown[] {
  const seen = new Set(left.map((m) => JSON.stringify(m)));
  return [...left, ...right.filter((m) => !seen.has(JSON.stringify(m)))];
}
