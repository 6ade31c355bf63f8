/**
 * SQS wire details shared by the local endpoint's actions: the JSON-protocol error, the MD5 digests SQS
 * returns (and the AWS SDK checks), and the message-attribute rules.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */
import { createHash } from 'node:crypto';

/**
 * An SQS error as the JSON protocol sends it: `__type` (the Smithy shape, e.g.
 * `com.amazonaws.sqs#QueueDoesNotExist`), `message`, and the `x-amzn-query-error` header with the
 * legacy query code and fault (`AWS.SimpleQueueService.NonExistentQueue;Sender`) that SDK v3 reads first.
 */
export class SqsFault extends Error {
  constructor(
    readonly type: string,
    readonly queryCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SqsFault';
  }
}

export const faults = {
  noQueue: () =>
    new SqsFault(
      'com.amazonaws.sqs#QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
      'The specified queue does not exist.',
    ),
  invalid: (message: string) =>
    new SqsFault('com.amazonaws.sqs#InvalidParameterValue', 'InvalidParameterValue', message),
  missing: (name: string) =>
    new SqsFault(
      'com.amazonaws.sqs#MissingParameter',
      'MissingParameter',
      `The request must contain the parameter ${name}.`,
    ),
  receipt: (handle: string) =>
    new SqsFault(
      'com.amazonaws.sqs#ReceiptHandleIsInvalid',
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
      404,
    ),
};

/** The attribute value shape of the JSON protocol: binary values travel as base64 strings. */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export type MessageAttributes = Readonly<Record<string, MessageAttributeValue>>;

export const md5Hex = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');

/**
 * `MD5OfMessageAttributes`: for each attribute, sorted by name — name, data type (each as a 4-byte
 * big-endian length and UTF-8 bytes), a transport byte (1 string/number, 2 binary), then the value as
 * length and bytes.
 */
export function md5OfMessageAttributes(attributes: MessageAttributes): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of names) {
    const value = attributes[name] as MessageAttributeValue;
    const binary = isBinary(value.DataType);
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(value.DataType, 'utf8'));
    hash.update(Buffer.of(binary ? 2 : 1));
    field(
      binary ? Buffer.from(value.BinaryValue ?? '', 'base64') : Buffer.from(value.StringValue ?? '', 'utf8'),
    );
  }
  return hash.digest('hex');
}

const isBinary = (dataType: string) => /^Binary(\.|$)/.test(dataType);
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;
const RESERVED_PREFIX = /^(aws\.|amazon\.)/i;
const DATA_TYPE = /^(String|Number|Binary)(\.[\x21-\x7e]{1,250})?$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// SQS accepts #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF (the XML character set).
const INVALID_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Checks message attributes as SQS does and returns them in canonical form (and their size in bytes). */
export function readMessageAttributes(raw: unknown): { attributes: MessageAttributes; bytes: number } {
  if (raw === undefined || raw === null) return { attributes: {}, bytes: 0 };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw faults.invalid('MessageAttributes must be a map.');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 10)
    throw faults.invalid(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
    );
  // No prototype: an attribute may be named `__proto__` or `constructor` (valid SQS names).
  const attributes: Record<string, MessageAttributeValue> = Object.create(null);
  let bytes = 0;
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME.test(name) || RESERVED_PREFIX.test(name))
      throw faults.invalid(`Message attribute name '${name}' is invalid.`);
    const v = (value ?? {}) as Record<string, unknown>;
    const dataType = v.DataType;
    if (typeof dataType !== 'string' || !DATA_TYPE.test(dataType))
      throw faults.invalid(`The message attribute '${name}' has an invalid message attribute type.`);
    if (isBinary(dataType)) {
      if (typeof v.BinaryValue !== 'string' || v.BinaryValue.length === 0)
        throw faults.invalid(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      attributes[name] = { DataType: dataType, BinaryValue: v.BinaryValue };
      bytes += Buffer.from(v.BinaryValue, 'base64').length;
    } else {
      if (typeof v.StringValue !== 'string' || v.StringValue.length === 0)
        throw faults.invalid(
          `The message attribute '${name}' must contain a non-empty value of type String.`,
        );
      if (dataType.startsWith('Number') && !NUMBER.test(v.StringValue))
        throw faults.invalid(`Can't cast the value of message attribute '${name}' to a number.`);
      if (INVALID_CHARACTER.test(v.StringValue))
        throw faults.invalid(`Message attribute '${name}' contains characters outside the allowed set.`);
      attributes[name] = { DataType: dataType, StringValue: v.StringValue };
      bytes += Buffer.byteLength(v.StringValue);
    }
    bytes += Buffer.byteLength(name) + Buffer.byteLength(dataType);
  }
  return { attributes, bytes };
}

/** Rejects a body SQS would reject: empty, or with characters outside the allowed set. */
export function checkBody(body: unknown): string {
  if (typeof body !== 'string') throw faults.missing('MessageBody');
  if (body.length === 0) throw faults.invalid('The request must contain the parameter MessageBody.');
  if (INVALID_CHARACTER.test(body))
    throw new SqsFault(
      'com.amazonaws.sqs#InvalidMessageContents',
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    );
  return body;
}

/**
 * Which of `names` a ReceiveMessage attribute filter selects: `All`, `.*`, exact names, and prefixes
 * (`Hel.*` takes `Hello` and `Help.Me`).
 */
export function selectNames(available: readonly string[], filter: unknown): string[] {
  if (!Array.isArray(filter)) return [];
  const wanted = filter.filter((f): f is string => typeof f === 'string');
  if (wanted.some((f) => f === 'All' || f === '.*')) return [...available];
  return available.filter((name) =>
    wanted.some((f) => f === name || (f.endsWith('.*') && name.startsWith(f.slice(0, -2)))),
  );
}
