/**
 * CloudWatch Logs subscriptions delivered to Lambda (`awslogs.data`), and the same payload arriving through
 * Kinesis (`cloudWatchLogsFromGzip`, for the Kinesis source). One event per log line by default, or one per
 * delivery (`logEvents: 'per-batch'`). A `CONTROL_MESSAGE` yields no event: the invocation simply succeeds.
 * Lambda invokes asynchronously, so a failure is thrown and the whole delivery is retried.
 */
import { type CloudEvent, createCloudEvent, trustedCloudEvent } from '../../cloud-event.js';
import type { TriggerError } from '../../errors.js';
import { isBase64 } from '../kit/base64.js';
import { readJsonText, text } from '../kit/payload.js';
import { type Collected, collect, invalidRecord, toBatch } from '../kit/records.js';
import { epochToIso, setEpochTime } from '../kit/time.js';
import { type Batch, isObject, type NormalizeOptions } from '../types.js';
import {
  type CloudWatchLogsPayload,
  decodeCloudWatchLogs,
  isGzip,
  isLogEvent,
  type LogEvent,
  MAX_DECOMPRESSED_BYTES,
  readLogEvent,
} from './cloudwatch-logs-payload.js';

export const LOG_LINE_TYPE = 'com.amazonaws.logs.log';
export const LOG_BATCH_TYPE = 'com.amazonaws.logs.batch';

export interface CloudWatchLogsOptions {
  /** Where the payload is, for error messages: `awslogs.data`, `Records[3].kinesis.data`. */
  readonly where: string;
  /** One event per log line (default) or one per delivery. */
  readonly logEvents?: NormalizeOptions['logEvents'];
  /** Refuse payloads that decompress to more bytes than this. Default 10 MiB. */
  readonly maxDecompressedBytes?: number;
}

/** The events of one payload and the log events that could not be read (by their index in `logEvents`). */
export interface CloudWatchLogsEvents {
  readonly events: readonly CloudEvent[];
  readonly rejected: readonly { readonly index: number; readonly error: TriggerError }[];
}

/**
 * The CloudEvents in a gzipped subscription payload, for the Kinesis source (CloudWatch Logs → Kinesis).
 * An empty list for a `CONTROL_MESSAGE`. Throws `E_SOURCE_INVALID` at `options.where` for bytes that are
 * not a subscription payload; a single unreadable log line is listed in `rejected` instead.
 *
 * @example
 * const bytes = Buffer.from(record.kinesis.data, 'base64');
 * if (isGzip(bytes)) cloudWatchLogsFromGzip(bytes, { where: `Records[${i}].kinesis.data` }).events;
 */
export function cloudWatchLogsFromGzip(
  gzipped: Uint8Array,
  options: CloudWatchLogsOptions,
): CloudWatchLogsEvents {
  const collected = eventsOf(gzipped, options);
  return Object.freeze({
    events: Object.freeze(collected.items.map((item) => item.event)),
    rejected: Object.freeze(collected.rejected.map(({ index, error }) => Object.freeze({ index, error }))),
  });
}

function eventsOf(gzipped: Uint8Array, options: CloudWatchLogsOptions): Collected {
  const { where } = options;
  const payload = decodeCloudWatchLogs(
    gzipped,
    where,
    options.maxDecompressedBytes ?? MAX_DECOMPRESSED_BYTES,
  );
  if (payload === undefined) return { items: [], rejected: [] };
  const lineWhere = (i: number) => `${where} logEvents[${i}]`;
  if (options.logEvents === 'per-batch') {
    return collect(
      [payload],
      () => {
        const event = batchEvent(
          payload,
          payload.logEvents.map((e, i) => readLogEvent(e, lineWhere(i))),
          where,
        );
        return event && { event, ref: event.id };
      },
      () => where,
    );
  }
  const shared = common(payload);
  return collect(
    payload.logEvents,
    (entry, i) => {
      // The location is only written out for an error (it was a measured share of a line's cost).
      const line = isLogEvent(entry) ? entry : readLogEvent(entry, lineWhere(i));
      const event = lineEvent(shared, line, () => lineWhere(i));
      return { event, ref: event.id };
    },
    (entry, i) => (isObject(entry) && text(entry.id)) || lineWhere(i),
  );
}

/** Attributes every event of a payload shares. */
function common(payload: CloudWatchLogsPayload) {
  return {
    source: payload.logGroup,
    subject: text(payload.logStream),
    awsaccount: text(payload.owner),
    subscriptionfilter: text(payload.subscriptionFilters.join(',')),
    policylevel: payload.policyLevel,
  };
}

/** A log line's data: JSON lines parsed, others as text; with `extractedFields` both go in an object. */
function lineData(line: LogEvent): { data: unknown; json: boolean } {
  const { value, json } = readJsonText(line.message);
  if (line.extractedFields === undefined) return { data: value, json };
  return { data: { message: value, extractedFields: line.extractedFields }, json: true };
}

function lineEvent(shared: ReturnType<typeof common>, line: LogEvent, where: () => string): CloudEvent {
  const { data, json } = lineData(line);
  // Built in its final shape and frozen as is (see trustedCloudEvent): the shared attributes are the
  // payload's checked strings, the time is formatted here, the id is checked there.
  const event: Record<string, unknown> = { specversion: '1.0', source: shared.source };
  if (shared.subject !== undefined) event.subject = shared.subject;
  if (shared.awsaccount !== undefined) event.awsaccount = shared.awsaccount;
  if (shared.subscriptionfilter !== undefined) event.subscriptionfilter = shared.subscriptionfilter;
  if (shared.policylevel !== undefined) event.policylevel = shared.policylevel;
  event.id = line.id;
  event.type = LOG_LINE_TYPE;
  const timeChecked = setEpochTime(event, line.timestamp, 'ms');
  event.datacontenttype = json ? 'application/json' : 'text/plain';
  event.data = data;
  return trustedCloudEvent(event, where, timeChecked);
}

function batchEvent(
  payload: CloudWatchLogsPayload,
  lines: readonly LogEvent[],
  where: string,
): CloudEvent | undefined {
  const first = lines[0];
  const last = lines[lines.length - 1];
  if (first === undefined || last === undefined) return undefined;
  return createCloudEvent(
    {
      ...common(payload),
      id: first === last ? first.id : `${first.id}..${last.id}`,
      type: LOG_BATCH_TYPE,
      time: epochToIso(first.timestamp, 'ms'),
      datacontenttype: 'application/json',
      data: {
        owner: payload.owner,
        logGroup: payload.logGroup,
        logStream: payload.logStream,
        subscriptionFilters: payload.subscriptionFilters,
        ...(payload.policyLevel === undefined ? {} : { policyLevel: payload.policyLevel }),
        logEvents: lines.map((line) => ({ ...line, message: readJsonText(line.message).value })),
      },
    },
    where,
  );
}

/** A CloudWatch Logs subscription delivery (detected by catalog.ts: `awslogs.data`). */
export function normalize(raw: { awslogs: { data: string } }, options: NormalizeOptions): Batch {
  const data = (raw as { awslogs: { data: string } }).awslogs.data;
  const bytes = Buffer.from(data, 'base64');
  // Buffer.from skips what is not base64: name that, rather than the gzip it then fails to find.
  if (!isGzip(bytes) && !isBase64(data))
    throw invalidRecord(
      'awslogs.data',
      'is not base64: CloudWatch Logs sends its subscription payload as base64 of gzip of JSON',
    );
  const collected = eventsOf(bytes, {
    where: 'awslogs.data',
    logEvents: options.logEvents,
  });
  return toBatch('aws:cloudwatch-logs', 'throw', collected);
}
