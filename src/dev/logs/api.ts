/**
 * The CloudWatch Logs API of the emulator, in AWS's JSON 1.1 protocol (`X-Amz-Target:
 * Logs_20140328.<Action>`): CreateLogGroup, CreateLogStream, PutLogEvents, DescribeLogGroups,
 * DescribeLogStreams, GetLogEvents and FilterLogEvents over the local log groups the live log triggers
 * follow. PutLogEvents commits the events before it answers. Signatures are not checked; any
 * credentials do. Point `aws logs … --endpoint-url` or an SDK client's `endpoint` at the emulator.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileFilterPattern } from '../../sources/logs/filter-pattern.js';
import type { Clock } from '../clock.js';
import { readJsonObject } from '../http-ingress.js';
import { ACCOUNT_ID, REGION } from '../sqs/queues.js';
import type { LogEventRow, LogStore } from '../store/logs.js';

export const LOGS_TARGET = 'Logs_20140328.';

const DAY = 86_400_000;
/** PutLogEvents' limits: events per call, bytes per call (each event counts 26 bytes more). */
const MAX_EVENTS = 10_000;
const MAX_BYTES = 1_048_576;

class LogsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}
const invalid = (message: string) => new LogsFault('InvalidParameterException', message);
const notFound = (what: string) =>
  new LogsFault('ResourceNotFoundException', `The specified ${what} does not exist.`);

type Input = Record<string, unknown>;
const arnOf = (group: string) => `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${group}`;

function name(input: Input, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '')
    throw invalid(
      `1 validation error detected: Value at '${key}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

/** The actions, by name: each takes the request's JSON and answers JSON (or throws a `LogsFault`). */
function actions(logs: LogStore, clock: Clock): Record<string, (input: Input) => unknown> {
  const group = (input: Input) => {
    const g = name(input, 'logGroupName');
    if (!logs.hasGroup(g)) throw notFound('log group');
    return g;
  };
  return {
    CreateLogGroup(input) {
      if (!logs.createGroup(name(input, 'logGroupName'), clock.now()))
        throw new LogsFault('ResourceAlreadyExistsException', 'The specified log group already exists');
      return {};
    },
    CreateLogStream(input) {
      if (!logs.createStream(group(input), name(input, 'logStreamName'), clock.now()))
        throw new LogsFault('ResourceAlreadyExistsException', 'The specified log stream already exists');
      return {};
    },
    PutLogEvents(input) {
      const g = group(input);
      const stream = name(input, 'logStreamName');
      if (!logs.hasStream(g, stream)) throw notFound('log stream');
      const events = input.logEvents;
      if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS)
        throw invalid(`logEvents must list 1 to ${MAX_EVENTS} events of { timestamp, message }.`);
      let bytes = 0;
      for (const [i, e] of events.entries()) {
        if (typeof e?.timestamp !== 'number' || typeof e?.message !== 'string' || e.message === '')
          throw invalid(
            `logEvents[${i}] needs a number \`timestamp\` (ms) and a non-empty string \`message\`.`,
          );
        if (i > 0 && e.timestamp < events[i - 1].timestamp)
          throw invalid('Log events in a single PutLogEvents request must be in chronological order.');
        bytes += Buffer.byteLength(e.message) + 26;
      }
      if (bytes > MAX_BYTES)
        throw invalid(`The batch is ${bytes} bytes; PutLogEvents takes at most ${MAX_BYTES}.`);
      if (events.at(-1).timestamp - events[0].timestamp > DAY)
        throw invalid('A batch of log events in a single request cannot span more than 24 hours.');
      const now = clock.now();
      // CloudWatch takes the rest of a batch and says which events were too old (14 days) or too new (2 h).
      const tooOld = events.findLastIndex((e) => e.timestamp < now - 14 * DAY);
      const tooNew = events.findIndex((e) => e.timestamp > now + 2 * 3_600_000);
      const kept = events.slice(tooOld + 1, tooNew === -1 ? undefined : tooNew);
      if (kept.length > 0) logs.put(g, stream, kept, now);
      const rejected = {
        ...(tooOld >= 0 && { tooOldLogEventEndIndex: tooOld }),
        ...(tooNew >= 0 && { tooNewLogEventStartIndex: tooNew }),
      };
      return Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {};
    },
    DescribeLogGroups(input) {
      const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
      const logGroups = logs
        .groups()
        .filter((g) => g.name.startsWith(prefix))
        .map((g) => ({
          logGroupName: g.name,
          creationTime: g.createdAt,
          metricFilterCount: 0,
          arn: `${arnOf(g.name)}:*`,
          logGroupArn: arnOf(g.name),
          storedBytes: g.storedBytes,
        }));
      return { logGroups: logGroups.slice(0, Number(input.limit) || 50) };
    },
    DescribeLogStreams(input) {
      const g = group(input);
      const prefix = typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : '';
      const logStreams = logs
        .streams(g)
        .filter((s) => s.name.startsWith(prefix))
        .map((s) => ({
          logStreamName: s.name,
          creationTime: s.createdAt,
          ...(s.first !== null && { firstEventTimestamp: s.first, lastEventTimestamp: s.last }),
          ...(s.lastIngestion !== null && { lastIngestionTime: s.lastIngestion }),
          arn: `${arnOf(g)}:log-stream:${s.name}`,
          storedBytes: s.storedBytes,
        }));
      return { logStreams };
    },
    GetLogEvents(input) {
      const g = group(input);
      const stream = name(input, 'logStreamName');
      if (!logs.hasStream(g, stream)) throw notFound('log stream');
      const limit = Number(input.limit) || MAX_EVENTS;
      const after = tokenSeq(input.nextToken);
      const rows = [...logs.query({ group: g, streams: [stream], ...range(input), afterSeq: after })];
      // Without a token or startFromHead, CloudWatch answers the newest events.
      const page = input.startFromHead === true || after > 0 ? rows.slice(0, limit) : rows.slice(-limit);
      const last = page.at(-1)?.seq ?? after;
      return {
        events: page.map((r) => ({
          timestamp: r.timestamp,
          message: r.message,
          ingestionTime: r.ingestedAt,
        })),
        nextForwardToken: `f/${last}`,
        nextBackwardToken: `b/${page[0]?.seq ?? after}`,
      };
    },
    FilterLogEvents(input) {
      const g = group(input);
      const pattern = compileFilterPattern(
        typeof input.filterPattern === 'string' ? input.filterPattern : '',
      );
      const limit = Number(input.limit) || MAX_EVENTS;
      const streams = Array.isArray(input.logStreamNames) ? (input.logStreamNames as string[]) : undefined;
      const found: LogEventRow[] = [];
      let more = false;
      for (const row of logs.query({
        group: g,
        streams,
        ...range(input),
        afterSeq: tokenSeq(input.nextToken),
      })) {
        if (!pattern.matches(row.message)) continue;
        if (found.length === limit) {
          more = true;
          break;
        }
        found.push(row);
      }
      return {
        events: found.map((r) => ({
          logStreamName: r.stream,
          timestamp: r.timestamp,
          message: r.message,
          ingestionTime: r.ingestedAt,
          eventId: String(r.seq),
        })),
        searchedLogStreams: [],
        ...(more && { nextToken: `f/${found.at(-1)?.seq}` }),
      };
    },
  };
}

