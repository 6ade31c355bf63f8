/**
 * Filter push-down: a handler's `filter` as a pattern the platform evaluates *before* it invokes the
 * function — an EventBridge rule's `EventPattern`, or a Lambda event source mapping's `FilterCriteria` —
 * so an event the handler would filter out is never billed. The in-function filter stays the truth and
 * still runs: a pushed-down pattern never rejects an event the filter accepts (it may accept more), and
 * `exact` says when it accepts exactly the same events. Pure: data in, data out.
 *
 * What is pushed for each target, what is dropped and why: docs/deploy-filters.md.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
import type { PatternDialect } from '../rules/compile-pattern.js';
import { expandOr, generalize } from './push-down-expand.js';
import { translateLeaf } from './push-down-leaf.js';
import {
  ALWAYS,
  dedupe,
  leafAccepts,
  merge,
  NEVER,
  type Pattern,
  type RewriteContext,
  type Rewritten,
  rewrite,
} from './push-down-rewrite.js';
import { lambdaShapes, type Shape } from './push-down-shapes.js';
import { filterTerms } from './push-down-terms.js';
import { ANY_EVENT, couldBeS3, eventBridgeView } from './push-down-views.js';

/** A pushed-down pattern, and whether the platform then accepts exactly what the filter accepts. */
export interface PushedDown<T> {
  readonly value: T;
  readonly exact: boolean;
}

/** The Lambda event source mappings a filter can be pushed into. */
export type FilterMappingKind = 'aws:sqs' | 'aws:kinesis' | 'aws:dynamodb';

export interface FilterPatternOptions {
  /** Most patterns the mapping may hold: Lambda allows 5 by default, up to 10 on a quota request. Default 5. */
  readonly maxFilters?: number;
  /**
   * Kinesis only: every record is one uncompressed JSON object or array — no KPL aggregation, no gzip
   * (so no CloudWatch Logs subscription), no text. Lambda drops every record whose data is not JSON once
   * a filter names `data`, so without this promise nothing is pushed down for Kinesis.
   */
  readonly jsonRecords?: boolean;
}

/** An EventPattern every EventBridge event matches (each has a string `source`). */
export const MATCH_ALL_EVENT_PATTERN: Readonly<Record<string, unknown>> = Object.freeze({
  source: Object.freeze([Object.freeze({ prefix: '' })]),
});

/** AWS quota "Event pattern size": 2,048 characters (adjustable; we do not assume it was raised). */
export const EVENT_PATTERN_MAX_LENGTH = 2048;
/** Lambda `Filter.Pattern`: at most 4,096 characters. */
export const FILTER_PATTERN_MAX_LENGTH = 4096;
const DEFAULT_MAX_FILTERS = 5;

/**
 * The filter as the EventPattern of an EventBridge rule whose target receives the matched event as is
 * (no input transformer): attributes become envelope fields (`type` → `detail-type`, `data` → `detail`,
 * `awsregion` → `region`, `awsaccount` → `account`; `subject` is tested against every `resources`
 * entry), an envelope filter stays as written. `undefined` when nothing can be pushed down — the filter
 * names nothing EventBridge can test, can never match an EventBridge event, or its translation is
 * longer than 2,048 characters: the caller then keeps its own pattern (the sources it subscribes to, or
 * `MATCH_ALL_EVENT_PATTERN`) and the in-function filter does all the work. Throws `E_RULE_INVALID`
 * for an invalid filter, as `defineHandler` does.
 *
 * @example
 * toEventPattern({ source: ['shop'], type: ['order.created'], data: { currency: ['EUR'] } })
 * // → { value: { source: ['shop'], 'detail-type': ['order.created'], detail: { currency: ['EUR'] } }, exact: true }
 */
export function toEventPattern(
  filter: Record<string, unknown> | undefined,
  dialect: PatternDialect = 'aws',
): PushedDown<Record<string, unknown>> | undefined {
  if (filter === undefined) return undefined;
  const terms = filterTerms(filter, dialect);
  if (!isPattern(terms.pattern)) return undefined;
  const ctx = context(terms.exact, 'eventbridge');
  const generic = rewrite(terms.pattern, eventBridgeView([], false, true), ctx);
  let pattern = generic;
  let exact = ctx.exact && isPattern(generic) && rejectsS3(generic);
  if (couldBeS3(terms.pattern)) {
    // An `aws.s3` event with a bucket and key is mapped by the S3 mapping (s3.ts), which sets `type`,
    // `source` and `subject` its own way: such events get an alternative of their own, without those.
    const s3 = rewrite(terms.pattern, eventBridgeView([], true, true), context(terms.exact, 'eventbridge'));
    if (JSON.stringify(s3) === JSON.stringify(generic)) exact = ctx.exact;
    else if (s3 !== NEVER) {
      pattern = either(generic, isPattern(s3) ? { ...s3, ...S3_SOURCE } : { ...S3_SOURCE });
      exact = false;
    }
  }
  if (!isPattern(pattern) || JSON.stringify(pattern).length > EVENT_PATTERN_MAX_LENGTH) return undefined;
  return { value: pattern, exact };
}

const S3_SOURCE = { source: ['aws.s3'] };

