/** RFC 3339 timestamps as the CloudEvents `time` attribute takes them, checked on the hot path. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True when `value` is an RFC 3339 timestamp with in-range fields. `Date.parse` is not enough: it
 * accepts `2025-02-30` and hour 24, and rejects the leap second `23:59:60` that RFC 3339 §5.7 allows.
 */
export function isRfc3339(value: string): boolean {
  // Every event is checked on the hot path: test the shape, then read the fixed-position digits. The
  // shape Date#toISOString and AWS write (`2025-11-03T09:00:00.000Z`) is read in place, without the regex;
  // and the events of one batch share their minute: once a minute is valid, only the seconds are read.
  if (value.length === 24) {
    if (validMinute !== '' && value.startsWith(validMinute)) return isIsoSeconds(value);
    if (isIsoMillis(value)) {
      const valid = fieldsInRange(value);
      if (valid) validMinute = value.slice(0, 17);
      return valid;
    }
  }
  return RFC3339.test(value) && fieldsInRange(value);
}

/** `YYYY-MM-DDTHH:MM:` of the last valid timestamp of the `ISO_MILLIS` shape, or ''. */
let validMinute = '';

/** `SS.sssZ` at the end of a 24-character timestamp, with the seconds at most 60 (a leap second). */
function isIsoSeconds(value: string): boolean {
  for (let i = 17; i < 24; i++) {
    const c = value.charCodeAt(i);
    const expected = ISO_MILLIS.charCodeAt(i);
    if (expected === 100 ? c < 48 || c > 57 : c !== expected) return false;
  }
  return digits(value, 17, 2) <= 60;
}

/** The fields of a timestamp whose shape `RFC3339` accepts (or `ISO_MILLIS`, a subset), range-checked. */
function fieldsInRange(value: string): boolean {
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  const zulu = value.endsWith('Z') || value.endsWith('z');
  const offsetHour = zulu ? 0 : digits(value, value.length - 5, 2);
  const offsetMinute = zulu ? 0 : digits(value, value.length - 2, 2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return (
    day >= 1 &&
    day <= days &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60 &&
    offsetHour <= 23 &&
    offsetMinute <= 59
  );
}

/** `d` stands for a digit: `YYYY-MM-DDTHH:MM:SS.sssZ`, the RFC 3339 subset `Date#toISOString` writes. */
const ISO_MILLIS = 'dddd-dd-ddTdd:dd:dd.dddZ';

/** True when `value` (24 characters) has exactly the shape of `ISO_MILLIS`; its fields are not range-checked. */
function isIsoMillis(value: string): boolean {
  for (let i = 0; i < 24; i++) {
    const c = value.charCodeAt(i);
    const expected = ISO_MILLIS.charCodeAt(i);
    if (expected === 100 ? c < 48 || c > 57 : c !== expected) return false;
  }
  return true;
}

function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}
