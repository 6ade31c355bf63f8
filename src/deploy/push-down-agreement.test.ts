/**
 * THE agreement test: every pattern of the conformance corpus, pushed down to every target, against the
 * platform events that would carry each case event. For each case the CloudEvent is rebuilt in the
 * shapes a platform delivers (an EventBridge event, SQS records with each kind of body, Kinesis JSON
 * records, DynamoDB stream records), run through the real normalizer, and then: whatever the in-function
 * filter accepts, the platform's pattern must accept; where push-down says `exact`, they must agree.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  caseAttributes,
  dynamoDbRecords,
  eventBridgeEvents,
  kinesisRecords,
  sqsRecords,
} from '../../test/support/push-down-cases.js';
import { compilePattern, type PatternDialect } from '../rules/compile-pattern.js';
import { KINESIS_RECORD_TYPE } from '../sources/aws/kinesis.js';
import { SQS_MESSAGE_TYPE } from '../sources/aws/sqs.js';
import { toCloudEvents } from '../sources/index.js';
import { type FilterMappingKind, type PushedDown, toEventPattern, toFilterPatterns } from './push-down.js';
import { eventPatternMatches, filterPatternsMatch } from './push-down-platform.js';

interface MatchGroup {
  readonly name: string;
  readonly dialect?: PatternDialect;
  readonly pattern: Record<string, unknown>;
  readonly cases: readonly { readonly event: unknown }[];
}

const corpus = JSON.parse(
  readFileSync(new URL('../../test/fixtures/patterns/conformance.json', import.meta.url), 'utf8'),
) as { match: MatchGroup[] };

interface Form {
  readonly name: string;
  push(pattern: Record<string, unknown>, dialect: PatternDialect): PushedDown<unknown> | undefined;
  /** The platform events that carry a case event, each with the verdict the platform reaches on it. */
  events(caseEvent: unknown): readonly unknown[];
  platform(pushed: unknown, raw: unknown): boolean;
  /** Lambda kind to normalize a record as one batch of; EventBridge events are normalized as they are. */
  readonly kind?: FilterMappingKind;
}

const lambda = (kind: FilterMappingKind, events: (e: unknown) => readonly unknown[], options = {}): Form => ({
  name: kind,
  kind,
  push: (pattern, dialect) => toFilterPatterns(pattern, kind, dialect, options),
  events,
  platform: (pushed, record) => filterPatternsMatch(pushed as Record<string, unknown>[], record, kind),
});

const FORMS: readonly Form[] = [
  {
    name: 'eventbridge',
    push: (pattern, dialect) => toEventPattern(pattern, dialect),
    events: (e) => eventBridgeEvents(caseAttributes(e)),
    platform: (pushed, event) => eventPatternMatches(pushed as Record<string, unknown>, event),
  },
  lambda('aws:sqs', (e) => sqsRecords(caseAttributes(e))),
  lambda('aws:kinesis', (e) => kinesisRecords(caseAttributes(e)), { jsonRecords: true }),
  lambda('aws:dynamodb', (e) => dynamoDbRecords(caseAttributes(e))),
];

/** The CloudEvents the normalizer makes of one platform event (none for a record it rejects). */
function normalized(raw: unknown, kind: FilterMappingKind | undefined) {
  const batch = toCloudEvents(kind === undefined ? raw : { Records: [raw] });
  return batch.items.map((item) => item.event);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as it comes out of JSON (`-0` is `0`); `undefined` stays. */
const asJson = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

type Tally = Record<string, { exact: number; partial: number; none: number; checked: number }>;

describe('push-down agrees with the in-function filter on the conformance corpus', () => {
  const tally: Tally = {};
  for (const form of FORMS) {
    for (const dialect of ['aws', 'alibaba'] as const) {
      it(`${form.name}, ${dialect} dialect`, () => {
        const counts = { exact: 0, partial: 0, none: 0, checked: 0 };
        const violations: string[] = [];
        for (const group of corpus.match.filter((g) => (g.dialect ?? 'aws') === dialect)) {
          const pushed = form.push(group.pattern, dialect);
          if (pushed === undefined) counts.none++;
          else if (pushed.exact) counts.exact++;
          else counts.partial++;
          const filter = compilePattern(group.pattern, { dialect });
          for (const c of group.cases) {
            for (const raw of form.events(c.event)) {
              for (const event of normalized(raw, form.kind)) {
                const ours = filter.matches(event);
                const theirs = pushed === undefined || form.platform(pushed.value, raw);
                counts.checked++;
                if ((ours && !theirs) || (pushed?.exact && ours !== theirs)) {
                  violations.push(
                    `${group.name}: in-function ${ours}, platform ${theirs} (exact ${pushed?.exact})\n  pushed ${JSON.stringify(pushed?.value)}\n  raw ${JSON.stringify(raw)}`,
                  );
                }
              }
            }
          }
        }
        tally[`${form.name} ${dialect}`] = counts;
        expect(violations).toEqual([]);
        expect(counts.checked).toBeGreaterThan(0);
      });
    }
  }

  it('the platform events built for a case normalize to that case', () => {
    let checked = 0;
    for (const group of corpus.match) {
      for (const c of group.cases) {
        const a = caseAttributes(c.event);
        const detail = (isObject(a.data) ? asJson(a.data) : {}) as Record<string, unknown>;
        const [event] = eventBridgeEvents(a);
        expect(normalized(event, undefined)).toEqual([
          {
            specversion: '1.0',
            id: a.id,
            source: a.source,
            type: a.type,
            time: a.time,
            ...(a.subject === undefined ? {} : { subject: a.subject }),
            datacontenttype: 'application/json',
            data: detail,
            awsregion: a.region,
            awsaccount: a.account,
          },
        ]);
        const [plain, structured] = sqsRecords(a);
        const [fromBody] = normalized(structured, 'aws:sqs');
        expect(fromBody).toMatchObject({ id: a.id, source: a.source, type: a.type, time: a.time });
        expect(fromBody?.data).toEqual(asJson(a.data));
        if (
          isObject(a.data) &&
          !['specversion', 'Type', 'detail-type', 'Records', 'Event'].some((k) => k in detail)
        ) {
          expect(normalized(plain, 'aws:sqs')).toMatchObject([
            { type: SQS_MESSAGE_TYPE, data: asJson(a.data) },
          ]);
          expect(normalized(kinesisRecords(a)[0], 'aws:kinesis')).toMatchObject([
            { type: KINESIS_RECORD_TYPE, data: asJson(a.data) },
          ]);
          const [insert] = dynamoDbRecords(a);
          expect(normalized(insert, 'aws:dynamodb')).toMatchObject([
            { data: { op: 'c', after: asJson(a.data) } },
          ]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('pushes down most of the corpus somewhere (counts in the report)', () => {
    // Printed for the record: how many corpus patterns each form pushed exactly, partly, or not at all.
    console.info(JSON.stringify(tally, null, 1));
    expect(tally['eventbridge aws']?.exact).toBeGreaterThan(0);
    expect(tally['aws:sqs aws']?.partial).toBeGreaterThan(0);
  });
});
