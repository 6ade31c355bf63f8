import { describe, expect, it } from 'vitest';
import { isTriggerError } from '../../errors.js';
import { parseScheduleExpression, readScheduleExpression } from './schedule-expression.js';
import { nextFireTime } from './schedule-next.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('schedule expressions', () => {
  it.each([
    ['rate(1 minute)', { kind: 'rate', value: 1, unit: 'minute', periodMs: 60_000 }],
    ['rate(5 minutes)', { kind: 'rate', value: 5, unit: 'minute', periodMs: 300_000 }],
    ['rate(2 hours)', { kind: 'rate', value: 2, unit: 'hour', periodMs: 7_200_000 }],
    ['rate(1 day)', { kind: 'rate', value: 1, unit: 'day', periodMs: 86_400_000 }],
    ['cron(0 12 * * ? *)', { kind: 'cron', minutes: [0], hours: [12] }],
    ['cron(0/15 * ? * MON-FRI *)', { kind: 'cron', minutes: [0, 15, 30, 45] }],
    ['cron(1/20 6,18 * * ? *)', { kind: 'cron', minutes: [1, 21, 41], hours: [6, 18] }],
    ['cron(0 22-2 * * ? *)', { kind: 'cron', hours: [0, 1, 2, 22, 23] }],
    ['cron(0 8 ? * 2#1 2026-2030)', { kind: 'cron', day: { kind: 'nth-of-month', weekday: 2, nth: 1 } }],
    ['cron(0 18 L * ? *)', { kind: 'cron', day: { kind: 'last-day' } }],
    ['cron(0 18 LW * ? *)', { kind: 'cron', day: { kind: 'last-weekday' } }],
    ['cron(15 10 ? * 6L 2026)', { kind: 'cron', day: { kind: 'last-of-month', weekday: 6 } }],
    ['cron(0 0 15W JAN,JUL ? *)', { kind: 'cron', day: { kind: 'nearest-weekday', day: 15 } }],
  ])('reads %s', (text, expected) => {
    expect(parseScheduleExpression(text)).toMatchObject({ text, ...expected });
  });

  it('reads names, ranges and lists into sets', () => {
    const cron = parseScheduleExpression('cron(0 12 ? JAN-MAR,DEC SAT-MON 2026,2028)');
    if (cron.kind !== 'cron') throw new Error('expected a cron expression');
    expect([...cron.months]).toEqual([1, 2, 3, 12]);
    expect(cron.day).toEqual({ kind: 'weekdays', weekdays: new Set([7, 1, 2]) });
    expect([...cron.years]).toEqual([2026, 2028]);
  });

  it.each([
    ['rate(1 minutes)', 'a rate of 1 takes the singular unit: rate(1 minute)'],
    ['rate(5 minute)', 'a rate other than 1 takes the plural unit: rate(5 minutes)'],
    ['rate(1 hours)', 'a rate of 1 takes the singular unit: rate(1 hour)'],
    ['rate(0 minutes)', `the rate's value must be a positive whole number, got "0", e.g. rate(5 minutes)`],
    ['rate(five minutes)', `the rate's value must be a positive whole number, got "five"`],
    ['rate(5 seconds)', `the rate's unit must be minute(s), hour(s) or day(s), got "seconds"`],
    ['rate(5)', 'a rate is a whole number and a unit, e.g. rate(5 minutes)'],
    [
      'every 5 minutes',
      'EventBridge takes rate(value unit) or cron(fields), e.g. rate(5 minutes) or cron(0 12 * * ? *)',
    ],
    ['0 12 * * ? *', 'EventBridge takes rate(value unit) or cron(fields)'],
    [
      'cron(0 12 * * ?)',
      'a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got 5',
    ],
    ['cron(0 12 * * * *)', 'one of day-of-month and day-of-week must be ?'],
    ['cron(0 12 1 * MON *)', 'one of day-of-month and day-of-week must be ?'],
    ['cron(0 12 ? * ? *)', 'only one of day-of-month and day-of-week can be ?'],
    ['cron(60 12 * * ? *)', 'minutes must be 0-59, got "60", e.g. 0/15'],
    ['cron(0 24 * * ? *)', 'hours must be 0-23, got "24"'],
    ['cron(0 12 0 * ? *)', 'day-of-month must be 1-31, got "0"'],
    ['cron(0 12 * FOO ? *)', 'month must be 1-12 or JAN-DEC, got "FOO"'],
    ['cron(0 12 ? * 8 *)', 'day-of-week must be 1-7 or SUN-SAT, got "8"'],
    ['cron(0 12 * * ? 1969)', 'year must be 1970-2199, got "1969"'],
    ['cron(0 12 ? * 3#1,6#3 *)', '# takes one weekday and its number in the month, alone in the field'],
    ['cron(0 12 ? * 3#6 *)', 'the number after # must be 1-5'],
    ['cron(0 12 ? * */2 *)', 'EventBridge takes no / increments in day-of-week'],
    ['cron(0 12 L,15 * ? *)', 'L, LW and nW (the weekday nearest day n) stand alone in the field'],
    ['cron(0 12 ? * MON,5L *)', 'L and nL (the last such weekday of the month) stand alone'],
    ['cron(0/0 12 * * ? *)', 'the increment must be a positive whole number'],
    ['cron(0 ? * * ? *)', '? (any) is only for day-of-month or day-of-week'],
    ['cron(0,,5 12 * * ? *)', 'minutes "0,,5" has an empty item'],
  ])('refuses %s: %s', (text, problem) => {
    const read = readScheduleExpression(text);
    expect(typeof read).toBe('string');
    expect(read).toContain(problem);
  });

  it('throws E_CONFIG with the expression and the problem', () => {
    let thrown: unknown;
    try {
      parseScheduleExpression('rate(1 minutes)');
    } catch (error) {
      thrown = error;
    }
    expect(isTriggerError(thrown) && thrown.code).toBe('E_CONFIG');
    expect((thrown as Error).message).toBe(
      'Invalid schedule expression "rate(1 minutes)": a rate of 1 takes the singular unit: rate(1 minute).',
    );
  });
});

