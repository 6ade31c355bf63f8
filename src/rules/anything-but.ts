/**
 * `anything-but`: a value matches unless it is excluded. AWS excludes by type (string exclusions never
 * exclude numbers, and the reverse; null and booleans are never excluded); Alibaba compares text forms.
 * A missing field never matches (the leaf handles that).
 * @see ../../docs/patterns.md#anything-but
 */
import { fold } from './fold.js';
import { describe, invalidPattern, isPlainObject, show } from './pattern-error.js';
import type { MatcherSpec, PatternLimits, Scalar } from './types.js';
import { globComplexity, globMatches, parseGlob } from './wildcard.js';

const STRING_FORMS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'] as const;
type StringForm = (typeof STRING_FORMS)[number];

/** Parses an AWS `anything-but` value. */
export function parseAwsAnythingBut(value: unknown, path: string, limits: PatternLimits): MatcherSpec {
  if (typeof value === 'string') return stringsExcluded(new Set([value]));
  if (typeof value === 'number' && Number.isFinite(value)) return numbersExcluded(new Set([value]));
  if (Array.isArray(value)) {
    if (value.length === 0) throw invalidPattern(path, '`anything-but` needs at least one value, got []');
    const first = typeof value[0];
    for (const item of value) {
      if (typeof item !== 'string' && (typeof item !== 'number' || !Number.isFinite(item))) {
        throw invalidPattern(
          path,
          `an \`anything-but\` list may hold only strings or only numbers, found ${describe(item)}${isPlainObject(item) ? '; to exclude several prefixes write { "anything-but": { "prefix": ["a", "b"] } }' : ''}`,
        );
      }
      if (typeof item !== first) {
        throw invalidPattern(
          path,
          `an \`anything-but\` list must be all strings or all numbers, not both: ${show(value)}`,
        );
      }
    }
    return first === 'string'
      ? stringsExcluded(new Set(value as string[]))
      : numbersExcluded(new Set(value as number[]));
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const form = keys[0];
    if (keys.length !== 1 || !(STRING_FORMS as readonly string[]).includes(form as string)) {
      throw invalidPattern(
        path,
        `unsupported anything-but pattern ${show(value)}; inside \`anything-but\` use one of ${STRING_FORMS.join(', ')}`,
      );
    }
    return stringFormExcluded(form as StringForm, value[form as string], path, limits);
  }
  throw invalidPattern(
    path,
    `\`anything-but\` takes a string, a number, a list of either, or { prefix | suffix | equals-ignore-case | wildcard: … }; got ${describe(value)}`,
  );
}

function stringFormExcluded(
  form: StringForm,
  raw: unknown,
  path: string,
  limits: PatternLimits,
): MatcherSpec {
  const values = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string')) {
    const found = Array.isArray(values) ? values.find((v) => typeof v !== 'string') : raw;
    throw invalidPattern(
      path,
      `the value of anything-but ${form} must be a string or a non-empty list of strings, got ${Array.isArray(values) && values.length === 0 ? '[]' : describe(found)}`,
    );
  }
  const texts = values as string[];
  if ((form === 'prefix' || form === 'suffix') && texts.includes('')) {
    throw invalidPattern(
      path,
      `an empty anything-but ${form} is not allowed (it would exclude every string)`,
    );
  }
  if (form === 'prefix') return excluded((s) => texts.some((t) => s.startsWith(t)));
  if (form === 'suffix') return excluded((s) => texts.some((t) => s.endsWith(t)));
  if (form === 'equals-ignore-case') {
    const folded = new Set(texts.map(fold));
    return excluded((s) => folded.has(fold(s)));
  }
  const globs = texts.map((t) => parseGlob(t, path));
  for (const glob of globs) {
    if (globComplexity(glob, limits.maxWildcardComplexity) > limits.maxWildcardComplexity) {
      throw tooComplex(path, glob.source, limits.maxWildcardComplexity);
    }
  }
  return excluded((s) => globs.some((g) => globMatches(g, s)));
}

/** The "Rule is too complex" rejection, shared with `wildcard`. */
export function tooComplex(path: string, source: string, cap: number) {
  return invalidPattern(
    path,
    `wildcard ${JSON.stringify(source)} is too complex (AWS: "Rule is too complex"): use fewer * or fewer repeated character sequences after a *, or raise maxWildcardComplexity (now ${cap})`,
  );
}

function stringsExcluded(set: ReadonlySet<string>): MatcherSpec {
  return { kind: 'anything-but', test: (v) => typeof v !== 'string' || !set.has(v) };
}

function numbersExcluded(set: ReadonlySet<number>): MatcherSpec {
  return { kind: 'anything-but', test: (v) => typeof v !== 'number' || !set.has(v) };
}

function excluded(test: (s: string) => boolean): MatcherSpec {
  return { kind: 'anything-but', test: (v) => typeof v !== 'string' || !test(v) };
}

/** Alibaba text form of a scalar, as Gson's `getAsString` gives it. */
export function alibabaText(v: Scalar): string | undefined {
  return v === null ? undefined : typeof v === 'string' ? v : String(v);
}

/** Parses an Alibaba `anything-but`: scalars, null, mixed lists, or { prefix } / { suffix }. */
export function parseAlibabaAnythingBut(value: unknown, path: string): MatcherSpec {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const form = keys[0];
    const text = form === undefined ? undefined : value[form];
    if (keys.length !== 1 || (form !== 'prefix' && form !== 'suffix')) {
      throw invalidPattern(
        path,
        `unsupported anything-but pattern ${show(value)}; the alibaba dialect allows { "prefix": "…" } or { "suffix": "…" } inside \`anything-but\``,
      );
    }
    if (typeof text !== 'string' || text === '') {
      throw invalidPattern(
        path,
        `the value of anything-but ${form} must be a non-empty string, got ${describe(text)}`,
      );
    }
    return form === 'prefix' ? excluded((s) => s.startsWith(text)) : excluded((s) => s.endsWith(text));
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw invalidPattern(path, '`anything-but` needs at least one value, got []');
  const texts = new Set<string>();
  let nullExcluded = false;
  for (const item of items) {
    if (item === null) nullExcluded = true;
    else if (
      typeof item === 'string' ||
      typeof item === 'boolean' ||
      (typeof item === 'number' && Number.isFinite(item))
    ) {
      texts.add(String(item));
    } else {
      throw invalidPattern(
        path,
        `an \`anything-but\` list may hold only strings, numbers, booleans or null, found ${describe(item)}`,
      );
    }
  }
  return {
    kind: 'anything-but',
    test: (v) => (v === null ? !nullExcluded : !texts.has(alibabaText(v) as string)),
  };
}