/** `a` or `b`, as one pattern. */
function either(a: Rewritten, b: Pattern): Rewritten {
  if (a === ALWAYS || a === NEVER) return a === ALWAYS ? ALWAYS : b;
  const branches = Object.keys(a).length === 1 && Array.isArray(a.$or) ? (a.$or as Pattern[]) : [a];
  return { $or: [...branches, b] };
}

/**
 * The filter as the `FilterCriteria` patterns (ORed; Serverless `filterPatterns`) of a Lambda event
 * source mapping of this kind, one pattern per shape of record the normalizer accepts from it. `undefined`
 * when nothing can be pushed down safely, or the filter can never match such a record: the mapping then
 * gets no filter, and the in-function filter does all the work.
 * - `aws:sqs`: a body may be plain JSON, a structured CloudEvent, an EventBridge event (each tested where
 *   it keeps the filtered fields), an SNS notification (passed whole: its payload is a JSON string Lambda
 *   cannot look into), an S3 notification (passed whole, when the filter could match an S3 event), or text
 *   (then nothing is pushed if the filter could match a text body: Lambda drops text bodies once a pattern
 *   looks into `body`). Lambda deletes a message no pattern matches. Never `exact`. Put no filter on a
 *   function's retry queue: its messages (with the `triggerkit-attempt` attribute) must all be delivered.
 * - `aws:kinesis`: only with `options.jsonRecords` (see there). Never `exact`.
 * - `aws:dynamodb`: `type` and `data.op` as `eventName`; the typed images are not pushed.
 * Throws `E_RULE_INVALID` for an invalid filter.
 *
 * @example
 * toFilterPatterns({ type: ['com.amazonaws.dynamodb.insert'] }, 'aws:dynamodb')
 * // → { value: [{ eventName: ['INSERT'] }], exact: true }
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
 */
export function toFilterPatterns(
  filter: Record<string, unknown> | undefined,
  kind: FilterMappingKind,
  dialect: PatternDialect = 'aws',
  options: FilterPatternOptions = {},
): PushedDown<Record<string, unknown>[]> | undefined {
  if (filter === undefined) return undefined;
  const terms = filterTerms(filter, dialect);
  const shapes = lambdaShapes(kind, options.jsonRecords === true);
  if (!isPattern(terms.pattern) || shapes.length === 0) return undefined;
  const ctx = context(terms.exact, 'lambda');
  const alternatives = expandOr(terms.pattern, ctx);
  // A filter no CloudEvent can match (`specversion: ["0.3"]`) needs no pass-through for any shape.
  const scratch: RewriteContext = { exact: true, leaf: (v) => [...v] };
  if (alternatives.every((a) => rewrite(a, ANY_EVENT, scratch) === NEVER)) return undefined;
  const groups: { shape: Shape; patterns: Pattern[] }[] = [];
  for (const shape of shapes) {
    const patterns = shapePatterns(shape, alternatives, ctx);
    if (patterns === undefined) return undefined;
    if (patterns.length > 0) groups.push({ shape, patterns });
  }
  const max = options.maxFilters ?? DEFAULT_MAX_FILTERS;
  let patterns = groups.flatMap((g) => g.patterns);
  if (patterns.length > max) {
    ctx.exact = false;
    const merged = groups.map((g) =>
      g.patterns.length === 1
        ? g.patterns[0]
        : (generalize(g.patterns) ?? ('all' in g.shape ? g.shape.all : undefined)),
    );
    if (merged.some((p) => p === undefined)) return undefined;
    patterns = merged as Pattern[];
  }
  patterns = dedupe(patterns);
  if (patterns.length === 0 || patterns.length > max) return undefined;
  if (patterns.some((p) => JSON.stringify(p).length > FILTER_PATTERN_MAX_LENGTH)) return undefined;
  return { value: patterns, exact: ctx.exact && kind === 'aws:dynamodb' };
}

/** The patterns of one shape; `undefined` when that shape makes push-down unsafe. */
function shapePatterns(
  shape: Shape,
  alternatives: readonly Pattern[],
  ctx: RewriteContext,
): Pattern[] | undefined {
  if (shape.whole !== undefined) {
    if (shape.onlyIfS3 && !alternatives.some(couldBeS3)) return [];
    ctx.exact = false;
    return [shape.whole];
  }
  const results = alternatives.map((alternative) => rewrite(alternative, shape.view(alternative), ctx));
  if (results.every((r) => r === NEVER)) return [];
  if (results.includes(ALWAYS)) {
    ctx.exact = false;
    return shape.all === undefined ? undefined : [shape.all];
  }
  const patterns = results.filter(isPattern).map((p) => {
    if (shape.marker === undefined) return p;
    const marked = { ...p };
    merge(marked, shape.marker, ctx);
    return marked;
  });
  return dedupe(patterns);
}

function context(exact: boolean, target: 'eventbridge' | 'lambda'): RewriteContext {
  return { exact, leaf: (values, rule, ctx) => translateLeaf(values, rule, target, ctx) };
}

/** Does every alternative of the pattern require a `source` other than `aws.s3`? */
function rejectsS3(pattern: Pattern): boolean {
  const ctx: RewriteContext = { exact: true, leaf: (v) => [...v] };
  return expandOr(pattern, ctx).every((p) => Array.isArray(p.source) && !leafAccepts(p.source, 'aws.s3'));
}

const isPattern = (r: Rewritten): r is Pattern => r !== ALWAYS && r !== NEVER;
