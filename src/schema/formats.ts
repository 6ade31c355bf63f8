/**
 * The string formats every schema is checked with: ajv-formats' full set, with a faster `date-time`
 * that accepts exactly the strings ajv-formats accepts. ajv-formats' check (a regex `split`, two
 * capture-group regexes, number parsing) was most of ajv's time on a realistic event (bench/README.md);
 * here the common RFC 3339 shape is read char by char, and anything else is left to ajv-formats.
 * Precompiled validators import this module (`code.formats`), so it ships in Lambda bundles.
 */
import type { FormatDefinition } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';

const original = fullFormats['date-time'] as FormatDefinition<string>;
const originalValidate = original.validate as (text: string) => boolean;

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

/** ajv-formats' full `date-time`, answered without it for the common shape. */
export function isDateTime(text: string): boolean {
  return isCommonDateTime(text) || originalValidate(text);
}

/** The formats ajv gets (`addFormat`) and precompiled validators import (`code.formats`). */
export const formats: Record<string, unknown> = {
  ...fullFormats,
  'date-time': { validate: isDateTime, compare: original.compare },
};
