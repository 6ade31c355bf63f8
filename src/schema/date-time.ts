/**
 * The `date-time` format, standalone: the same strings as ajv-formats' full `date-time`, without
 * importing ajv-formats (whose one table holds every format). ajv-formats' check (a regex `split`, two
 * capture-group regexes, number parsing) was most of ajv's time on a realistic event (bench/README.md),
 * so the common RFC 3339 shape is read char by char first. A Lambda bundle whose schemas name only
 * `date-time` (and regex formats, which ajv inlines) imports this module and nothing of ajv-formats.
 */

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The two ASCII digits at `i` as a number, or -1. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * True for `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with a real calendar date and an in-range time
 * (`T`/`Z` in either case): a subset of what ajv-formats' full `date-time` accepts. False means "not
 * this shape", not "invalid": leap seconds, a space separator or `+0100` zones go to ajv-formats.
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function isCommonDateTime(text: string): boolean {
  if (text.length < 20) return false;
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  const separator = text.charCodeAt(10);
  if (
    century < 0 ||
    yy < 0 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    (separator !== 84 && separator !== 116) || // T t
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return false;
  }
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS[month] as number))) return false;
  let i = 19;
  if (text.charCodeAt(i) === 46) {
    // . and at least one digit
    const start = ++i;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === start) return false;
  }
  const zone = text.charCodeAt(i);
  if (zone === 90 || zone === 122) return i + 1 === text.length; // Z z
  if ((zone !== 43 && zone !== 45) || i + 6 !== text.length || text.charCodeAt(i + 3) !== 58) return false;
  const zoneHours = twoDigits(text, i + 1);
  const zoneMinutes = twoDigits(text, i + 4);
  return zoneHours >= 0 && zoneHours <= 23 && zoneMinutes >= 0 && zoneMinutes <= 59;
}

/** ajv-formats' full `date-time`: the common shape read in place, anything else as ajv-formats reads it. */
export function isDateTime(text: string): boolean {
  return isCommonDateTime(text) || ajvFormatsDateTime(text);
}

// ajv-formats 3.0.1's full `date-time` (MIT, © Evgeny Poberezkin), unchanged but for types: a bundle
// that names no other format then carries none of ajv-formats' table. formats.test.ts holds both equal.
const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;
const DATE_TIME_SEPARATOR = /t|\s/i;

function fullDate(text: string): boolean {
  const matches = DATE.exec(text);
  if (!matches) return false;
  const year = +(matches[1] as string);
  const month = +(matches[2] as string);
  const day = +(matches[3] as string);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : (DAYS[month] as number));
}

/** ajv-formats' `time` with a required zone (its `strictTimeZone`), leap seconds at 23:59 UTC. */
function fullTime(text: string): boolean {
  const matches = TIME.exec(text);
  if (!matches) return false;
  const hr = +(matches[1] as string);
  const min = +(matches[2] as string);
  const sec = +(matches[3] as string);
  const tzSign = matches[5] === '-' ? -1 : 1;
  const tzH = +(matches[6] || 0);
  const tzM = +(matches[7] || 0);
  if (tzH > 23 || tzM > 59 || !matches[4]) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

function ajvFormatsDateTime(text: string): boolean {
  const parts = text.split(DATE_TIME_SEPARATOR);
  return parts.length === 2 && fullDate(parts[0] as string) && fullTime(parts[1] as string);
}

/** ajv-formats' `compareDateTime` (for `formatMinimum` and the like). */
export function compareDateTime(a: string, b: string): number | undefined {
  if (!(a && b)) return undefined;
  const t1 = new Date(a).valueOf();
  const t2 = new Date(b).valueOf();
  if (!(t1 && t2)) return undefined;
  return t1 - t2;
}

/** The `date-time` format definition ajv gets, and precompiled validators import. */
export const dateTimeFormat = Object.freeze({ validate: isDateTime, compare: compareDateTime });
