/**
 * The engine of filter push-down: rewrites a pattern written against the normalized CloudEvent into one
 * the platform evaluates on the event it holds, attribute by attribute, as a *view* says. Whatever the
 * view cannot place is dropped (the pattern only gets weaker: a safe superset) and the rewrite is marked
 * inexact; attributes whose value the view knows are evaluated now (true: dropped, exactly; false: the
 * whole alternative can never match). Pure: patterns in, patterns out.
 * @see ../../docs/deploy-filters.md
 */
import { compilePattern } from '../rules/compile-pattern.js';
import type { Scalar } from '../rules/types.js';
import { isObject } from '../sources/types.js';

/** An event pattern: members are leaf arrays, nested patterns, or `$or` lists of patterns. */
export type Pattern = Record<string, unknown>;

/** How the platform shows a leaf's attribute, for the leaf translator (see push-down-leaf.ts). */
export interface LeafRule {
  /** The attribute is a CloudEvents `source`: the normalizer percent-encodes a source that is no URI-reference. */
  readonly uri?: boolean;
  /** The platform may hold `null` (or a non-string) where the CloudEvent has nothing: `exists: false` is unsafe. */
  readonly nullable?: boolean;
  /** The platform holds a list of which the CloudEvent keeps the first: only positive matchers are safe. */
  readonly anyElement?: boolean;
  /** A leaf on the attribute itself cannot be evaluated by the platform (a JSON body read as text). */
  readonly noLeaf?: boolean;
  /** A CloudEvents attribute rather than a payload field (the alibaba dialect reads them differently). */
  readonly attribute?: boolean;
}

/** Where one CloudEvent attribute (a top-level key of the filter) is on the platform event. */
export type Mapping =
  /** At `path`; keys below it keep their names. */
  | { readonly kind: 'path'; readonly path: readonly string[]; readonly rule?: LeafRule }
  /** An object whose keys have their own view (their paths are absolute). */
  | { readonly kind: 'object'; readonly view: View }
  /** Always this value (`undefined`: always absent). */
  | { readonly kind: 'value'; readonly value: Scalar | undefined }
  /** A string that starts with `prefix`, not known further. */
  | { readonly kind: 'prefixed'; readonly prefix: string }
  /** One of `values`; the platform shows each as the paired string at `path`. */
  | {
      readonly kind: 'enum';
      readonly path: readonly string[];
      readonly values: readonly (readonly [Scalar, string])[];
    }
  /** Not visible to the platform: conditions on it are dropped. */
  | { readonly kind: 'unknown' };

/** Maps a top-level key (a dotted key by its first segment) of the filter. */
export type View = (key: string) => Mapping;

/** Translates one leaf for the target; `undefined` drops the condition. Sets `ctx.exact = false` when it widens. */
export type LeafTranslator = (
  values: readonly unknown[],
  rule: LeafRule,
  ctx: RewriteContext,
) => unknown[] | undefined;

export interface RewriteContext {
  /** Cleared as soon as anything is dropped or widened. */
  exact: boolean;
  readonly leaf: LeafTranslator;
}

/** A rewritten (sub)pattern: a pattern, or a condition that always / never holds. */
export type Rewritten = Pattern | typeof ALWAYS | typeof NEVER;
export const ALWAYS = 'always' as const;
export const NEVER = 'never' as const;

/**
 * Rewrites `node` (an object of the filter whose keys `view` maps) onto the platform event.
 *
 * @example
 * rewrite({ type: ['order.created'] }, (k) => (k === 'type' ? { kind: 'path', path: ['detail-type'] } : { kind: 'unknown' }), ctx)
 * // → { 'detail-type': ['order.created'] }
 */
