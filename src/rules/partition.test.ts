/**
 * The rule index against a linear scan when rules are partitioned by a top-level exact value: many rules
 * share few sources and types, so the index files them under (source or type) and a second key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, type PatternDialect } from './compile-pattern.js';
import { compileRuleIndex } from './rule-index.js';

const top = fc.constantFrom('s1', 's2', 5, '5', 0, -0, true, null, '2001:db8::1', '2001:DB8:0::1');
const text = fc.constantFrom('', 'a', 'ab', 'A', 'abc', 'x.png', 'X.PNG', 'eu-west-1');
const num = fc.constantFrom(0, 1, 1.5, 5, -1, 100, 1e21, Number.MAX_SAFE_INTEGER);
const scalar = fc.oneof(text, num, fc.boolean(), fc.constant(null));

/** Every operator family of the aws dialect, on small vocabularies. */
const awsMatcher = fc.oneof(
  scalar,
  text.map((s) => ({ prefix: s })),
  text.map((s) => ({ suffix: s })),
  text.map((s) => ({ 'equals-ignore-case': s })),
  text.map((s) => ({ prefix: { 'equals-ignore-case': s } })),
  fc.constantFrom('a*', '*.png', 'x*g', '*').map((w) => ({ wildcard: w })),
  fc.array(fc.oneof(text, num), { minLength: 1, maxLength: 2 }).map((v) => ({ 'anything-but': v })),
  text.map((s) => ({ 'anything-but': { prefix: s } })),
  fc.tuple(num, num).map(([a, b]) => ({ numeric: a < b ? ['>=', a, '<', b] : ['>', a] })),
  fc.boolean().map((exists) => ({ exists })),
);
const alibabaMatcher = fc.oneof(
  scalar,
  text.filter((s) => s !== '').map((s) => ({ prefix: s })),
  text.filter((s) => s !== '').map((s) => ({ suffix: s })),
  fc.array(scalar, { minLength: 1, maxLength: 2 }).map((v) => ({ 'anything-but': v })),
  fc.tuple(fc.constantFrom('=', '<', '>='), num).map(([op, n]) => ({ numeric: [op, n] })),
  fc.boolean().map((exists) => ({ exists })),
);

function pattern(matcher: fc.Arbitrary<unknown>, withOr: boolean) {
  const exact = fc.array(top, { minLength: 1, maxLength: 3 });
  const data = fc.record(
    {
      a: fc.array(matcher, { minLength: 1, maxLength: 2 }),
      n: fc.array(matcher, { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: ['a'] },
  );
  const items = fc.record({ sku: fc.array(matcher, { minLength: 1, maxLength: 2 }) });
  const body = fc.record(
    {
      source: fc.oneof(exact, fc.array(matcher, { minLength: 1, maxLength: 2 })),
      type: exact,
      subject: fc.array(matcher, { minLength: 1, maxLength: 2 }),
      data: fc.oneof(data, fc.record({ items })),
    },
    { requiredKeys: ['type'] },
  );
  if (!withOr) return body;
  return fc.oneof(
    body,
    fc.tuple(body, body, body).map(([a, b, c]) => ({ ...a, $or: [b, c] })),
  );
}

const value = fc.oneof(scalar, top, fc.array(fc.oneof(scalar, top), { maxLength: 3 }), fc.constant({}));
const item = fc.record({ sku: value }, { requiredKeys: [] });
const event = fc.record(
  {
    source: fc.oneof(top, fc.array(fc.oneof(top, fc.constant({ x: 1 })), { maxLength: 3 }), value),
    type: fc.oneof(top, fc.array(top, { maxLength: 2 })),
    subject: value,
    data: fc.oneof(
      fc.record(
        { a: value, n: value, items: fc.oneof(item, fc.array(item, { maxLength: 3 })) },
        { requiredKeys: [] },
      ),
      value,
    ),
  },
  { requiredKeys: [] },
);

/** Some generated combinations are refused (a `$or` expanding the same field twice, …): skip those. */
function compiles(pattern: unknown, dialect: PatternDialect): boolean {
  try {
    compilePattern(pattern, { dialect });
    return true;
  } catch {
    return false;
  }
}

describe('the rule index with partitions', () => {
  for (const [dialect, matcher] of [
    ['aws', awsMatcher],
    ['alibaba', alibabaMatcher],
  ] as const) {
    it(`returns exactly what a linear scan returns when rules share sources and types (${dialect})`, () => {
      fc.assert(
        fc.property(
          fc.array(
            pattern(matcher, dialect === 'aws').filter((p) => compiles(p, dialect)),
            { minLength: 1, maxLength: 40 },
          ),
          fc.array(fc.oneof(event, fc.array(event, { maxLength: 2 })), { minLength: 1, maxLength: 8 }),
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
        { numRuns: 150 },
      );
    });
  }

  it('files rules that share a source and a type under them and still finds each one', () => {
    const rules: { id: string; pattern: unknown }[] = [];
    for (let i = 0; i < 200; i++) {
      rules.push({
        id: `r${i}`,
        pattern: { source: [`s${i % 4}`], type: [`t${i % 10}`], data: { total: [{ numeric: ['>', i] }] } },
      });
    }
    const index = compileRuleIndex(rules);
    const scan = (e: unknown) => rules.filter((r) => compilePattern(r.pattern).matches(e)).map((r) => r.id);
    expect(index.match({ source: 's3', type: 't7', data: { total: 8 } })).toEqual(['r7']);
    expect(index.match({ source: 's3', type: 't7', data: { total: 7 } })).toEqual([]);
    const both = { source: ['s0', 's3'], type: ['t8', 't7'], data: { total: 100 } };
    expect(index.match(both)).toEqual(scan(both));
    expect(index.match(both)).toHaveLength(10);
    expect(index.match({ source: 's2', type: 't7', data: { total: 100 } })).toEqual([]);
  });

  it('compares partition values by dialect: 5 and "5" differ in aws, not in alibaba', () => {
    const rules: { id: string; pattern: unknown; dialect: PatternDialect }[] = [];
    for (let i = 0; i < 40; i++) {
      // Forty aws rules share source 5 and overlap on `n`: they are partitioned by source.
      const pattern = { source: [5], data: { n: [{ numeric: ['>=', i] }] } };
      rules.push({ id: `aws${i}`, pattern, dialect: 'aws' });
      rules.push({ id: `ali${i}`, pattern, dialect: 'alibaba' });
    }
    const index = compileRuleIndex(rules);
    expect(index.match({ source: '5', data: { n: 1 } })).toEqual(['ali0', 'ali1']);
    expect(index.match({ source: 5, data: { n: 1 } })).toEqual(['aws0', 'ali0', 'aws1', 'ali1']);
    expect(index.match({ source: [true, 5], data: { n: 0 } })).toEqual(['aws0', 'ali0']);
  });
});
