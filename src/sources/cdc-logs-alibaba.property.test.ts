/**
 * Properties every source of this family keeps, on arbitrary JSON and on arbitrary mutations of the
 * recorded fixtures: detect and normalize throw nothing but a TriggerError, never touch their input,
 * give the same events twice, and every event they give is a valid CloudEvent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { cloudEventProblems } from '../cloud-event.js';
import { isTriggerError } from '../errors.js';
import { detectSource, sourceOf } from './index.js';
import type { NormalizeOptions, Source, SourceKind } from './types.js';

const KINDS: readonly SourceKind[] = [
  'aws:dynamodb',
  'aws:cloudwatch-logs',
  'alibaba:oss',
  'alibaba:sls',
  'alibaba:mns',
  'rocketmq',
  'debezium',
  'alibaba:eventbridge',
];
const source = (kind: SourceKind): Source => sourceOf(kind);

const FIXTURES: ReadonlyArray<readonly [SourceKind, string]> = [
  ['aws:dynamodb', 'dynamodb/orders-stream.json'],
  ['aws:dynamodb', 'dynamodb/keys-only.json'],
  ['debezium', 'debezium/postgres-update-with-schema.json'],
  ['debezium', 'debezium/mysql-insert.json'],
  ['debezium', 'debezium/message.json'],
  ['aws:cloudwatch-logs', 'cloudwatch-logs/lambda-log-lines.json'],
  ['aws:cloudwatch-logs', 'cloudwatch-logs/account-policy-extracted-fields.json'],
  ['aws:cloudwatch-logs', 'cloudwatch-logs/control-message.json'],
  ['alibaba:oss', 'oss/put-and-delete.json'],
  ['alibaba:sls', 'sls/cursor-range.json'],
  ['alibaba:mns', 'mns/json-format-with-attributes.json'],
  ['alibaba:mns', 'mns/stream-with-attributes.json'],
  ['rocketmq', 'rocketmq/apache-rocketmq-batch.json'],
  ['alibaba:eventbridge', 'rocketmq/eventbridge-binary-cloudevent.json'],
  ['alibaba:eventbridge', 'dts/fc-trigger-batch.json'],
  ['alibaba:eventbridge', 'dts/ddl.json'],
  ['alibaba:eventbridge', 'alibaba-eventbridge/custom-string-data.json'],
  ['alibaba:eventbridge', 'alibaba-eventbridge/mns-queue-batch.json'],
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A mutation: pick one node of the tree (any depth, uniformly), then replace its value or delete it. */
const mutation = fc.record({
  at: fc.nat(),
  value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('', '0', '-1', 'null', '[]', 'INSERT', 'c')),
  remove: fc.boolean(),
});

function slots(root: unknown): Array<[Record<string, unknown>, string]> {
  const found: Array<[Record<string, unknown>, string]> = [];
  const visit = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    for (const key of Object.keys(node)) {
      found.push([node as Record<string, unknown>, key]);
      visit((node as Record<string, unknown>)[key]);
    }
  };
  visit(root);
  return found;
}

function mutate(root: unknown, { at, value, remove }: { at: number; value: unknown; remove: boolean }) {
  const all = slots(root);
  const slot = all[at % Math.max(1, all.length)];
  if (slot === undefined) return;
  const [parent, key] = slot;
  if (remove && !Array.isArray(parent)) delete parent[key];
  else parent[key] = value;
}

/** Runs detect and (when it claims the input) normalize twice; returns the failure, or undefined. */
function check(subject: Source, raw: unknown, options: NormalizeOptions): string | undefined {
  const before = JSON.stringify(raw);
  deepFreeze(raw);
  try {
    if (!subject.detect(raw)) return undefined;
    const first = subject.normalize(raw, options);
    const second = subject.normalize(raw, options);
    expect(second).toStrictEqual(first);
    for (const item of first.items) {
      const problems = cloudEventProblems(item.event);
      if (problems.length > 0) return `invalid event ${item.event.id}: ${problems.join('; ')}`;
      if (typeof item.ref !== 'string' || item.ref === '') return 'an item without a ref';
    }
    for (const rejected of first.rejected ?? []) {
      if (rejected.error.code !== 'E_SOURCE_INVALID') return `rejected with ${rejected.error.code}`;
    }
  } catch (error) {
    if (!isTriggerError(error)) return `threw ${String(error)}`;
  } finally {
    expect(JSON.stringify(raw)).toBe(before);
  }
  return undefined;
}

describe('CDC, log and Alibaba sources (property): arbitrary input', () => {
  it.each(KINDS)('%s: arbitrary JSON never makes detect/normalize throw a non-TriggerError', (kind) => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        expect(check(source(kind), raw, {})).toBeUndefined();
      }),
    );
  });
});

describe('CDC, log and Alibaba sources (property): mutated fixtures', () => {
  it.each(FIXTURES)(
    '%s on %s: any mutation is either read correctly or refused with a TriggerError',
    (kind, name) => {
      fc.assert(
        fc.property(
          fc.array(mutation, { minLength: 1, maxLength: 3 }),
          fc.constantFrom<NormalizeOptions>({}, { logEvents: 'per-batch' }),
          (mutations, options) => {
            const raw = fixture(name);
            for (const m of mutations) mutate(raw, m);
            expect(check(source(kind), raw, options)).toBeUndefined();
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it.each(FIXTURES)(
    '%s on %s: the fixture itself is detected and normalizes deterministically',
    (kind, name) => {
      const raw = fixture(name);
      expect(source(kind).detect(raw)).toBe(true);
      expect(check(source(kind), raw, {})).toBeUndefined();
    },
  );
});

describe('CDC, log and Alibaba sources: reachable through the detection order', () => {
  it.each(FIXTURES.filter(([kind]) => kind !== 'alibaba:eventbridge'))(
    '%s: %s is detected by it first',
    (kind, name) => {
      expect(detectSource(fixture(name))?.kind).toBe(kind);
    },
  );
});