export function rewrite(node: Pattern, view: View, ctx: RewriteContext): Rewritten {
  const out: Pattern = {};
  for (const [key, value] of Object.entries(node)) {
    const part =
      key === '$or' && Array.isArray(value)
        ? rewriteOr(value, (branch) => rewrite(branch, view, ctx))
        : member(view, key, value, ctx);
    if (part === NEVER) return NEVER;
    if (part !== ALWAYS) merge(out, part, ctx);
  }
  return Object.keys(out).length === 0 ? ALWAYS : out;
}

function rewriteOr(branches: unknown[], each: (branch: Pattern) => Rewritten): Rewritten {
  const kept: Pattern[] = [];
  for (const branch of branches) {
    const r = isObject(branch) ? each(branch) : ALWAYS;
    // One alternative that always holds makes the whole `$or` hold.
    if (r === ALWAYS) return ALWAYS;
    if (r !== NEVER) kept.push(r);
  }
  if (kept.length === 0) return NEVER;
  if (kept.length === 1) return kept[0] as Pattern;
  return { $or: dedupe(kept) };
}

/** One member of an object the view maps. */
function member(view: View, key: string, value: unknown, ctx: RewriteContext): Rewritten {
  const dot = key.indexOf('.');
  const head = dot < 0 ? key : key.slice(0, dot);
  return place(view(head), dot < 0 ? undefined : key.slice(dot + 1), value, ctx);
}

function place(mapping: Mapping, rest: string | undefined, value: unknown, ctx: RewriteContext): Rewritten {
  switch (mapping.kind) {
    case 'path': {
      const path = rest === undefined ? mapping.path : [...mapping.path, rest];
      if (Array.isArray(value)) {
        const rule = rest === undefined ? (mapping.rule ?? {}) : {};
        const leaf = rule.noLeaf ? undefined : ctx.leaf(value, rule, ctx);
        if (leaf === undefined) return drop(ctx);
        return wrap(path, leaf);
      }
      const inner = isObject(value) ? nested(value, ctx) : drop(ctx);
      return inner === ALWAYS || inner === NEVER ? inner : wrap(path, inner);
    }
    case 'object': {
      if (rest !== undefined) return member(mapping.view, rest, value, ctx);
      return isObject(value) ? rewrite(value, mapping.view, ctx) : drop(ctx);
    }
    case 'unknown':
      return drop(ctx);
    default:
      // A known or partly known scalar: nothing below it has a value.
      if (rest !== undefined || !Array.isArray(value)) return evaluate(value, undefined) ? ALWAYS : NEVER;
      return known(mapping, value, ctx);
  }
}

/** A leaf on an attribute whose value the view knows (fully, by prefix, or as one of a few). */
function known(
  mapping: Extract<Mapping, { kind: 'value' | 'prefixed' | 'enum' }>,
  leaf: unknown[],
  ctx: RewriteContext,
): Rewritten {
  if (mapping.kind === 'value') return leafAccepts(leaf, mapping.value) ? ALWAYS : NEVER;
  if (mapping.kind === 'prefixed') {
    if (!mayAcceptPrefixed(leaf, mapping.prefix)) return NEVER;
    return drop(ctx);
  }
  const accepted = mapping.values.filter(([value]) => leafAccepts(leaf, value)).map(([, shown]) => shown);
  if (accepted.length === 0) return NEVER;
  if (accepted.length === mapping.values.length) return ALWAYS;
  return wrap(mapping.path, accepted);
}

/** A nested object below a renamed attribute: keys keep their names, leaves are translated. */
function nested(node: Pattern, ctx: RewriteContext): Rewritten {
  const out: Pattern = {};
  for (const [key, value] of Object.entries(node)) {
    let part: Rewritten;
    if (key === '$or' && Array.isArray(value)) part = rewriteOr(value, (b) => nested(b, ctx));
    else if (Array.isArray(value)) {
      const leaf = ctx.leaf(value, {}, ctx);
      part = leaf === undefined ? drop(ctx) : { [key]: leaf };
    } else if (isObject(value)) {
      const inner = nested(value, ctx);
      part = inner === ALWAYS || inner === NEVER ? inner : { [key]: inner };
    } else part = drop(ctx);
    if (part === NEVER) return NEVER;
    if (part !== ALWAYS) merge(out, part, ctx);
  }
  return Object.keys(out).length === 0 ? ALWAYS : out;
}

