/**
 * For input no source recognizes: the known source it comes closest to, and what it lacks. Each source
 * is described by the marks its detector and normalizer look for (a field present, of a type, or with a
 * value: the `marks` of its catalog row); the input is scored by the marks it has (a field present with
 * another value counts half), and the best-scoring source is named with the marks that failed, so
 * `triggerkit normalize` and the `E_SOURCE_UNKNOWN` error say "an SQS batch needs `Records[0].body`"
 * instead of only listing sources.
 */

import { CATALOG } from './catalog.js';
import type { Expect } from './catalog-row.js';
import { isObject } from './types.js';

/** `a.b[0].c` → `['a', 'b', 0, 'c']`. */
const steps = (path: string): ReadonlyArray<string | number> =>
  path
    .split(/\.|(?=\[)/)
    .filter((s) => s !== '')
    .map((s) => (s.startsWith('[') ? Number(s.slice(1, -1)) : s));

/** Every description of every source, in detection order (the first of equal scores wins). */
const COMPILED = CATALOG.flatMap(({ label, marks = [] }) =>
  marks.map(
    (description) =>
      [label, description.map(([path, expect]) => [path, steps(path), expect] as const)] as const,
  ),
);

const MISSING = Symbol('missing');

function at(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return MISSING;
      current = current[step];
    } else {
      if (!isObject(current) || !Object.hasOwn(current, step)) return MISSING;
      current = current[step];
    }
  }
  return current;
}

/**
 * 1 when the value meets the expectation, 0 when absent; a present value of the wrong type, or a string
 * close to an expected one (`aws:sq` for `aws:sqs`), 0.5; another string where a value is expected 0.25.
 */
function score(value: unknown, expect: Expect): number {
  if (value === MISSING) return 0;
  if (typeof expect !== 'string') {
    if (typeof value !== 'string') return 0.5;
    if (expect.includes(value)) return 1;
    return expect.some((option) => distance(value, option) <= Math.max(1, option.length / 3)) ? 0.5 : 0.25;
  }
  const met =
    expect === 'present' ||
    (expect === 'array'
      ? Array.isArray(value)
      : expect === 'object'
        ? isObject(value)
        : typeof value === 'string');
  return met ? 1 : 0.5;
}

/** Levenshtein distance of two short strings (attribute values such as `aws:sqs`). */
export function distance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length] as number;
}

function wanted(expect: Expect): string {
  if (typeof expect !== 'string') return expect.map((v) => JSON.stringify(v)).join(' or ');
  return expect === 'present' ? 'present' : expect === 'object' ? 'an object' : `a ${expect}`;
}

/** What `raw` lacks of each description of the source `label` (one list per description; tests). */
export function missingMarks(label: string, raw: unknown): string[][] {
  return COMPILED.filter(([l]) => l === label).map(([, marks]) => problemsOf(raw, marks).problems);
}

function problemsOf(raw: unknown, marks: (typeof COMPILED)[number][1]) {
  let total = 0;
  let full = 0;
  const problems: string[] = [];
  for (const [path, route, expect] of marks) {
    const value = at(raw, route);
    const s = score(value, expect);
    total += s;
    if (s === 1) full++;
    else if (s === 0) problems.push(`\`${path}\` is missing`);
    else problems.push(`\`${path}\` is ${describe(value)}, expected ${wanted(expect)}`);
  }
  return { total, full, problems };
}

/**
 * The closest known source to `raw` and what it lacks, as a sentence; `undefined` when the input
 * resembles none (not one mark met, nor two close).
 *
 * @example
 * closestSource({ version: '0', id: 'e1', source: 'shop', detail: {}, time: '2026-01-01T00:00:00Z' })
 * // 'The closest known source is EventBridge event: `detail-type` is missing.'
 */
export function closestSource(raw: unknown): string | undefined {
  let best: { label: string; total: number; problems: string[] } | undefined;
  for (const [label, marks] of COMPILED) {
    const { total, full, problems } = problemsOf(raw, marks);
    const ratio = total / marks.length;
    // Named only when it resembles the input: one mark met, or half marks adding up to one half.
    const resembles = full > 0 || total >= 0.5;
    if (resembles && problems.length > 0 && (best === undefined || ratio > best.total))
      best = { label, total: ratio, problems };
  }
  if (best === undefined) return undefined;
  return `The closest known source is ${best.label}: ${best.problems.join('; ')}.`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
