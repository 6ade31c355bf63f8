/** Epoch timestamps as RFC 3339 `time` attributes. */

/**
 * The one cache of this module, explicit: the RFC 3339 prefix of the last minute formatted. Records of
 * one batch were sent within the same minute or so, and Date#toISOString is slow on Node 20 (measured:
 * the largest cost of an SQS record after JSON.parse), so the minute is formatted once. One entry, per
 * process; `lastValid` tells `setEpochMsTime` whether the string just returned has a four-digit year.
 */
const MINUTE = { minute: Number.NaN, prefix: '', prefixValid: false, lastValid: false };

/** toISOString writes years 0–9999 with four digits, others as `+275760` / `-000001` (not RFC 3339). */
const isFourDigitYear = (iso: string) => iso.charCodeAt(0) >= 48 && iso.charCodeAt(0) <= 57;

/**
 * Epoch milliseconds (number or digit string) as RFC 3339; `undefined` when absent or out of range.
 *
 * @example
 * epochMsToIso('1767225600000') // '2026-01-01T00:00:00.000Z'
 */
export function epochMsToIso(value: unknown): string | undefined {
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
  const rounded = Math.round(ms);
  if (rounded < 0 || rounded > 8.64e15) {
    const date = new Date(rounded);
    if (Number.isNaN(date.getTime())) return undefined;
    const iso = date.toISOString();
    MINUTE.lastValid = isFourDigitYear(iso);
    return iso;
  }
  const minute = Math.floor(rounded / 60_000);
  if (minute !== MINUTE.minute) {
    MINUTE.prefix = new Date(minute * 60_000).toISOString().slice(0, -7);
    MINUTE.prefixValid = isFourDigitYear(MINUTE.prefix);
    MINUTE.minute = minute;
  }
  MINUTE.lastValid = MINUTE.prefixValid;
  const rest = rounded - minute * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${MINUTE.prefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/**
 * Sets `event.time` to `epochMsToIso(value)` (nothing when that is undefined). Returns true when the
 * event's time is valid by construction — absent, or formatted with a four-digit year — so that
 * `trustedCloudEvent` need not read it again (reading a just-concatenated string costs more than
 * formatting it); false sends it to the usual check, which rejects a year past 9999.
 */
export function setEpochMsTime(event: Record<string, unknown>, value: unknown): boolean {
  const time = epochMsToIso(value);
  if (time === undefined) return true;
  event.time = time;
  return MINUTE.lastValid;
}

const epochNumber = (value: unknown) =>
  typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;

/** Epoch seconds or milliseconds (number or digit string) as RFC 3339; undefined when absent or out of range. */
export function epochToIso(value: unknown, unit: 's' | 'ms'): string | undefined {
  const n = epochNumber(value);
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return epochMsToIso(unit === 's' ? n * 1000 : n);
}

/** `epochToIso` as `setEpochMsTime` does it: sets `event.time`, true when that time is valid by construction. */
export function setEpochTime(event: Record<string, unknown>, value: unknown, unit: 's' | 'ms'): boolean {
  const n = epochNumber(value);
  if (typeof n !== 'number' || !Number.isFinite(n)) return true;
  return setEpochMsTime(event, unit === 's' ? n * 1000 : n);
}
