/**
 * EventBridge schedule expressions — `rate(5 minutes)`, `cron(0 12 * * ? *)` — read exactly as
 * EventBridge reads them, for the `aws:schedule` declaration (checked when the handler is defined) and the
 * emulator's live schedules. Pure: text in, data or a problem out. When one fires: schedule-next.ts.
 *
 * Cron fields: minutes hours day-of-month month day-of-week year, in UTC. Day-of-week 1-7 is SUN-SAT.
 * One of day-of-month and day-of-week is `?`. `L` (last), `W` (nearest weekday), `#` (nth weekday of the
 * month) as EventBridge documents them; `L`, `LW`, `nW`, `nL` and `n#k` stand alone in their field.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */
import { TriggerError } from '../../errors.js';

export type ScheduleExpression = RateExpression | CronExpression;

export interface RateExpression {
  readonly kind: 'rate';
  readonly text: string;
  readonly value: number;
  readonly unit: 'minute' | 'hour' | 'day';
  readonly periodMs: number;
}

/** Which days of a month a cron expression fires on: by day-of-month or by day-of-week. */
export type DayRule =
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last-day' }
  | { readonly kind: 'last-weekday' }
  | { readonly kind: 'nearest-weekday'; readonly day: number }
  /** Weekdays 1-7 (SUN-SAT). */
  | { readonly kind: 'weekdays'; readonly weekdays: ReadonlySet<number> }
  | { readonly kind: 'last-of-month'; readonly weekday: number }
  | { readonly kind: 'nth-of-month'; readonly weekday: number; readonly nth: number };

export interface CronExpression {
  readonly kind: 'cron';
  readonly text: string;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  readonly day: DayRule;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const EXAMPLES = 'rate(5 minutes) or cron(0 12 * * ? *)';

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Whether `/` increments are allowed. */
  readonly step: boolean;
  readonly example: string;
}
const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59, step: true, example: '0/15' },
  hours: { name: 'hours', min: 0, max: 23, step: true, example: '9-17' },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31, step: true, example: '1,15' },
  month: { name: 'month', min: 1, max: 12, names: MONTHS, step: true, example: 'JAN-MAR' },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: DAYS, step: false, example: 'MON-FRI' },
  year: { name: 'year', min: 1970, max: 2199, step: true, example: '2026-2030' },
} as const satisfies Record<string, Field>;

/** A problem with an expression: what is wrong and a valid form, without the expression itself. */
class Problem extends Error {}

/**
 * Reads a schedule expression; throws `E_CONFIG` saying what is wrong and showing a valid example.
 *
 * @example
 * parseScheduleExpression('rate(5 minutes)'); // { kind: 'rate', value: 5, unit: 'minute', periodMs: 300000, … }
 */
export function parseScheduleExpression(text: string): ScheduleExpression {
  const read = readScheduleExpression(text);
  if (typeof read === 'string')
    throw new TriggerError('E_CONFIG', `Invalid schedule expression ${JSON.stringify(text)}: ${read}.`);
  return read;
}

/** The expression, or what is wrong with it (one phrase with a valid example). */
export function readScheduleExpression(text: string): ScheduleExpression | string {
  try {
    const trimmed = text.trim();
    const rate = /^rate\((.*)\)$/s.exec(trimmed);
    if (rate) return readRate(trimmed, rate[1] as string);
    const cron = /^cron\((.*)\)$/s.exec(trimmed);
    if (cron) return readCron(trimmed, cron[1] as string);
    throw new Problem(`EventBridge takes rate(value unit) or cron(fields), e.g. ${EXAMPLES}`);
  } catch (error) {
    if (error instanceof Problem) return error.message;
    throw error;
  }
}

function readRate(text: string, inner: string): RateExpression {
  const parts = inner.trim().split(/\s+/);
  const [count, unit] = parts;
  if (parts.length !== 2 || count === undefined || unit === undefined)
    throw new Problem('a rate is a whole number and a unit, e.g. rate(5 minutes) or rate(1 hour)');
  if (!/^[0-9]+$/.test(count) || Number(count) < 1)
    throw new Problem(
      `the rate's value must be a positive whole number, got "${count}", e.g. rate(5 minutes)`,
    );
  const value = Number(count);
  const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit;
  if (!Object.hasOwn(UNIT_MS, singular))
    throw new Problem(
      `the rate's unit must be minute(s), hour(s) or day(s), got "${unit}", e.g. rate(5 minutes)`,
    );
  // EventBridge refuses `rate(1 minutes)` and `rate(5 minute)`.
  if (value === 1 && unit !== singular)
    throw new Problem(`a rate of 1 takes the singular unit: rate(1 ${singular})`);
  if (value !== 1 && unit === singular)
    throw new Problem(`a rate other than 1 takes the plural unit: rate(${value} ${singular}s)`);
  const key = singular as keyof typeof UNIT_MS;
  return Object.freeze({ kind: 'rate', text, value, unit: key, periodMs: value * UNIT_MS[key] });
}

