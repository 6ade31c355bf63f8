import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTriggerError } from '../errors.js';
import { compilePattern, type PatternDialect } from './compile-pattern.js';

interface MatchGroup {
  name: string;
  dialect?: PatternDialect;
  pattern: unknown;
  cases: { matches: boolean; event: unknown; note?: string }[];
}
interface InvalidCase {
  name: string;
  dialect?: PatternDialect;
  pattern: unknown;
  path: string;
  message: string;
}

const table = JSON.parse(
  readFileSync(new URL('../../test/fixtures/patterns/conformance.json', import.meta.url), 'utf8'),
) as { match: MatchGroup[]; invalid: InvalidCase[] };

describe('conformance: matching', () => {
  for (const group of table.match) {
    const dialect = group.dialect ?? 'aws';
    it(`${dialect}: ${group.name}`, () => {
      const matcher = compilePattern(group.pattern, { dialect });
      const results = group.cases.map((c) => ({ event: c.event, matches: matcher.matches(c.event) }));
      expect(results).toEqual(group.cases.map((c) => ({ event: c.event, matches: c.matches })));
    });
  }
});

describe('conformance: rejected patterns', () => {
  for (const c of table.invalid) {
    const dialect = c.dialect ?? 'aws';
    it(`${dialect}: ${c.name}`, () => {
      let error: unknown;
      try {
        compilePattern(c.pattern, { dialect });
      } catch (e) {
        error = e;
      }
      expect(isTriggerError(error), 'compilePattern should throw a TriggerError').toBe(true);
      if (!isTriggerError(error)) return;
      expect(error.code).toBe('E_RULE_INVALID');
      expect(error.path).toBe(c.path);
      expect(error.message).toContain(c.message);
      expect(error.message).toMatch(/^Invalid event pattern: /);
    });
  }
});
