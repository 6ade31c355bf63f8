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

import { describeValue } from '../kit/describe.js';
import { invalidRecord } from '../kit/records.js';
import { isObject } from '../types.js';

/** DynamoDB nests documents 32 levels deep at most; anything deeper is not a DynamoDB image. */
const MAX_DEPTH = 64;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The type descriptors DynamoDB writes, in the order error messages list them. */
const TAGS = 'S, N, B, BOOL, NULL, SS, NS, BS, L, M';

/**
 * A DynamoDB item image (`Keys`, `NewImage`, `OldImage`) as a plain object.
 * Throws `E_SOURCE_INVALID` naming the attribute that is not a DynamoDB attribute value.
 *
 * @example
 * unmarshalImage({ id: { N: '101' }, tags: { SS: ['a'] } }, 'Records[0].dynamodb.NewImage') // { id: 101, tags: ['a'] }
 */
export function unmarshalImage(image: unknown, path: string, depth = 0): Record<string, unknown> {
  if (!isObject(image))
    throw invalidRecord(path, `must be a map of attribute values (got ${describeValue(image)})`);
  if (depth > MAX_DEPTH) throw invalidRecord(path, `nests deeper than ${MAX_DEPTH} levels`);
  const item: Record<string, unknown> = {};
  // for…in with an own-key check visits what Object.keys lists, in the same order, without its array.
  for (const name in image) {
    if (!Object.hasOwn(image, name)) continue;
    const value = readAttribute(image[name], path, name, depth);
    // An attribute named "__proto__" stays an own attribute, never the item's prototype.
    if (name === '__proto__')
      Object.defineProperty(item, name, { value, enumerable: true, writable: true, configurable: true });
    else item[name] = value;
  }
  return item;
}

/** Where an attribute is: `parent.name`, or `parent[index]` in a list. */
const pathOf = (parent: string, key: string | number) =>
  typeof key === 'number' ? `${parent}[${key}]` : `${parent}.${key}`;

/**
 * One attribute value. Its path (`parent` + `key`) is only written out for an error or a nested
 * container: building it for every attribute was a measured share of reading an image.
 */
function readAttribute(value: unknown, parent: string, key: string | number, depth: number): unknown {
  const names = isObject(value) ? Object.keys(value) : undefined;
  const tag = names?.[0];
  let tags = names === undefined ? 0 : names.length;
  if (tags === 1) {
    const v = (value as Record<string, unknown>)[tag as string];
    switch (tag) {
      case 'S':
      case 'B':
        if (typeof v === 'string') return v;
        break;
      case 'N':
        if (typeof v === 'string')
          return SMALL_INTEGER.test(v) ? Number(v) + 0 : dynamoDbNumber(v, `${pathOf(parent, key)}.N`);
        break;
      case 'BOOL':
        if (typeof v === 'boolean') return v;
        break;
      case 'NULL':
        if (v === true) return null;
        break;
      case 'SS':
      case 'BS':
        return stringList(v, `${pathOf(parent, key)}.${tag}`).slice();
      case 'NS': {
        const at = `${pathOf(parent, key)}.NS`;
        return stringList(v, at).map((n, i) => dynamoDbNumber(n, `${at}[${i}]`));
      }
      case 'L': {
        const at = `${pathOf(parent, key)}.L`;
        if (!Array.isArray(v))
          throw invalidRecord(at, `must be a list of attribute values (got ${describeValue(v)})`);
        if (depth >= MAX_DEPTH) throw invalidRecord(at, `nests deeper than ${MAX_DEPTH} levels`);
        return v.map((item, i) => readAttribute(item, at, i, depth + 1));
      }
      case 'M':
        return unmarshalImage(v, `${pathOf(parent, key)}.M`, depth + 1);
      default:
        tags = 0;
    }
    if (tags === 1) throw wrongValue(v, `${pathOf(parent, key)}.${tag}`, tag as string);
  }
  throw invalidRecord(
    pathOf(parent, key),
    `is not a DynamoDB attribute value: it needs exactly one of ${TAGS} (got ${describeValue(value)})`,
  );
}

/** The error for a descriptor whose value has the wrong type. */
function wrongValue(value: unknown, path: string, tag: string) {
  const what =
    tag === 'S'
      ? 'a string'
      : tag === 'N'
        ? 'a decimal string'
        : tag === 'B'
          ? 'a base64 string'
          : tag === 'BOOL'
            ? 'a boolean'
            : 'true';
  return invalidRecord(path, `must be ${what} (got ${describeValue(value)})`);
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
    throw invalidRecord(path, `must be a list of strings (got ${describeValue(value)})`);
  return value as string[];
}
