/**
 * The CloudWatch Logs subscription payload: base64 of gzip of JSON, the same bytes whether CloudWatch Logs
 * invokes the function directly (`awslogs.data`) or writes to a Kinesis stream (`kinesis.data`).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */
import { gunzipSync } from 'node:zlib';
import { TriggerError } from '../../errors.js';
import { describeValue } from '../kit/describe.js';
import { invalidRecord } from '../kit/records.js';
import { isObject } from '../types.js';

/** Decompressed payloads larger than this are refused (a gzip bomb must not exhaust the function's memory). */
export const MAX_DECOMPRESSED_BYTES = 10 * 1024 * 1024;

export interface LogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
  readonly extractedFields?: Readonly<Record<string, unknown>>;
}

/** A decoded `DATA_MESSAGE`; its `logEvents` are checked one by one later, so one bad line rejects only itself. */
export interface CloudWatchLogsPayload {
  readonly messageType: string;
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  readonly logEvents: readonly unknown[];
  /** `ACCOUNT_LEVEL_POLICY` for account-level subscriptions (2024); absent otherwise. */
  readonly policyLevel?: string;
}

/** True when the bytes start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gunzips and parses a subscription payload. Returns undefined for a `CONTROL_MESSAGE` (the reachability
 * check CloudWatch Logs sends when a subscription is created): it carries no log line for a handler.
 * Throws `E_SOURCE_INVALID` at `where` when the bytes are not a subscription payload.
 */
export function decodeCloudWatchLogs(
  gzipped: Uint8Array,
  where: string,
  maxBytes = MAX_DECOMPRESSED_BYTES,
): CloudWatchLogsPayload | undefined {
  let json: string;
  try {
    json = gunzipSync(gzipped, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (error) {
    const tooLarge = (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new TriggerError(
      'E_SOURCE_INVALID',
      tooLarge
        ? `${where} decompresses to more than ${maxBytes} bytes; refusing it.`
        : `${where} is not gzip data: CloudWatch Logs sends its subscription payload as base64 of gzip (${(error as Error).message}).`,
      { path: where, cause: error },
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (error) {
    throw new TriggerError('E_SOURCE_INVALID', `${where} does not decompress to JSON.`, {
      path: where,
      cause: error,
    });
  }
  if (isObject(payload) && payload.messageType === 'CONTROL_MESSAGE') return undefined;
  if (
    !isObject(payload) ||
    payload.messageType !== 'DATA_MESSAGE' ||
    typeof payload.logGroup !== 'string' ||
    payload.logGroup === '' ||
    typeof payload.logStream !== 'string' ||
    !Array.isArray(payload.logEvents)
  ) {
    throw invalidRecord(
      where,
      `is not a CloudWatch Logs subscription payload: it needs \`messageType\` DATA_MESSAGE or CONTROL_MESSAGE, a \`logGroup\`, a \`logStream\` and \`logEvents\` (got ${describeValue(payload)})`,
    );
  }
  const filters = Array.isArray(payload.subscriptionFilters)
    ? payload.subscriptionFilters.filter((f): f is string => typeof f === 'string')
    : [];
  return {
    messageType: payload.messageType,
    owner: typeof payload.owner === 'string' ? payload.owner : '',
    logGroup: payload.logGroup,
    logStream: payload.logStream,
    subscriptionFilters: filters,
    logEvents: payload.logEvents,
    ...(typeof payload.policyLevel === 'string' ? { policyLevel: payload.policyLevel } : {}),
  };
}

/** True when `value` is a readable entry of `logEvents`. */
export function isLogEvent(value: unknown): value is LogEvent {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    value.id !== '' &&
    typeof value.timestamp === 'number' &&
    typeof value.message === 'string'
  );
}

/** One entry of `logEvents`, checked; throws `E_SOURCE_INVALID` naming `where`. */
export function readLogEvent(value: unknown, where: string): LogEvent {
  if (!isLogEvent(value)) {
    throw invalidRecord(
      where,
      `is not a log event: it needs a string \`id\`, a number \`timestamp\` and a string \`message\` (got ${describeValue(value)})`,
    );
  }
  return value as unknown as LogEvent;
}