function drop(ctx: RewriteContext): typeof ALWAYS {
  ctx.exact = false;
  return ALWAYS;
}

function wrap(path: readonly string[], value: unknown): Pattern {
  let out: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i] as string]: out };
  return out as Pattern;
}

/**
 * Does a filter subtree hold when the attribute it sits on has this value (`undefined`: no value, also
 * for everything below a scalar)? Exact: the rules' own matcher decides.
 */
function evaluate(node: unknown, value: Scalar | undefined): boolean {
  if (Array.isArray(node)) return leafAccepts(node, value);
  if (!isObject(node)) return true;
  return Object.entries(node).every(([key, child]) =>
    key === '$or' && Array.isArray(child)
      ? child.some((b) => evaluate(b, undefined))
      : evaluate(child, undefined),
  );
}

/**
 * The aws-dialect verdict of one leaf on one value (`undefined`: the field has no value).
 *
 * @example
 * leafAccepts([{ exists: false }], undefined) // true
 * leafAccepts(['1.0'], '1.0')                 // true
 */
export function leafAccepts(leaf: readonly unknown[], value: Scalar | undefined): boolean {
  return compilePattern({ x: leaf }, { maxPatternLength: Number.POSITIVE_INFINITY }).matches(
    value === undefined ? {} : { x: value },
  );
}

/**
 * Could the leaf accept some string starting with `prefix`? Conservative: true unless it surely cannot.
 *
 * @example
 * mayAcceptPrefixed(['order.created'], 'com.amazonaws.s3.')                 // false
 * mayAcceptPrefixed([{ prefix: 'com.amazonaws' }], 'com.amazonaws.s3.')     // true
 */
export function mayAcceptPrefixed(leaf: readonly unknown[], prefix: string): boolean {
  return leaf.some((m) => {
    if (typeof m === 'string') return m.startsWith(prefix);
    if (!isObject(m)) return false; // numbers, booleans and null never equal a string
    const [op, v] = Object.entries(m)[0] ?? [];
    if (op === 'prefix' && typeof v === 'string') return v.startsWith(prefix) || prefix.startsWith(v);
    if (op === 'exists') return v === true;
    // A string is never a number; it is an IP address only if the prefix could begin one.
    if (op === 'numeric') return false;
    if (op === 'cidr') return /^[0-9A-Fa-f:.]*$/.test(prefix);
    return true;
  });
}

/**
 * ANDs `part` into `out` (in place; `part` is not changed). Two leaves on one path cannot share a leaf array (and cannot be intersected:
 * an array value may satisfy both), nor can two `$or` groups share an object: the first is kept, the
 * rewrite is then inexact.
 *
 * @example
 * const out = { body: { a: ['1'] } };
 * merge(out, { body: { b: ['2'] } }, ctx); // out: { body: { a: ['1'], b: ['2'] } }
 */
export function merge(out: Pattern, part: Pattern, ctx: RewriteContext): void {
  for (const [key, value] of Object.entries(part)) {
    const existing = out[key];
    if (!Object.hasOwn(out, key)) out[key] = value;
    else if (key !== '$or' && isObject(existing) && isObject(value)) {
      const inner = { ...existing };
      merge(inner, value, ctx);
      out[key] = inner;
    } else ctx.exact = false;
  }
}

/**
 * Patterns without repeats (by their JSON text); a repeat is harmless, just longer.
 *
 * @example
 * dedupe([{ a: ['1'] }, { a: ['1'] }]) // [{ a: ['1'] }]
 */
export function dedupe(patterns: readonly Pattern[]): Pattern[] {
  const seen = new Set<string>();
  return patterns.filter((p) => {
    const text = JSON.stringify(p);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}
