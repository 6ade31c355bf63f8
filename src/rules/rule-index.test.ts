import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTriggerError } from '../errors.js';
import { compilePattern, type PatternDialect } from './compile-pattern.js';
import { compileRuleIndex, createRuleIndex, type IndexedRule } from './rule-index.js';

const table = JSON.parse(
  readFileSync(new URL('../../test/fixtures/patterns/conformance.json', import.meta.url), 'utf8'),
) as { match: { name: string; dialect?: PatternDialect; pattern: unknown; cases: { event: unknown }[] }[] };

function linear(rules: readonly IndexedRule[], event: unknown): string[] {
  return rules
    .filter((r) => compilePattern(r.pattern, { dialect: r.dialect ?? 'aws' }).matches(event))
    .map((r) => r.id);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('compileRuleIndex', () => {
  it('returns the ids of the matching rules in the order they were added', () => {
    const index = compileRuleIndex([
      { id: 'eu-orders', pattern: { type: ['order.created'], data: { currency: ['EUR'] } } },
      { id: 'all-orders', pattern: { type: [{ prefix: 'order.' }] } },
      { id: 'large', pattern: { data: { total: [{ numeric: ['>', 100] }] } } },
      { id: 'payments', pattern: { type: ['payment.captured'] } },
    ]);
    expect(index.match({ type: 'order.created', data: { currency: 'EUR', total: 250 } })).toEqual([
      'eu-orders',
      'all-orders',
      'large',
    ]);
    expect(index.match({ type: 'order.created', data: { currency: 'USD', total: 5 } })).toEqual([
      'all-orders',
    ]);
    expect(index.match({ type: 'refund.issued' })).toEqual([]);
  });

  it('agrees with a linear scan on every event of the conformance table', () => {
    for (const dialect of ['aws', 'alibaba'] as const) {
      const rules = table.match
        .filter((g) => (g.dialect ?? 'aws') === dialect)
        .map((g) => ({ id: g.name, pattern: g.pattern, dialect }));
      const index = compileRuleIndex(rules);
      for (const group of table.match) {
        for (const { event } of group.cases) expect(index.match(event)).toEqual(linear(rules, event));
      }
    }
  });

  it('indexes every lookup kind and verifies what the lookup cannot prove', () => {
    const rules: IndexedRule[] = [
      { id: 'exact-number', pattern: { data: { n: [5] } } },
      { id: 'range', pattern: { data: { n: [{ numeric: ['>', 1, '<=', 5] }] } } },
      { id: 'open-range', pattern: { data: { n: [{ numeric: ['>=', 5] }] } } },
      { id: 'suffix', pattern: { data: { key: [{ suffix: '.png' }] } } },
      { id: 'suffix-ic', pattern: { data: { key: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } } },
      { id: 'prefix-ic', pattern: { data: { key: [{ prefix: { 'equals-ignore-case': 'IMG/' } }] } } },
      { id: 'eic', pattern: { data: { key: [{ 'equals-ignore-case': 'IMG/A.PNG' }] } } },
      { id: 'wildcard', pattern: { data: { key: [{ wildcard: 'img/*.png' }] } } },
      { id: 'wildcard-suffix', pattern: { data: { key: [{ wildcard: '*a.png' }] } } },
      { id: 'exists', pattern: { data: { key: [{ exists: true }] } } },
      { id: 'ipv6', pattern: { data: { ip: ['2001:db8::1'] } } },
      { id: 'booleans', pattern: { data: { flag: [true, null] } } },
      { id: 'not-indexed', pattern: { data: { key: [{ 'anything-but': 'x' }] } } },
      { id: 'alibaba-text', pattern: { data: { n: ['5'] } }, dialect: 'alibaba' },
    ];
    const index = compileRuleIndex(rules);
    const events = [
      { data: { n: 5, key: 'img/a.png', ip: '2001:0db8:0:0:0:0:0:1', flag: true } },
      { data: { n: 1, key: 'IMG/B.PNG', flag: null } },
      { data: { n: '5', key: ['x', 'doc.txt'], flag: false } },
      { data: { n: [0, 3], key: 'x' } },
      { data: [{ n: 7 }, { key: 'a.png' }] },
    ];
    for (const event of events) expect(index.match(event)).toEqual(linear(rules, event));
    expect(index.match(events[0])).toEqual([
      'exact-number',
      'range',
      'open-range',
      'suffix',
      'suffix-ic',
      'prefix-ic',
      'eic',
      'wildcard',
      'wildcard-suffix',
      'exists',
      'ipv6',
      'booleans',
      'not-indexed',
      'alibaba-text',
    ]);
  });

  it('keeps array consistency when it skips the key condition', () => {
    const index = compileRuleIndex([
      { id: 'anna-jones', pattern: { data: { e: { f: ['Anna'], l: ['Jones'] } } } },
    ]);
    expect(
      index.match({
        data: {
          e: [
            { f: 'Anna', l: 'Smith' },
            { f: 'Peter', l: 'Jones' },
          ],
        },
      }),
    ).toEqual([]);
    expect(index.match({ data: { e: [{ f: 'Peter' }, { f: 'Anna', l: 'Jones' }] } })).toEqual(['anna-jones']);
  });

  it('skips the key only where no array of objects ties it to the other conditions', () => {
    const index = compileRuleIndex([
      { id: 'paid', pattern: { data: { customer: ['c-1'], status: ['paid'] } } },
      { id: 'other', pattern: { data: { customer: ['c-2'], status: ['paid'] } } },
    ]);
    expect(index.match({ data: { customer: 'c-1', status: 'paid' } })).toEqual(['paid']);
    expect(index.match({ data: { customer: ['c-0', 'c-1'], status: 'paid' } })).toEqual(['paid']);
    expect(index.match({ data: { customer: 'c-1', status: 'open' } })).toEqual([]);
    expect(index.match({ data: [{ customer: 'c-1' }, { status: 'paid' }] })).toEqual([]);
    expect(index.match({ data: [{ customer: 'c-2' }, { customer: 'c-1', status: 'paid' }] })).toEqual([
      'paid',
    ]);
  });

  it('matches an event that is an array when one element matches a whole rule', () => {
    const index = compileRuleIndex([
      { id: 'ab', pattern: { a: ['1'], b: ['2'] } },
      { id: 'absent', pattern: { a: [{ exists: false }] } },
    ]);
    expect(index.match([{ a: '1' }, { b: '2' }])).toEqual(['absent']);
    expect(index.match([[{ a: '1', b: '2' }]])).toEqual(['ab']);
    expect(index.match([])).toEqual(['absent']);
  });

  it('finds the one matching rule among 10,000', () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => ({
      id: `r${i}`,
      pattern:
        i % 2 === 0
          ? { source: [`app.${i}`], type: ['order.created'] }
          : { source: [{ prefix: `svc-${i}-` }] },
    }));
    const index = compileRuleIndex(rules);
    expect(index.match({ source: 'app.4242', type: 'order.created' })).toEqual(['r4242']);
    expect(index.match({ source: 'app.4242', type: 'order.paid' })).toEqual([]);
    expect(index.match({ source: 'svc-777-eu' })).toEqual(['r777']);
    expect(index.match({ source: 'svc-77-eu' })).toEqual(['r77']);
  });
});

