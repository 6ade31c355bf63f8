/**
 * The detect-only stand-ins a pruned Lambda bundle uses for undeclared sources (`registry.ts`, derived
 * from the catalog's rows) must be refused exactly as their sources are: on every recorded fixture, on
 * mutations of them and on arbitrary JSON, the stand-in of the source that detects the input gives the
 * same kind, reply, resources, request path and answer style, and so the same `E_SOURCE_UNDECLARED`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames } from '../../test/support/fixtures.js';
import { isTriggerError } from '../errors.js';
import { checkDeclaredSource, type SourceDeclaration } from './declarations.js';
import { detectSource, toCloudEvents } from './index.js';
import { ROWS, rowOf, standIn, withResources } from './registry.js';
import type { Batch } from './types.js';

const FIXTURES = fixtureNames().map((name) => [name, fixture<unknown>(name)] as const);

/** Declarations no fixture's source matches, each naming a resource: what a pruned bundle's handler declares. */
const ELSEWHERE: SourceDeclaration[] = [{ type: 'aws:sqs', queue: 'elsewhere' }];

function refusal(batch: Batch): string {
  const declared = batch.source === 'aws:sqs' ? [{ type: 'aws:sns' } as const] : ELSEWHERE;
  try {
    checkDeclaredSource(declared, batch, 'pruned');
  } catch (error) {
    if (isTriggerError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'accepted';
}

/** The real batch and the stand-in's for `raw`, or undefined when no source takes it or it is malformed. */
function both(raw: unknown): readonly [Batch, Batch] | undefined {
  const source = detectSource(raw);
  if (source === undefined) return undefined;
  let real: Batch;
  try {
    real = toCloudEvents(raw);
  } catch {
    return undefined;
  }
  const stand = withResources(source, raw, standIn(rowOf(source.kind))(raw, {}));
  return [real, stand];
}

/** Where the stand-in's batch would be told apart from the real one by a refusal or an answer. */
function difference(raw: unknown): string | undefined {
  const pair = both(raw);
  if (pair === undefined) return undefined;
  const [real, stand] = pair;
  const seen = (b: Batch) => [
    b.source,
    b.reply,
    b.resources,
    b.http?.path,
    b.http?.multiValueHeaders,
    refusal(b),
  ];
  const [a, b] = [JSON.stringify(seen(real)), JSON.stringify(seen(stand))];
  return a === b ? undefined : `${a} ≠ ${b}`;
}

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
  it('one per row: its kind and reply, no events', () => {
    for (const [name, raw] of FIXTURES) {
      const source = detectSource(raw);
      if (source === undefined) continue;
      const batch = standIn(rowOf(source.kind))(raw, {});
      expect([name, batch.source, batch.reply, batch.items]).toEqual([name, source.kind, source.reply, []]);
    }
    expect(ROWS.filter((row) => row.reply === 'http').every((row) => row.envelope !== undefined)).toBe(true);
  });

  it.each(FIXTURES.map(([name, raw]) => [name, raw]))(
    '%s: the stand-in is refused as its source is, with the same resources, path and answer style',
    (_, raw) => {
      expect(difference(raw)).toBeUndefined();
    },
  );

  it('mutated fixtures and arbitrary JSON: the stand-in is refused as its source is', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES.map(([, raw]) => raw)),
        fc.nat(),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('2.0', '0', 'orders', 'aws:sqs', 'acs:oss')),
        (raw, at, value) => difference(mutate(raw, at, value)) === undefined,
      ),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(fc.jsonValue(), (raw) => difference(raw) === undefined));
  });

  it('an HTTP stand-in carries the request path the refusal names, and the ALB answer style', () => {
    const multi = FIXTURES.find(([name]) => name === 'alb/order-webhook-multi-value.json')?.[1];
    const alb = standIn(rowOf('aws:alb'));
    expect(alb(multi, {}).http).toEqual({ path: '/webhooks/orders', multiValueHeaders: true });
    expect(alb({ ...(multi as object), path: 7 }, {}).http).toEqual({ multiValueHeaders: true });
  });
});
