/**
 * Column values as Debezium's PostgreSQL connector writes them with the JSON converter and its default
 * settings (`time.precision.mode=adaptive`, `binary.handling.mode=bytes`), except `numeric`, which is
 * written as with `decimal.handling.mode=string` (the default, `precise`, is a base64 two's-complement
 * number no handler wants to read). Input is PostgreSQL's text output (the snapshot's query and pgoutput
 * both send text), read in a session with `TimeZone=UTC` and `DateStyle=ISO`.
 *
 * | PostgreSQL | value |
 * | --- | --- |
 * | smallint, integer, real, double precision, oid | number |
 * | bigint | number (a decimal string past 2^53, which a JSON number cannot hold in JavaScript) |
 * | numeric, money | decimal string (`decimal.handling.mode=string`) |
 * | boolean | boolean |
 * | text, varchar, char, uuid, enum, xml, inet… | string |
 * | json, jsonb | the JSON document as a string (`io.debezium.data.Json`) |
 * | timestamp | microseconds since the epoch (`io.debezium.time.MicroTimestamp`) |
 * | timestamptz | ISO 8601 string in UTC, e.g. `2026-03-01T10:00:00.123456Z` (`io.debezium.time.ZonedTimestamp`) |
 * | date | days since the epoch (`io.debezium.time.Date`) |
 * | time | microseconds since midnight (`io.debezium.time.MicroTime`) |
 * | bytea | base64 |
 * | arrays of the above | JSON arrays of the element values |
 * | anything else | PostgreSQL's text form |
 * @see https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-data-types
 */
import pg from 'pg';

/** What Debezium writes for a TOASTed value an UPDATE left unchanged (`unavailable.value.placeholder`). */
export const UNAVAILABLE = '__debezium_unavailable_value';

type Convert = (text: string) => unknown;

const integer: Convert = (t) => Number(t);
const bigint: Convert = (t) => (Number.isSafeInteger(Number(t)) ? Number(t) : t);
const float: Convert = (t) => (t === 'NaN' || t === 'Infinity' || t === '-Infinity' ? t : Number(t));
const text: Convert = (t) => t;

const DATE_TIME =
  /^(\d{4,})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?)?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?( BC)?$/;

/** Microseconds since the epoch of an ISO date/time text (with its offset, if any); undefined for `infinity`. */
function epochMicros(t: string): number | undefined {
  const m = DATE_TIME.exec(t);
  if (m === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', sign, oh = '0', om = '0', os = '0', bc] = m;
  const year = bc ? 1 - Number(y) : Number(y);
  const date = new Date(0);
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  const offset =
    sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  return (date.getTime() / 1000 - offset) * 1_000_000 + Number(frac.padEnd(6, '0'));
}

const timestamp: Convert = (t) => epochMicros(t) ?? t;
const timestamptz: Convert = (t) => {
  const micros = epochMicros(t);
  if (micros === undefined) return t;
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000;
  const iso = new Date(ms).toISOString(); // …ss.mmmZ
  const fraction = `${iso.slice(20, 23)}${String(rest).padStart(3, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}Z`;
};
const date: Convert = (t) => {
  const micros = epochMicros(t);
  return micros === undefined ? t : Math.floor(micros / 86_400_000_000);
};
const time: Convert = (t) => {
  const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/.exec(t);
  if (m === null) return t;
  const [, h, mi, s, frac = ''] = m;
  return ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1_000_000 + Number(frac.padEnd(6, '0'));
};
const bytea: Convert = (t) =>
  t.startsWith('\\x') ? Buffer.from(t.slice(2), 'hex').toString('base64') : Buffer.from(t).toString('base64');

/** Element type → its converter, by type OID (pg_type). */
const SCALARS: ReadonlyMap<number, Convert> = new Map<number, Convert>([
  [16, (t) => t === 't' || t === 'true'], // bool
  [17, bytea],
  [20, bigint], // int8
  [21, integer], // int2
  [23, integer], // int4
  [26, integer], // oid
  [700, float], // float4
  [701, float], // float8
  [1700, text], // numeric
  [790, text], // money
  [1082, date],
  [1083, time],
  [1114, timestamp],
  [1184, timestamptz],
  [114, text], // json
  [3802, text], // jsonb
  [2950, text], // uuid
]);

/** Array type OID → element type OID (pg_type.typelem) for the common arrays. */
const ARRAYS: ReadonlyMap<number, number> = new Map([
  [1000, 16],
  [1001, 17],
  [1016, 20],
  [1005, 21],
  [1007, 23],
  [1028, 26],
  [1021, 700],
  [1022, 701],
  [1231, 1700],
  [1182, 1082],
  [1183, 1083],
  [1115, 1114],
  [1185, 1184],
  [199, 114],
  [3807, 3802],
  [2951, 2950],
  [1009, 25],
  [1015, 1043],
  [1014, 1042],
]);

/** PostgreSQL's text array parser (quotes, escapes, NULL, nested dimensions) from `pg`. */
const parseTextArray = pg.types.getTypeParser(pg.types.builtins.TEXT + 984) as (t: string) => unknown[];

function mapArray(values: unknown[], convert: Convert): unknown[] {
  return values.map((v) =>
    Array.isArray(v) ? mapArray(v, convert) : v === null ? null : convert(v as string),
  );
}

/**
 * The converter of one column type: text → the value Debezium writes.
 *
 * @example
 * converterOf(1184)('2026-03-01 10:00:00.5+00') // '2026-03-01T10:00:00.5Z'
 */
export function converterOf(typeOid: number): Convert {
  const scalar = SCALARS.get(typeOid);
  if (scalar !== undefined) return scalar;
  const element = ARRAYS.get(typeOid);
  if (element === undefined) return text;
  const convert = SCALARS.get(element) ?? text;
  return (t) => mapArray(parseTextArray(t), convert);
}

/**
 * One row as Debezium writes it: `null` stays null, `undefined` (pgoutput's unchanged TOAST value with no
 * old image to take it from) becomes the placeholder, the rest goes through the column's converter.
 */
export function toRow(
  tuple: Readonly<Record<string, unknown>>,
  columns: readonly { readonly name: string; readonly typeOid: number }[],
  only?: readonly string[],
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const column of columns) {
    if (only !== undefined && !only.includes(column.name)) continue;
    const value = tuple[column.name];
    row[column.name] =
      value === undefined ? UNAVAILABLE : value === null ? null : converterOf(column.typeOid)(String(value));
  }
  return row;
}