describe('createRuleIndex', () => {
  it('adds and removes rules', () => {
    const index = createRuleIndex();
    index.add({ id: 'a', pattern: { type: ['x'] } });
    index.add({ id: 'b', pattern: { type: ['x'] } });
    expect(index.match({ type: 'x' })).toEqual(['a', 'b']);
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.has('a')).toBe(false);
    expect(index.size).toBe(1);
    expect(index.match({ type: 'x' })).toEqual(['b']);
    index.add({ id: 'a', pattern: { type: [{ prefix: 'x' }] } });
    expect(index.match({ type: 'x' })).toEqual(['b', 'a']);
  });

  it('uses the index dialect unless a rule names its own', () => {
    const index = createRuleIndex({ dialect: 'alibaba' });
    index.add({ id: 'text', pattern: { data: { n: ['5'] } } });
    index.add({ id: 'typed', pattern: { data: { n: ['5'] } }, dialect: 'aws' });
    expect(index.match({ data: { n: 5 } })).toEqual(['text']);
  });

  it('rejects an invalid pattern with the rule id, and a duplicate id', () => {
    const index = createRuleIndex();
    const error = thrown(() => index.add({ id: 'bad', pattern: { data: { n: [{ numeric: ['>', '5'] }] } } }));
    expect(isTriggerError(error) && error.code).toBe('E_RULE_INVALID');
    expect(isTriggerError(error) && error.path).toBe('data.n');
    expect((error as Error).message).toMatch(/^Rule "bad": Invalid event pattern: pattern field `data.n`/);
    index.add({ id: 'ok', pattern: { type: ['x'] } });
    const duplicate = thrown(() => index.add({ id: 'ok', pattern: { type: ['y'] } }));
    expect((duplicate as Error).message).toContain('already in the index');
  });
});

describe('IPv6 exact values in the index', () => {
  it('finds a pattern written in canonical form from a compressed event value', () => {
    const index = compileRuleIndex([{ id: 'host', pattern: { data: { ip: ['2001:db8:0:0:0:0:0:1'] } } }]);
    expect(index.match({ data: { ip: '2001:db8::1' } })).toEqual(['host']);
    expect(index.match({ data: { ip: '2001:DB8::1' } })).toEqual(['host']);
    expect(index.match({ data: { ip: '2001:db8::2' } })).toEqual([]);
  });
});
