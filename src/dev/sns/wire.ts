/**
 * SNS wire details for the local endpoint: the AWS query protocol (form-encoded input with `member.N`
 * lists and `entry.N` maps, XML output), SNS's XML errors, ARNs, and the message-attribute rules.
 * @see https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html
 */

export const ACCOUNT_ID = '000000000000';
export const REGION = 'us-east-1';
export const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** A request's parameters, nested: `a.member.1.b` → `{ a: [{ b }] }`, `a.entry.1.key/value` → `{ a: { key: value } }`. */
export type Input = { readonly [key: string]: InputValue };
export type InputValue = string | Input | readonly InputValue[];

/**
 * An SNS error as the query protocol sends it: `<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code>
 * <Message>…`. The SDK names its exception from the code (`NotFound` → `NotFoundException`).
 */
export class SnsFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SnsFault';
  }
}

export const faults = {
  invalid: (message: string) => new SnsFault('InvalidParameter', `Invalid parameter: ${message}`),
  invalidValue: (message: string) => new SnsFault('ParameterValueInvalid', message),
  missing: (name: string) =>
    new SnsFault(
      'ValidationError',
      `1 validation error detected: Value null at '${name[0]?.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    ),
  noTopic: () => new SnsFault('NotFound', 'Topic does not exist', 404),
  noSubscription: () => new SnsFault('NotFound', 'Subscription does not exist', 404),
};

export const topicArn = (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${name}`;
export const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
const TOPIC_ARN = /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:([A-Za-z0-9_-]{1,256})$/;

/** The topic an ARN names (its name); InvalidParameter for anything else. */
export function topicOfArn(arn: unknown, parameter = 'TopicArn'): string {
  if (typeof arn !== 'string') throw faults.missing(parameter);
  const name = TOPIC_ARN.exec(arn)?.[1];
  if (name === undefined) throw faults.invalid(parameter);
  return name;
}

/** Reads a form-encoded query-protocol body into nested parameters. */
export function parseQuery(body: string): Input {
  const root: Record<string, unknown> = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split('.');
    let node = root;
    for (const [i, segment] of path.entries()) {
      if (i === path.length - 1) node[segment] = value;
      else {
        const next = node[segment];
        if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
        else node = node[segment] = Object.create(null) as Record<string, unknown>;
      }
    }
  }
  return normalize(root) as Input;
}

/** `member` → list (by index), `entry` → map (`key`/`value` or `Name`/`Value`). */
function normalize(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const object = node as Record<string, unknown>;
  const byIndex = (inner: unknown) =>
    Object.entries((inner ?? {}) as Record<string, unknown>)
      .filter(([index]) => /^\d+$/.test(index))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, value]) => normalize(value));
  const keys = Object.keys(object);
  if (keys.length === 1 && keys[0] === 'member') return byIndex(object.member);
  if (keys.length === 1 && keys[0] === 'entry') {
    const map: Record<string, unknown> = Object.create(null);
    for (const entry of byIndex(object.entry) as Record<string, unknown>[]) {
      const name = entry.key ?? entry.Name;
      if (typeof name === 'string') map[name] = entry.value ?? entry.Value;
    }
    return map;
  }
  const out: Record<string, unknown> = Object.create(null);
  for (const key of keys) out[key] = normalize(object[key]);
  return out;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#xD;',
};
export const escapeXml = (text: string) => text.replace(/[&<>"\r]/g, (c) => ESCAPES[c] as string);

/** XML of a result: strings are escaped text, arrays are `<member>`s, `{ entries }` are `<entry>` maps. */
export type XmlValue = string | readonly XmlValue[] | { readonly [name: string]: XmlValue | undefined };

export function toXml(value: XmlValue): string {
  if (typeof value === 'string') return escapeXml(value);
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v as XmlValue)}</member>`).join('');
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `<${name}>${toXml(v as XmlValue)}</${name}>`)
    .join('');
}

/** A string map as SNS returns `Attributes`: `<entry><key>…</key><value>…</value></entry>`. */
export const entries = (map: Readonly<Record<string, string>>): string =>
  Object.entries(map)
    .map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${escapeXml(v)}</value></entry>`)
    .join('');

export function responseXml(action: string, resultXml: string | undefined, requestId: string): string {
  const result = resultXml === undefined ? '' : `<${action}Result>${resultXml}</${action}Result>`;
  return `<${action}Response xmlns="${XMLNS}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function errorXml(fault: SnsFault, requestId: string): string {
  const type = fault.status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(fault.code)}</Code><Message>${escapeXml(fault.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** A message attribute as SNS carries it in notifications: `{ Type, Value }`, binary values in base64. */
export interface SnsAttribute {
  readonly Type: 'String' | 'Number' | 'Binary' | 'String.Array';
  readonly Value: string;
}
export type SnsAttributes = Readonly<Record<string, SnsAttribute>>;

const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;
const RESERVED_PREFIX = /^(aws\.|amazon\.)/i;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TYPES = new Set(['String', 'Number', 'Binary', 'String.Array']);

/** Checks Publish's `MessageAttributes` as SNS does; returns them as notifications carry them. */
export function readAttributes(raw: InputValue | undefined): SnsAttributes {
  const attributes: Record<string, SnsAttribute> = Object.create(null);
  if (raw === undefined) return attributes;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw faults.invalid('MessageAttributes');
  for (const [name, value] of Object.entries(raw as Input)) {
    if (!ATTRIBUTE_NAME.test(name) || RESERVED_PREFIX.test(name))
      throw faults.invalidValue(`The message attribute name '${name}' is invalid.`);
    const v = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
    const type = v.DataType;
    if (typeof type !== 'string' || !TYPES.has(type))
      throw faults.invalidValue(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, String and String.Array.`,
      );
    const text = type === 'Binary' ? v.BinaryValue : v.StringValue;
    if (typeof text !== 'string' || text === '')
      throw faults.invalidValue(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
      );
    if (type === 'Number' && !NUMBER.test(text))
      throw faults.invalidValue(`Could not cast message attribute '${name}' value to number.`);
    if (type === 'String.Array' && !isScalarArray(text))
      throw faults.invalidValue(
        `The message attribute '${name}' with type 'String.Array' must be a JSON array of strings, numbers, true, false or null.`,
      );
    attributes[name] = { Type: type as SnsAttribute['Type'], Value: text };
  }
  return attributes;
}

function isScalarArray(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object');
  } catch {
    return false;
  }
}
