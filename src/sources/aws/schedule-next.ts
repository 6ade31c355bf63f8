/**
 * When an EventBridge schedule fires next. Pure: the time is passed in (ms since the epoch, UTC).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */
import type { CronExpression, DayRule, ScheduleExpression } from './schedule-expression.js';

const MINUTE = 60_000;
/** The last year a cron expression can name. */
const LAST_YEAR = 2199;

/**
 * The first time `expression` fires strictly after `after`, or undefined when it never fires again (a
 * cron expression whose years are past). A rate fires every period from `anchor` (default `after`): the
 * series `anchor + k × period`.
 *
 * @example
 * nextFireTime(parseScheduleExpression('cron(0 12 ? * MON-FRI *)'), Date.UTC(2026, 0, 3)); // Mon 5 Jan 2026 12:00 UTC
 */
export function nextFireTime(
  expression: ScheduleExpression,
  after: number,
  anchor = after,
): number | undefined {
  if (expression.kind === 'rate') {
    const k = Math.floor((after - anchor) / expression.periodMs) + 1;
    return anchor + k * expression.periodMs;
  }
  return nextCron(expression, after);
}

function nextCron(cron: CronExpression, after: number): number | undefined {
  const start = new Date(Math.floor(after / MINUTE) * MINUTE + MINUTE);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  let hour = start.getUTCHours();
  let minute = start.getUTCMinutes();
  const nextMonth = () => {
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
    day = 1;
    hour = 0;
    minute = 0;
  };
  const nextDay = () => {
    day++;
    hour = 0;
    minute = 0;
    if (day > daysIn(year, month)) nextMonth();
  };
  while (year <= LAST_YEAR) {
    if (!cron.years.has(year)) {
      year++;
      month = 1;
      day = 1;
      hour = 0;
      minute = 0;
    } else if (!cron.months.has(month)) nextMonth();
    else if (!dayMatches(cron.day, year, month, day)) nextDay();
    else {
      const h = firstFrom(cron.hours, hour);
      if (h === undefined) {
        nextDay();
        continue;
      }
      if (h > hour) minute = 0;
      hour = h;
      const m = firstFrom(cron.minutes, minute);
      if (m !== undefined) return Date.UTC(year, month - 1, day, hour, m);
      hour++;
      minute = 0;
      if (hour > 23) nextDay();
    }
  }
  return undefined;
}

/** The first value at least `from` in a sorted list. */
function firstFrom(sorted: readonly number[], from: number): number | undefined {
  for (const value of sorted) if (value >= from) return value;
  return undefined;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of the week 1-7 (SUN-SAT), as cron numbers it. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The weekday (MON-FRI) nearest `day`, without leaving the month; a Saturday 1st moves to Monday 3rd. */
function nearestWeekday(year: number, month: number, day: number): number {
  const last = daysIn(year, month);
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1;
  if (weekday === 1) return day === last ? day - 2 : day + 1;
  return day;
}

function dayMatches(rule: DayRule, year: number, month: number, day: number): boolean {
  switch (rule.kind) {
    case 'days':
      return rule.days.has(day);
    case 'last-day':
      return day === daysIn(year, month);
    case 'last-weekday':
      return day === nearestWeekday(year, month, daysIn(year, month));
    case 'nearest-weekday':
      // A day the month does not have (31W in April) fires that month on no day.
      return rule.day <= daysIn(year, month) && day === nearestWeekday(year, month, rule.day);
    case 'weekdays':
      return rule.weekdays.has(weekdayOf(year, month, day));
    case 'last-of-month':
      return weekdayOf(year, month, day) === rule.weekday && day + 7 > daysIn(year, month);
    case 'nth-of-month':
      return weekdayOf(year, month, day) === rule.weekday && Math.ceil(day / 7) === rule.nth;
  }
}