function readCron(text: string, inner: string): CronExpression {
  const parts = inner.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 6)
    throw new Problem(
      `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}, e.g. cron(0 12 * * ? *)`,
    );
  const [minutes, hours, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  const domAny = dom === '?';
  const dowAny = dow === '?';
  if (domAny === dowAny)
    throw new Problem(
      domAny
        ? 'only one of day-of-month and day-of-week can be ?, e.g. cron(0 12 * * ? *)'
        : 'one of day-of-month and day-of-week must be ? (EventBridge takes one of them), e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *)',
    );
  return Object.freeze({
    kind: 'cron',
    text,
    minutes: [...readList(minutes, FIELDS.minutes)].sort((a, b) => a - b),
    hours: [...readList(hours, FIELDS.hours)].sort((a, b) => a - b),
    months: readList(month, FIELDS.month),
    years: readList(year, FIELDS.year),
    day: domAny ? readDayOfWeek(dow) : readDayOfMonth(dom),
  });
}

function readDayOfMonth(text: string): DayRule {
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'last-day' };
  if (upper === 'LW') return { kind: 'last-weekday' };
  const weekday = /^([0-9]+)W$/.exec(upper);
  if (weekday) return { kind: 'nearest-weekday', day: readValue(weekday[1] as string, FIELDS.dayOfMonth) };
  if (/[LW]/.test(upper))
    throw new Problem(
      `day-of-month "${text}": L, LW and nW (the weekday nearest day n) stand alone in the field, e.g. cron(0 12 L * ? *) or cron(0 12 15W * ? *)`,
    );
  return { kind: 'days', days: readList(text, FIELDS.dayOfMonth) };
}

function readDayOfWeek(text: string): DayRule {
  const upper = text.toUpperCase();
  // `L` alone is the last day of the week (SAT); `nL` the last such weekday of the month.
  if (upper === 'L') return { kind: 'weekdays', weekdays: new Set([7]) };
  const last = /^(\w+)L$/.exec(upper);
  if (last && !upper.includes(','))
    return { kind: 'last-of-month', weekday: readValue(last[1] as string, FIELDS.dayOfWeek) };
  if (upper.includes('#')) {
    const nth = /^(\w+)#([0-9]+)$/.exec(upper);
    if (!nth)
      throw new Problem(
        `day-of-week "${text}": # takes one weekday and its number in the month, alone in the field (EventBridge refuses 3#1,6#3), e.g. cron(0 12 ? * 3#2 *) for the second Tuesday`,
      );
    const n = Number(nth[2]);
    if (n < 1 || n > 5)
      throw new Problem(
        `day-of-week "${text}": the number after # must be 1-5, e.g. 3#2 (the second Tuesday)`,
      );
    return { kind: 'nth-of-month', weekday: readValue(nth[1] as string, FIELDS.dayOfWeek), nth: n };
  }
  if (upper.includes('L'))
    throw new Problem(
      `day-of-week "${text}": L and nL (the last such weekday of the month) stand alone in the field, e.g. cron(0 12 ? * 6L *)`,
    );
  return { kind: 'weekdays', weekdays: readList(text, FIELDS.dayOfWeek) };
}

/** A field of `,`-separated items, each `*`, `n`, `a-b` (wrapping past the end, as Quartz reads it) or with `/step`. */
function readList(text: string, field: Field): ReadonlySet<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new Problem(`${field.name} "${text}" has an empty item, e.g. ${field.example}`);
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined || (stepText !== undefined && !field.step))
      throw new Problem(
        field.step
          ? `${field.name} "${item}": write one increment, as start/step, e.g. 0/15`
          : `${field.name} "${item}": EventBridge takes no / increments in ${field.name}, e.g. ${field.example}`,
      );
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!/^[0-9]+$/.test(stepText ?? '1') || step < 1)
      throw new Problem(`${field.name} "${item}": the increment must be a positive whole number, e.g. 0/15`);
    const [from, to] = rangeOf(range as string, field, stepText !== undefined);
    const span = to >= from ? to - from : field.max - from + 1 + to - field.min;
    for (let i = 0; i <= span; i += step)
      values.add(from + i > field.max ? from + i - field.max - 1 + field.min : from + i);
  }
  return values;
}

/** `*`, `n`, `a-b`; a lone `n` with a step runs to the field's end. */
function rangeOf(text: string, field: Field, stepped: boolean): [number, number] {
  if (text === '*') return [field.min, field.max];
  if (text === '?')
    throw new Problem(
      `${field.name}: ? (any) is only for day-of-month or day-of-week, e.g. ${field.example}`,
    );
  const dash = text.indexOf('-', 1);
  if (dash === -1) {
    const value = readValue(text, field);
    return [value, stepped ? field.max : value];
  }
  return [readValue(text.slice(0, dash), field), readValue(text.slice(dash + 1), field)];
}

function readValue(text: string, field: Field): number {
  const upper = text.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  if (named !== -1) return named + 1;
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= field.min && value <= field.max)) {
    const names = field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : '';
    throw new Problem(
      `${field.name} must be ${field.min}-${field.max}${names}, got "${text}", e.g. ${field.example}`,
    );
  }
  return value;
}
