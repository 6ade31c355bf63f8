/**
 * Properties of the HTTP envelopes (API Gateway REST and HTTP APIs, function URLs, ALB): arbitrary JSON
 * and arbitrary mutations of the recorded fixtures never make detect/normalize throw anything but a
 * TriggerError, never mutate the input, and give the same result twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError } from '../../errors.js';
import { SOURCES } from '../index.js';
import type { NormalizeOptions } from '../types.js';

const HTTP_SOURCES = SOURCES.filter((source) => source.reply === 'http');

const FOLDERS = ['apigw-http', 'apigw-rest', 'alb', 'lambda-url', 'webhooks'];
const FIXTURES: unknown[] = FOLDERS.flatMap((folder) => fixtureNames(folder).map((name) => fixture(name)));

const OPTIONS: NormalizeOptions[] = [
  {},
  { now: 1_763_899_205_000, http: { path: '/', verify: { provider: 'github', secret: 'test-secret' } } },
  { now: 1_763_899_205_000, http: { path: '/', verify: { provider: 'stripe', secret: 'test-secret' } } },
  { now: 1_763_899_205_000, http: { path: '/', verify: { provider: 'slack', secret: 'test-secret' } } },
  {
    now: 1_763_899_205_000,
    http: { path: '/', verify: { provider: 'standard-webhooks', secret: 'whsec_dGVzdC1rZXk=' } },
  },
  {
    http: { path: '/', method: 'POST', allow: { cidrs: ['0.0.0.0/0', '::/0'], referers: ['*.example.com'] } },
  },
];

/** Every path to a value inside a JSON document. */
function paths(value: unknown, prefix: readonly (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [[...prefix]];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [[...prefix], ...entries.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

function mutate(
  doc: unknown,
  path: readonly (string | number)[],
  replacement: unknown,
  remove: boolean,
): unknown {
  const copy = structuredClone(doc);
  if (path.length === 0) return replacement;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (remove) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

const mutatedFixture = fc
  .tuple(fc.constantFrom(...FIXTURES), fc.nat(), fc.jsonValue(), fc.boolean())
  .map(([doc, n, replacement, remove]) => {
    const all = paths(doc);
    return mutate(doc, all[n % all.length] ?? [], replacement, remove);
  });

/** Runs every HTTP source on the input; only TriggerErrors may be thrown, the input stays as it was. */
function exercise(raw: unknown, options: NormalizeOptions): void {
  const before = structuredClone(raw);
  for (const source of HTTP_SOURCES) {
    let detected = false;
    try {
      detected = source.detect(raw);
      if (!detected) continue;
      const first = source.normalize(raw, options);
      for (const item of first.items) expect(cloudEventProblems(item.event)).toEqual([]);
      expect(source.normalize(raw, options)).toStrictEqual(first);
    } catch (error) {
      if (!isTriggerError(error)) throw error;
    }
  }
  expect(raw).toStrictEqual(before);
}

describe('HTTP envelopes under arbitrary input', () => {
  it('arbitrary JSON: only TriggerErrors, no mutation', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...OPTIONS), (raw, options) => exercise(raw, options)),
      { numRuns: 300 },
    );
  });

  it('arbitrary mutations of the recorded fixtures: only TriggerErrors, no mutation, deterministic', () => {
    fc.assert(
      fc.property(mutatedFixture, fc.constantFrom(...OPTIONS), (raw, options) => exercise(raw, options)),
      { numRuns: 1000 },
    );
  });

  it('arbitrary header maps and bodies inside a real envelope', () => {
    const [base] = FIXTURES;
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.jsonValue()), { noNullPrototype: true }),
        fc.oneof(fc.string(), fc.base64String()),
        fc.boolean(),
        fc.constantFrom(...OPTIONS),
        (headers, body, isBase64Encoded, options) =>
          exercise({ ...(base as object), headers, body, isBase64Encoded }, options),
      ),
      { numRuns: 500 },
    );
  });
});
