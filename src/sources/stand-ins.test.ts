/**
 * The detect-only stand-ins a pruned Lambda bundle uses for undeclared sources must recognize exactly
 * what their sources recognize: on every recorded fixture, on mutations of them and on arbitrary JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames } from '../../test/support/fixtures.js';
import { SOURCES } from './index.js';
import { STAND_INS } from './stand-ins.js';
import type { Source } from './types.js';

const FIXTURES = fixtureNames().map((name) => [name, fixture<unknown>(name)] as const);

const standIn = (source: Source) => STAND_INS[source.kind] as Source;

/** Every source and its stand-in answer `detect` alike; returns the first source where they differ. */
const disagreement = (raw: unknown) =>
  SOURCES.find((source) => standIn(source).detect(raw) !== source.detect(raw))?.kind;

function mutate(root: unknown, at: number, value: unknown): unknown {
  const copy = structuredClone(root);
  const slots: Array<[Record<string, unknown>, string]> = [];
  const visit = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    for (const key of Object.keys(node)) {
      slots.push([node as Record<string, unknown>, key]);
      visit((node as Record<string, unknown>)[key]);
    }
  };
  visit(copy);
  const slot = slots[at % Math.max(1, slots.length)];
  if (slot !== undefined) slot[0][slot[1]] = value;
  return copy;
}

describe('source stand-ins (triggerkit build)', () => {
  it('one per source, with its kind, label and reply', () => {
    expect(Object.keys(STAND_INS).sort()).toEqual(SOURCES.map((s) => s.kind).sort());
    for (const source of SOURCES) {
      expect([standIn(source).label, standIn(source).reply]).toEqual([source.label, source.reply]);
    }
  });

  it.each(FIXTURES.map(([name, raw]) => [name, raw]))(
    '%s: every stand-in detects as its source',
    (_, raw) => {
      expect(disagreement(raw)).toBeUndefined();
    },
  );

  it('mutated fixtures and arbitrary JSON: every stand-in detects as its source', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES.map(([, raw]) => raw)),
        fc.nat(),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('2.0', '0', 'aws:sqs', 'aws:sns', 'acs:oss')),
        (raw, at, value) => disagreement(mutate(raw, at, value)) === undefined,
      ),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.jsonValue(), (raw) => disagreement(raw) === undefined));
  });

  it('an HTTP stand-in carries the request path the refusal names, and no events', () => {
    for (const [name, raw] of FIXTURES) {
      const source = SOURCES.find((s) => s.detect(raw));
      if (source?.reply !== 'http') continue;
      const batch = standIn(source).normalize(raw, {});
      expect([name, batch.source, batch.items]).toEqual([name, source.kind, []]);
      expect(batch.http?.path).toBe(
        (raw as { rawPath?: string; path?: string }).rawPath ?? (raw as { path: string }).path,
      );
    }
  });
});
