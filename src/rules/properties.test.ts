import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, type Matcher, type PatternDialect } from './compile-pattern.js';
import { compileRuleIndex } from './rule-index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Leaf = { path: string[]; value: string | number | boolean | null };

/** Envelope keys would turn the pattern into an EventBridge envelope pattern; `$or` is an operator. */
const RESERVED_TOP = new Set(['detail', 'detail-type', 'account', 'region', 'resources', 'version']);

/** The scalar leaves of an event, descending only into the first object of each array (one element). */
function leaves(value: Json, path: string[], out: Leaf[]): Leaf[] {
  if (Array.isArray(value)) {
    const scalar = value.find((v) => v === null || typeof v !== 'object');
    if (scalar !== undefined) out.push({ path, value: scalar as Leaf['value'] });
    const object = value.find((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    if (object !== undefined) leaves(object, path, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$or' || (path.length === 0 && RESERVED_TOP.has(key))) continue;
      leaves(v, [...path, key], out);
    }
  } else if (path.length > 0) {
    out.push({ path, value });
  }
  return out;
}

const escapeGlob = (s: string) => s.replace(/[\\*]/g, (c) => `\\${c}`);

/** A matcher that must accept `value`, chosen by `pick`. */
function acceptingMatcher(value: Leaf['value'], pick: number): unknown {
  if (typeof value === 'string') {
    const cut = pick % (value.length + 1);
    const options = [
      value,
      { prefix: value.slice(0, cut) },
      { suffix: value.slice(cut) },
      { 'equals-ignore-case': value.toUpperCase() === value ? value.toLowerCase() : value.toUpperCase() },
      { wildcard: `${escapeGlob(value.slice(0, cut))}*` },
      { wildcard: `*${escapeGlob(value.slice(cut))}` },
      { 'anything-but': `${value}!` },
      { exists: true },
    ];
    return options[pick % options.length];
  }
  if (typeof value === 'number') {
    // A finite number above `value` (value + 1 === value at large magnitudes).
    const above = [value + 1, value * 2, value / 2].find((a) => Number.isFinite(a) && a > value);
    const options = [
      value,
      { numeric: ['=', value] },
      above === undefined ? { numeric: ['<=', value] } : { numeric: ['>=', value, '<', above] },
      { 'anything-but': above ?? 'not a number' },
    ];
    return options[pick % options.length];
  }
  return pick % 2 === 0 ? value : { exists: true };
}

function patternOf(found: Leaf[], picks: number[]): Record<string, Json> {
  const pattern: Record<string, Json> = {};
  for (const [i, leaf] of found.entries()) {
    let node = pattern;
    for (const key of leaf.path.slice(0, -1)) {
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) {
        const child: Record<string, Json> = {};
        Object.defineProperty(node, key, {
          value: child,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        node = child;
      } else node = next as Record<string, Json>;
    }
    const last = leaf.path[leaf.path.length - 1] as string;
    const existing = Object.hasOwn(node, last) ? node[last] : undefined;
    if (existing !== undefined && !Array.isArray(existing)) continue; // already an object here
    const matcher = acceptingMatcher(leaf.value, picks[i] ?? 0) as Json;
    Object.defineProperty(node, last, {
      value: [matcher],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return pattern;
}

const eventArb = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 6,
}) as fc.Arbitrary<{
  [key: string]: Json;
}>;

describe('properties', () => {
  it('a pattern built from an event’s own values matches it', () => {
    fc.assert(
      fc.property(eventArb, fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), (event, picks) => {
        const found = leaves(event, [], []);
        fc.pre(found.length > 0);
        const pattern = patternOf(found, picks);
        const matcher = compilePattern(pattern, { maxPatternLength: Infinity, maxWildcardComplexity: 1e9 });
        expect(matcher.matches(event)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('anything-but a value never matches that value', () => {
    const scalar = fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
    fc.assert(
      fc.property(scalar, fc.array(scalar, { maxLength: 3 }), (value, others) => {
        const sameType = others.filter((o) => typeof o === typeof value);
        for (const pattern of [
          { v: [{ 'anything-but': value }] },
          { v: [{ 'anything-but': [...sameType, value] }] },
        ]) {
          expect(compilePattern(pattern).matches({ v: value })).toBe(false);
          expect(compilePattern(pattern).matches({ v: [value, value] })).toBe(false);
          expect(
            compilePattern({ data: pattern }, { dialect: 'alibaba' }).matches({ data: { v: value } }),
          ).toBe(false);
        }
        if (typeof value === 'string') {
          for (const form of ['prefix', 'suffix', 'equals-ignore-case'] as const) {
            if (value === '' && form !== 'equals-ignore-case') continue;
            expect(compilePattern({ v: [{ 'anything-but': { [form]: value } }] }).matches({ v: value })).toBe(
              false,
            );
          }
          const wildcard = { v: [{ 'anything-but': { wildcard: escapeGlob(value) } }] };
          expect(compilePattern(wildcard).matches({ v: value })).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('matching never throws on any JSON event', () => {
    const table = JSON.parse(
      readFileSync(new URL('../../test/fixtures/patterns/conformance.json', import.meta.url), 'utf8'),
    ) as { match: { dialect?: PatternDialect; pattern: unknown }[] };
    const matchers: Matcher[] = table.match.map((g) =>
      compilePattern(g.pattern, { dialect: g.dialect ?? 'aws' }),
    );
    const index = compileRuleIndex(
      table.match.map((g, i) => ({ id: `${i}`, pattern: g.pattern, dialect: g.dialect })),
    );
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        fc.oneof(anyJson, fc.record({ data: anyJson, type: anyJson, source: anyJson })),
        (event) => {
          for (const m of matchers) expect(typeof m.matches(event)).toBe('boolean');
          expect(Array.isArray(index.match(event))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matching survives arrays nested deeper than the stack', () => {
    let deep: unknown = ['x'];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const event = { data: { v: deep } };
    expect(compilePattern({ data: { v: ['x'] } }).matches(event)).toBe(true);
    expect(compilePattern({ data: { v: { w: [{ exists: false }] } } }).matches(event)).toBe(true);
    expect(compileRuleIndex([{ id: 'x', pattern: { data: { v: ['x'] } } }]).match(event)).toEqual(['x']);
  });
});

// --- the index against a linear scan, over a small vocabulary so that rules and events collide often
const str = fc.constantFrom('', 'a', 'ab', 'ba', 'A', 'abc', '10.0.0.1', '2001:db8::1', 'x.png', 'X.PNG');
const num = fc.constantFrom(0, 1, 2, 5, -1, 1.5, 100);
const scalar = fc.oneof(str, num, fc.boolean(), fc.constant(null));
const awsMatcher = fc.oneof(
  scalar,
  str.map((s) => ({ prefix: s })),
  str.map((s) => ({ suffix: s })),
  str.map((s) => ({ 'equals-ignore-case': s })),
  str.map((s) => ({ prefix: { 'equals-ignore-case': s } })),
  str.map((s) => ({ suffix: { 'equals-ignore-case': s } })),
  fc.constantFrom('a*', '*b', '*', 'a*c', 'x.*', '*.png').map((w) => ({ wildcard: w })),
  fc.oneof(str, num).map((v) => ({ 'anything-but': v })),
  fc
    .constantFrom(
      { prefix: 'a' },
      { suffix: '.png' },
      { 'equals-ignore-case': ['a', 'b'] },
      { wildcard: 'a*' },
    )
    .map((v) => ({
      'anything-but': v,
    })),
  fc.tuple(num, num, fc.boolean(), fc.boolean()).map(([a, b, i, j]) => ({
    numeric: a < b ? [i ? '>=' : '>', a, j ? '<=' : '<', b] : a > b ? [j ? '<' : '>', a] : ['=', a],
  })),
  fc.boolean().map((exists) => ({ exists })),
  fc.constantFrom({ cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }),
);
const alibabaMatcher = fc.oneof(
  scalar,
  str.filter((s) => s !== '').map((s) => ({ prefix: s })),
  str.filter((s) => s !== '').map((s) => ({ suffix: s })),
  str.filter((s) => s !== '').map((s) => ({ contains: s })),
  fc.array(scalar, { minLength: 1, maxLength: 2 }).map((v) => ({ 'anything-but': v })),
  fc.tuple(fc.constantFrom('=', '!=', '<', '>=', '>'), num).map(([op, n]) => ({ numeric: [op, n] })),
  fc.boolean().map((exists) => ({ exists })),
  fc.constantFrom({ cidr: '10.0.0.0/8' }, { cidr: '10.0.0.1' }),
);
const paths = fc.constantFrom(
  ['source'],
  ['type'],
  ['data', 'a'],
  ['data', 'b'],
  ['data', 'n'],
  ['data', 'items', 'sku'],
  ['data', 'items', 'qty'],
);

function conjunction(matcher: fc.Arbitrary<unknown>) {
  return fc
    .array(fc.tuple(paths, fc.array(matcher, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3 })
    .map((conditions) => {
      const out: Record<string, unknown> = {};
      for (const [path, leaf] of conditions) {
        let node = out;
        for (const key of path.slice(0, -1)) {
          node[key] ??= {};
          node = node[key] as Record<string, unknown>;
        }
        node[path[path.length - 1] as string] = leaf;
      }
      return out;
    });
}

const awsPattern = fc.oneof(
  conjunction(awsMatcher),
  fc
    .tuple(conjunction(awsMatcher), conjunction(awsMatcher), conjunction(awsMatcher))
    .map(([a, b, c]) => ({ ...a, $or: [b, c] })),
);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.constant({}));
const item = fc.record({ sku: value, qty: value }, { requiredKeys: [] });
const data = fc.record(
  { a: value, b: value, n: value, items: fc.oneof(item, fc.array(item, { maxLength: 3 }), value) },
  { requiredKeys: [] },
);
const event = fc.record(
  { source: value, type: value, data: fc.oneof(data, fc.array(data, { maxLength: 2 }), value) },
  { requiredKeys: [] },
);

describe('the rule index', () => {
  for (const [dialect, pattern] of [
    ['aws', awsPattern],
    ['alibaba', conjunction(alibabaMatcher)],
  ] as const) {
    it(`returns exactly what a linear scan of the same patterns returns (${dialect})`, () => {
      fc.assert(
        fc.property(
          fc.array(pattern, { minLength: 1, maxLength: 25 }),
          fc.array(event, { minLength: 1, maxLength: 10 }),
          (patterns, events) => {
            const rules = patterns.map((p, i) => ({ id: `r${i}`, pattern: p }));
            const matchers = rules.map((r) => compilePattern(r.pattern, { dialect }));
            const index = compileRuleIndex(rules, { dialect });
            for (const e of events) {
              expect(index.match(e)).toEqual(
                rules.filter((_, i) => matchers[i]?.matches(e)).map((r) => r.id),
              );
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  }
});
