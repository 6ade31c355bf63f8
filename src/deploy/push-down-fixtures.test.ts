/**
 * Push-down against recorded platform events (test/fixtures/events): SQS bodies of every kind (plain
 * JSON, text, structured CloudEvents, EventBridge events incl. S3 ones, SNS notifications, S3
 * notifications), EventBridge events (custom, scheduled, S3), DynamoDB streams and Kinesis JSON records.
 * The filters are derived from what those events normalize to (each attribute, each payload field,
 * envelope-style too), so most of them match something: whatever the in-function filter accepts, the
 * pushed-down pattern must accept; where push-down says `exact`, they must agree on every record.
 */
import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames } from '../../test/support/fixtures.js';
import type { CloudEvent } from '../cloud-event.js';
import { compilePattern } from '../rules/compile-pattern.js';
import { toCloudEvents } from '../sources/index.js';
import { type FilterMappingKind, toEventPattern, toFilterPatterns } from './push-down.js';
import { eventPatternMatches, filterPatternsMatch } from './push-down-platform.js';

interface Carried {
  readonly raw: unknown;
  readonly events: readonly CloudEvent[];
}

const records = (path: string) => (fixture(path) as { Records: unknown[] }).Records;
/** What the normalizer makes of one platform event; nothing for one it cannot read (malformed records). */
function normalize(raw: unknown): CloudEvent[] {
  try {
    return toCloudEvents(raw).items.map((item) => item.event);
  } catch {
    return [];
  }
}
const carried = (kind: FilterMappingKind | 'eventbridge', raw: unknown): Carried => ({
  raw,
  events: normalize(kind === 'eventbridge' ? raw : { Records: [raw] }),
});

/** A DynamoDB change as a DynamoDB table's Kinesis stream delivers it (in a recorded Kinesis record). */
function inKinesis(change: unknown): unknown {
  const [record] = records('kinesis/mixed-data.json') as { kinesis: Record<string, unknown> }[];
  const data = Buffer.from(JSON.stringify(change)).toString('base64');
  return { ...record, kinesis: { ...record?.kinesis, data } };
}

/** Kinesis records holding one JSON object or array (what `jsonRecords` promises). */
function isJsonKinesis(record: unknown): boolean {
  const data = (record as { kinesis?: { data?: string } }).kinesis?.data ?? '';
  try {
    const value: unknown = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

const CARRIED: Record<FilterMappingKind | 'eventbridge', Carried[]> = {
  eventbridge: fixtureNames('eventbridge').map((path) => carried('eventbridge', fixture(path))),
  'aws:sqs': fixtureNames('sqs').flatMap((path) => records(path).map((r) => carried('aws:sqs', r))),
  'aws:kinesis': [
    ...fixtureNames('kinesis').flatMap((path) => records(path).filter(isJsonKinesis)),
    inKinesis(fixture('dynamodb/kinesis-change.json')),
  ].map((r) => carried('aws:kinesis', r)),
  'aws:dynamodb': ['dynamodb/orders-stream.json', 'dynamodb/keys-only.json'].flatMap((path) =>
    records(path).map((r) => carried('aws:dynamodb', r)),
  ),
};

const scalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Filters that each match `event` (and, by sharing values, some others). */
function filtersFor(event: CloudEvent): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { type: [event.type] },
    { source: [event.source] },
    { id: [event.id] },
    { type: [{ prefix: event.type.slice(0, 6) }] },
    { source: [{ prefix: event.source.slice(0, 4) }], type: [{ 'anything-but': 'none' }] },
    { $or: [{ type: [event.type] }, { source: ['nowhere'] }] },
    { 'detail-type': [event.type], source: [event.source] },
  ];
  if (event.subject !== undefined) out.push({ subject: [event.subject] }, { subject: [{ exists: true }] });
  for (const name of ['awsregion', 'awsaccount', 'time', 'specversion', 'datacontenttype'] as const) {
    const v = (event as unknown as Record<string, unknown>)[name];
    if (typeof v === 'string') out.push({ [name]: [v] });
  }
  const data = event.data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    for (const [key, v] of Object.entries(data)) {
      if (scalar(v))
        out.push(
          { data: { [key]: [v] } },
          { type: [event.type], data: { [key]: [v] } },
          { detail: { [key]: [v] } },
        );
      if (typeof v === 'number') out.push({ data: { [key]: [{ numeric: ['>=', v - 1, '<', v + 1] }] } });
      if (typeof v === 'string')
        out.push({ data: { [key]: [{ prefix: v.slice(0, 2) }, { 'anything-but': 'x' }] } });
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const [inner, w] of Object.entries(v))
          if (scalar(w)) out.push({ data: { [key]: { [inner]: [w] } } });
      }
      out.push({ data: { [key]: [{ exists: true }], absent: [{ exists: false }] } });
    }
  }
  return out;
}

const ALL_EVENTS = Object.values(CARRIED).flatMap((list) => list.flatMap((c) => c.events));
const FILTERS = [...new Map(ALL_EVENTS.flatMap(filtersFor).map((f) => [JSON.stringify(f), f])).values()];

const TARGETS: readonly {
  readonly kind: FilterMappingKind | 'eventbridge';
  push(filter: Record<string, unknown>): { value: unknown; exact: boolean } | undefined;
  platform(pushed: unknown, raw: unknown): boolean;
}[] = [
  {
    kind: 'eventbridge',
    push: (f) => toEventPattern(f),
    platform: (p, raw) => eventPatternMatches(p as Record<string, unknown>, raw),
  },
  ...(['aws:sqs', 'aws:kinesis', 'aws:dynamodb'] as const).map((kind) => ({
    kind,
    push: (f: Record<string, unknown>) => toFilterPatterns(f, kind, 'aws', { jsonRecords: true }),
    platform: (p: unknown, raw: unknown) => filterPatternsMatch(p as Record<string, unknown>[], raw, kind),
  })),
];

describe('push-down on recorded platform events', () => {
  for (const target of TARGETS) {
    it(`${target.kind}: never rejects what the filter accepts; exact means the same verdict`, () => {
      const carriedHere = CARRIED[target.kind];
      expect(carriedHere.length).toBeGreaterThan(0);
      const violations: string[] = [];
      let pushed = 0;
      let accepted = 0;
      for (const filter of FILTERS) {
        const down = target.push(filter);
        if (down !== undefined) pushed++;
        const matcher = compilePattern(filter);
        for (const { raw, events } of carriedHere) {
          const theirs = down === undefined || target.platform(down.value, raw);
          for (const event of events) {
            const ours = matcher.matches(event);
            if (ours) accepted++;
            if ((ours && !theirs) || (down?.exact && ours !== theirs))
              violations.push(
                `${JSON.stringify(filter)} → ${JSON.stringify(down)}: ours ${ours}, platform ${theirs}\n  ${JSON.stringify(raw).slice(0, 300)}`,
              );
          }
        }
      }
      expect(violations).toEqual([]);
      // The derived filters exercise the push-down, not only its refusals.
      expect(pushed).toBeGreaterThan(0);
      expect(accepted).toBeGreaterThan(0);
    });
  }
});
