import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames, sample, sampleNames } from '../../test/support/fixtures.js';
import { isTriggerError } from '../errors.js';
import { closestSource, missingMarks } from './closest.js';
import { detectSource, toCloudEvents } from './index.js';

/** Our recorded events, and the public reference corpus beside the project when it is there. */
const fixtures = [
  ...fixtureNames().map((name) => [name, fixture<unknown>(name)] as const),
  ...sampleNames().map((name) => [name, sample<unknown>(name)] as const),
];

function unknownMessage(raw: unknown): string | undefined {
  try {
    toCloudEvents(raw);
  } catch (error) {
    if (isTriggerError(error) && error.code === 'E_SOURCE_UNKNOWN') return error.message;
  }
  return undefined;
}

/** `raw` without the field at `path` (`a.b[0].c`), or `undefined` when it has no such field. */
function without(raw: unknown, path: string): unknown {
  const copy = structuredClone(raw);
  const steps = path.split(/\.|(?=\[)/).filter((s) => s !== '');
  let parent: unknown = copy;
  for (const step of steps.slice(0, -1)) {
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step;
    parent = (parent as Record<string | number, unknown> | undefined)?.[key];
    if (parent === null || typeof parent !== 'object') return undefined;
  }
  const last = steps.at(-1) as string;
  const key = last.startsWith('[') ? Number(last.slice(1, -1)) : last;
  const object = parent as Record<string | number, unknown>;
  if (!Object.hasOwn(object, key)) return undefined;
  delete object[key];
  return copy;
}

describe('closestSource', () => {
  it.each([
    [
      { Records: [{ eventSource: 'aws:sq' }] },
      'The closest known source is SQS batch: `Records[0].eventSource` is "aws:sq", expected "aws:sqs"; ' +
        '`Records[0].messageId` is missing; `Records[0].body` is missing; `Records[0].eventSourceARN` is missing.',
    ],
    [{ id: '1', source: 'shop', type: 'order' }, 'CloudEvent (structured JSON): `specversion` is missing.'],
    [
      { version: '0', id: '1', source: 'shop', detail: {}, time: '2026-01-01T00:00:00Z' },
      'EventBridge event: `detail-type` is missing.',
    ],
    [
      { awslogs: { data: 5 } },
      'CloudWatch Logs subscription: `awslogs.data` is number 5, expected a string.',
    ],
  ])('names the source %j resembles and what it lacks', (raw, expected) => {
    expect(closestSource(raw)).toContain(expected);
    expect(unknownMessage(raw)).toContain(expected);
  });

  it.each([[{}], [{ hello: 'world' }], [{ name: 'app', version: '0.1.0' }], [[1, 2]], ['text'], [null]])(
    'names none for %j, which resembles nothing',
    (raw) => {
      expect(closestSource(raw)).toBeUndefined();
      expect(unknownMessage(raw)).toContain('It resembles none of them');
    },
  );

  it('every recorded event meets one description of its source in full (no mark asks too much)', () => {
    const checked = fixtures.flatMap(([name, raw]) => {
      const source = detectSource(raw);
      const descriptions = source === undefined ? [] : missingMarks(source.label, raw);
      return descriptions.length === 0 ? [] : [{ name, met: descriptions.some((p) => p.length === 0) }];
    });
    expect(checked.length).toBeGreaterThan(40);
    expect(checked.filter((c) => !c.met)).toEqual([]);
  });

  it('a recorded event stripped of a field its source needs to be recognized is named with that field', () => {
    let named = 0;
    for (const [name, raw] of fixtures) {
      const source = detectSource(raw);
      if (source === undefined) continue;
      for (const problems of missingMarks(source.label, raw)) {
        if (problems.length > 0) continue;
        for (const path of markPaths(source.label)) {
          const stripped = without(raw, path);
          if (stripped === undefined || !resembles(source.label, stripped)) continue;
          const message = unknownMessage(stripped);
          if (message === undefined) continue; // still recognized (by this source or another)
          expect(message, `${name} without ${path}`).toContain(`The closest known source is ${source.label}`);
          expect(message, `${name} without ${path}`).toContain(`\`${path}\` is missing`);
          named++;
        }
      }
    }
    expect(named).toBeGreaterThan(20);
  });
});

/** Whether `raw` still meets at least one mark of one description of the source. */
function resembles(label: string, raw: unknown): boolean {
  const all = missingMarks(label, {});
  return missingMarks(label, raw).some((problems, i) => problems.length < (all[i]?.length ?? 0));
}

/** The mark paths of a source: the fields `missingMarks` reports on an empty object. */
function markPaths(label: string): string[] {
  return missingMarks(label, {})
    .flat()
    .map((problem) => /^`([^`]+)`/.exec(problem)?.[1] as string);
}