describe('nextFireTime', () => {
  it('fires a rate every period from its anchor', () => {
    const rate = parseScheduleExpression('rate(5 minutes)');
    expect(iso(nextFireTime(rate, at('2026-01-01T10:02:30Z')))).toBe('2026-01-01T10:07:30.000Z');
    const daily = parseScheduleExpression('rate(1 day)');
    const anchor = at('2026-01-01T06:00:00Z');
    expect(iso(nextFireTime(daily, at('2026-01-02T18:00:00Z'), anchor))).toBe('2026-01-03T06:00:00.000Z');
    expect(iso(nextFireTime(daily, anchor, anchor))).toBe('2026-01-02T06:00:00.000Z');
  });

  // 1 Jan 2026 is a Thursday.
  it.each([
    ['cron(0 12 * * ? *)', '2026-01-01T11:59:30Z', '2026-01-01T12:00:00.000Z'],
    ['cron(0 12 * * ? *)', '2026-01-01T12:00:00Z', '2026-01-02T12:00:00.000Z'],
    ['cron(0/15 * * * ? *)', '2026-01-01T10:07:00Z', '2026-01-01T10:15:00.000Z'],
    ['cron(1/10 * * * ? *)', '2026-01-01T10:51:00Z', '2026-01-01T11:01:00.000Z'],
    ['cron(0 9-17 ? * MON-FRI *)', '2026-01-03T10:00:00Z', '2026-01-05T09:00:00.000Z'],
    ['cron(0 9-17 ? * 2-6 *)', '2026-01-05T17:00:00Z', '2026-01-06T09:00:00.000Z'],
    ['cron(0 22-2 * * ? *)', '2026-01-01T02:00:00Z', '2026-01-01T22:00:00.000Z'],
    ['cron(0 22-2 * * ? *)', '2026-01-01T23:00:00Z', '2026-01-02T00:00:00.000Z'],
    ['cron(30 6 1 JAN,JUL ? *)', '2026-01-01T06:30:00Z', '2026-07-01T06:30:00.000Z'],
    ['cron(0 12 L * ? *)', '2026-02-01T00:00:00Z', '2026-02-28T12:00:00.000Z'],
    ['cron(0 12 L * ? *)', '2028-02-01T00:00:00Z', '2028-02-29T12:00:00.000Z'],
    // 31 May 2026 is a Sunday: the last weekday is Friday the 29th.
    ['cron(0 12 LW * ? *)', '2026-05-01T00:00:00Z', '2026-05-29T12:00:00.000Z'],
    // 15 Aug 2026 is a Saturday: the nearest weekday is Friday the 14th.
    ['cron(0 12 15W * ? *)', '2026-08-01T00:00:00Z', '2026-08-14T12:00:00.000Z'],
    // 1 Aug 2026 is a Saturday: 1W stays in August, on Monday the 3rd.
    ['cron(0 12 1W * ? *)', '2026-07-31T13:00:00Z', '2026-08-03T12:00:00.000Z'],
    ['cron(0 12 31W * ? *)', '2026-04-01T00:00:00Z', '2026-05-29T12:00:00.000Z'],
    ['cron(0 12 ? * 3#2 *)', '2026-01-01T00:00:00Z', '2026-01-13T12:00:00.000Z'],
    ['cron(0 12 ? * TUE#5 *)', '2026-01-01T00:00:00Z', '2026-03-31T12:00:00.000Z'],
    ['cron(0 12 ? * 6L *)', '2026-01-01T00:00:00Z', '2026-01-30T12:00:00.000Z'],
    ['cron(0 12 ? * L *)', '2026-01-01T00:00:00Z', '2026-01-03T12:00:00.000Z'],
    ['cron(0 12 ? * SUN *)', '2026-01-01T00:00:00Z', '2026-01-04T12:00:00.000Z'],
    ['cron(0 12 29 FEB ? *)', '2026-01-01T00:00:00Z', '2028-02-29T12:00:00.000Z'],
    ['cron(0 0 1 JAN ? 2028)', '2026-06-01T00:00:00Z', '2028-01-01T00:00:00.000Z'],
    ['cron(0 0 1 JAN ? 2028/2)', '2028-01-01T00:00:00Z', '2030-01-01T00:00:00.000Z'],
    ['cron(0 0 1 JAN ? 2028)', '2028-01-01T00:00:00Z', undefined],
    ['cron(0 12 31 FEB ? *)', '2026-01-01T00:00:00Z', undefined],
  ])('%s after %s → %s', (text, after, expected) => {
    expect(iso(nextFireTime(parseScheduleExpression(text), at(after)))).toBe(expected);
  });
});