const range = (input: Input) => ({
  ...(typeof input.startTime === 'number' && { start: input.startTime }),
  ...(typeof input.endTime === 'number' && { end: input.endTime }),
});
const tokenSeq = (token: unknown) => (typeof token === 'string' ? Number(token.slice(2)) || 0 : 0);

/** The endpoint: answers a `Logs_20140328.*` call and resolves true, or resolves false for another target. */
export function createLogsApi(logs: LogStore, clock: Clock) {
  const table = actions(logs, clock);
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target.startsWith(LOGS_TARGET)) return false;
    const action = target.slice(LOGS_TARGET.length);
    const reply = (status: number, json: unknown, type?: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(type && { 'x-amzn-errortype': type }),
      });
      res.end(JSON.stringify(json));
    };
    try {
      const run = Object.hasOwn(table, action) ? table[action] : undefined;
      if (run === undefined)
        throw new LogsFault(
          'UnknownOperationException',
          `${action} is not emulated; the emulator serves ${Object.keys(table).join(', ')}.`,
        );
      const read = readJsonObject(body);
      if ('problem' in read) throw new LogsFault('SerializationException', read.problem);
      reply(200, run(read.input as Input));
    } catch (error) {
      if (error instanceof LogsFault) reply(400, { __type: error.type, message: error.message }, error.type);
      else if ((error as { code?: unknown }).code === 'E_RULE_INVALID')
        reply(
          400,
          { __type: 'InvalidParameterException', message: (error as Error).message },
          'InvalidParameterException',
        );
      else throw error;
    }
    return true;
  };
}
