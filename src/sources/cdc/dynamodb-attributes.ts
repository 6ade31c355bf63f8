/**
 * DynamoDB `AttributeValue`s (the typed JSON of streams) as plain, JSON-safe values — never BigInt, Set or
 * bytes, and never a rounded number.
 *
 * The number rule: an `N` becomes a JSON number only when that number prints back as the same decimal
 * (`"101"` → 101, `"0.1"` → 0.1, `"1E+2"` → 100); otherwise it stays the decimal string DynamoDB sent
 * (`"9007199254740993"`, `"12345678901234567890"`, `"3.14159265358979323846"`), because JavaScript numbers
 * cannot hold it and rounding it silently would corrupt ids, money and counters.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */
import { isObject } from '../types.js';
import { invalidRecord, seen } from './records.js';

/** DynamoDB nests documents 32 levels deep at most; anything deeper is not a DynamoDB image. */
const MAX_DEPTH = 64;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

type Reader = (value: unknown, path: string, depth: number) => unknown;

/** How each DynamoDB type descriptor reads. Sets become arrays; binary stays the base64 text of the stream. */
const READERS: Readonly<Record<string, Reader>> = {
  S: (v, path) => expect(v, typeof v === 'string', path, 'a string'),
  N: (v, path) => dynamoDbNumber(expect(v, typeof v === 'string', path, 'a decimal string') as string, path),
  B: (v, path) => expect(v, typeof v === 'string', path, 'a base64 string'),
  BOOL: (v, path) => expect(v, typeof v === 'boolean', path, 'a boolean'),
  NULL: (v, path) => {
    expect(v, v === true, path, 'true');
    return null;
  },
  SS: (v, path) => stringList(v, path).slice(),
  NS: (v, path) => stringList(v, path).map((n, i) => dynamoDbNumber(n, `${path}[${i}]`)),
  BS: (v, path) => stringList(v, path).slice(),
  L: (v, path, depth) => {
    if (!Array.isArray(v)) throw invalidRecord(path, `must be a list of attribute values (${seen(v)})`);
    return v.map((item, i) => readAttribute(item, `${path}[${i}]`, depth + 1));
  },
  M: (v, path, depth) => unmarshalImage(v, path, depth + 1),
};

/**
 * A DynamoDB item image (`Keys`, `NewImage`, `OldImage`) as a plain object.
 * Throws `E_SOURCE_INVALID` naming the attribute that is not a DynamoDB attribute value.
 *
 * @example
 * unmarshalImage({ id: { N: '101' }, tags: { SS: ['a'] } }, 'Records[0].dynamodb.NewImage') // { id: 101, tags: ['a'] }
 */
export function unmarshalImage(image: unknown, path: string, depth = 0): Record<string, unknown> {
  if (!isObject(image)) throw invalidRecord(path, `must be a map of attribute values (${seen(image)})`);
  if (depth > MAX_DEPTH) throw invalidRecord(path, `nests deeper than ${MAX_DEPTH} levels`);
  const item: Record<string, unknown> = {};
  for (const name of Object.keys(image)) {
    const value = readAttribute(image[name], `${path}.${name}`, depth);
    // An attribute named "__proto__" stays an own attribute, never the item's prototype.
    if (name === '__proto__')
      Object.defineProperty(item, name, { value, enumerable: true, writable: true, configurable: true });
    else item[name] = value;
  }
  return item;
}

function readAttribute(value: unknown, path: string, depth: number): unknown {
  const tags = isObject(value) ? Object.keys(value) : [];
  const tag = tags[0];
  const reader = tag !== undefined && Object.hasOwn(READERS, tag) ? READERS[tag] : undefined;
  if (tags.length !== 1 || reader === undefined) {
    throw invalidRecord(
      path,
      `is not a DynamoDB attribute value: it needs exactly one of ${Object.keys(READERS).join(', ')} (${seen(value)})`,
    );
  }
  return reader((value as Record<string, unknown>)[tag as string], `${path}.${tag}`, depth);
}

/**
 * A DynamoDB `N`: a JSON number when it prints back as the same decimal, else the decimal string itself.
 *
 * @example
 * dynamoDbNumber('42')                   // 42
 * dynamoDbNumber('9007199254740993')     // '9007199254740993' (2^53 + 1 has no exact double)
 */
export function dynamoDbNumber(decimal: string, path = 'N'): number | string {
  // Up to 15 digits without a fraction or exponent is a safe integer that prints back as itself.
  if (SMALL_INTEGER.test(decimal)) return Number(decimal) + 0;
  const exact = canonicalDecimal(decimal);
  if (exact === undefined)
    throw invalidRecord(path, `is not a decimal number (got ${JSON.stringify(decimal)})`);
  const n = Number(decimal);
  // `+ 0` turns -0 into 0: JSON has no negative zero.
  return Number.isFinite(n) && canonicalDecimal(String(n)) === exact ? n + 0 : decimal;
}

const SMALL_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/;

/** `<sign><digits>e<exponent>` with no leading or trailing zeros: equal strings denote equal decimals. */
function canonicalDecimal(decimal: string): string | undefined {
  const match = DECIMAL.exec(decimal);
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  return `${sign === '-' ? '-' : ''}${digits}e${Number(exponent) - fraction.length + trailing}`;
}

function stringList(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    throw invalidRecord(path, `must be a list of strings (${seen(value)})`);
  return value as string[];
}

function expect(value: unknown, ok: boolean, path: string, what: string): unknown {
  if (!ok) throw invalidRecord(path, `must be ${what} (${seen(value)})`);
  return value;
}
