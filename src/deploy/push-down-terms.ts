/**
 * A handler's filter in one form for every push-down target: an aws-dialect pattern over the CloudEvent's
 * attribute names. An EventBridge envelope pattern (`detail-type`, `detail`, …) gets the names our
 * EventBridge source gives those fields (src/rules/envelope.ts decides, as the in-function filter does;
 * `version` is "0" and is settled here); an alibaba-dialect filter gets aws matchers that accept at least
 * as much (push-down-alibaba.ts).
 */
import { compilePattern, type PatternDialect } from '../rules/compile-pattern.js';
import { envelopeRename } from '../rules/envelope.js';
import { alibabaToAws } from './push-down-alibaba.js';
import {
  type Pattern,
  type RewriteContext,
  type Rewritten,
  rewrite,
  type View,
} from './push-down-rewrite.js';

/** The filter over CloudEvent attribute names, and whether that form is still exactly the filter. */
export interface FilterTerms {
  readonly pattern: Rewritten;
  readonly exact: boolean;
}

/**
 * Validates `filter` as the in-function filter does (throws `E_RULE_INVALID` for an invalid one) and
 * returns it over CloudEvent attribute names, in the aws dialect.
 *
 * @example
 * filterTerms({ 'detail-type': ['Order Placed'], detail: { total: [5] } }, 'aws').pattern
 * // → { type: ['Order Placed'], data: { total: [5] } }
 */
export function filterTerms(filter: Record<string, unknown>, dialect: PatternDialect): FilterTerms {
  // Limits are the handler's business (defineHandler applied them); the platform's own are checked later.
  compilePattern(filter, {
    dialect,
    maxPatternLength: Number.POSITIVE_INFINITY,
    maxWildcardComplexity: Number.MAX_SAFE_INTEGER,
  });
  if (dialect === 'alibaba') {
    const ctx: RewriteContext = { exact: false, leaf: alibabaToAws };
    const attributes: View = (key) => ({ kind: 'path', path: [key], rule: { attribute: key !== 'data' } });
    return { pattern: rewrite(filter, attributes, ctx), exact: false };
  }
  const rename = envelopeRename(filter);
  if (rename === undefined) return { pattern: filter as Pattern, exact: true };
  const ctx: RewriteContext = { exact: true, leaf: (values) => [...values] };
  const envelope: View = (key) => {
    const renamed = rename(key);
    return 'key' in renamed
      ? { kind: 'path', path: [renamed.key] }
      : { kind: 'value', value: renamed.constant };
  };
  return { pattern: rewrite(filter, envelope, ctx), exact: ctx.exact };
}
