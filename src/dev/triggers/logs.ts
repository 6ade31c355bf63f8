/**
 * The live log triggers over the emulator's local log groups (fed by `--logs group=file`, a process's
 * output, or the CloudWatch Logs API): a CloudWatch Logs subscription filter per `{ type:
 * 'aws:cloudwatch-logs', logGroup, filterPattern? }`, and the SLS trigger per `{ type: 'alibaba:sls',
 * logstore }` (sls.ts).
 *
 * A subscription starts at the group's end when it is first seen, as a new subscription filter gets only
 * what is ingested after it, and keeps its position per (function, group) in the store. It takes what was
 * committed after its position (looking at most `BATCH_DELAY_MS` after a line arrived), keeps the lines
 * its filter pattern matches, and invokes the function once per run of one log stream (at most
 * `MAX_EVENTS` events and `MAX_BYTES` of messages) with CloudWatch's payload: `{ awslogs: { data:
 * base64(gzip(DATA_MESSAGE)) } }`. Lambda invokes a subscription asynchronously, so the handler's
 * `retry` and `deadLetter` apply; the position moves past a batch once its invocation has ended (every
 * event delivered, filtered, or handed to a retry or a dead letter in the store), so a restart repeats
 * at most the batch in flight and loses none.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */
import { gzipSync } from 'node:zlib';
import type { SourceDeclaration } from '../../definition.js';
import { compileFilterPattern, type FilterPattern } from '../../sources/logs/filter-pattern.js';
import type { EmulatorFunction } from '../run-delivery.js';
import { ACCOUNT_ID } from '../sqs/queues.js';
import { type LogEventRow, type LogStore, openLogStore } from '../store/logs.js';
import type { TriggerHost } from './host.js';
import { startSlsTrigger } from './sls.js';
import type { Feed, LiveTriggers } from './types.js';

type LogsDeclaration = Extract<SourceDeclaration, { type: 'aws:cloudwatch-logs' }>;

/** Real milliseconds a subscription waits after a line arrives, so that a burst goes in one batch. */
export const BATCH_DELAY_MS = 100;
/** At most this many log events in one invocation (PutLogEvents' own batch limit). */
export const MAX_EVENTS = 10_000;
/** At most this many bytes of messages in one invocation, before gzip. */
export const MAX_BYTES = 1024 * 1024;
/** How often a subscription tries an invocation that failed as a whole (Lambda's async retries: 2). */
const INVOCATION_ATTEMPTS = 3;

/** Starts a subscription per declared log group and an SLS trigger per declared Logstore. */
export function startLogTriggers(host: TriggerHost, functions: readonly EmulatorFunction[]): LiveTriggers {
  const logs = openLogStore(host.store.db);
  const feeds: Feed[] = [];
  const running: { stop(): Promise<void> }[] = [];
  for (const fn of functions) {
    for (const source of fn.handler.definition.sources ?? []) {
      if (source.type === 'aws:cloudwatch-logs' && source.logGroup !== undefined) {
        running.push(startSubscription(host, logs, fn, source as LogsDeclaration & { logGroup: string }));
        feeds.push({ fn: fn.name, source, label: label('aws:cloudwatch-logs', source.logGroup, logs) });
      } else if (source.type === 'alibaba:sls' && source.logstore !== undefined) {
        running.push(startSlsTrigger(host, logs, fn, { ...source, logstore: source.logstore }));
        feeds.push({ fn: fn.name, source, label: label('alibaba:sls', source.logstore, logs) });
      }
    }
  }
  return {
    feeds,
    async stop() {
      await Promise.all(running.map((r) => r.stop()));
    },
  };
}

/** `aws:cloudwatch-logs app (tail logs/app.log)`. */
function label(type: string, group: string, logs: LogStore): string {
  const origins = logs.originsOf(group);
  return `${type} ${group}${origins.length > 0 ? ` (${origins.join(', ')})` : ''}`;
}

function startSubscription(
  host: TriggerHost,
  logs: LogStore,
  fn: EmulatorFunction,
  source: LogsDeclaration & { logGroup: string },
) {
  const group = source.logGroup;
  const filterName = `${fn.name}-${group.replace(/[^\w.-]/g, '-')}`;
  const pattern = compileFilterPattern(source.filterPattern ?? '');
  const position = logs.follow(`aws:cloudwatch-logs ${fn.name}`, group);
  let timer: NodeJS.Timeout | undefined;
  let work: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const unsubscribe = logs.onAppend((name) => {
    if (name === group) soon(BATCH_DELAY_MS);
  });
  function soon(ms: number): void {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      pump();
    }, ms);
    timer.unref?.();
  }
  /** One pass at a time; lines that arrive meanwhile get the next pass. */
  function pump(): void {
    if (work !== undefined) {
      again = true;
      return;
    }
    work = drain()
      .catch((error: unknown) => {
        host.log(
          `triggerkit: the subscription of ${fn.name} to ${group} stopped: ${String(error)}; retrying.`,
        );
        soon(1_000);
      })
      .finally(() => {
        work = undefined;
        if (again && !stopped) {
          again = false;
          pump();
        }
      });
  }

  async function drain(): Promise<void> {
    for (
      let rows = position.take(MAX_EVENTS);
      rows.length > 0 && !stopped;
      rows = position.take(MAX_EVENTS)
    ) {
      const batch = oneStream(rows);
      const last = batch.at(-1) as LogEventRow;
      const matching = batch.filter((row) => pattern.matches(row.message));
      if (matching.length > 0 && !(await deliver(matching))) return;
      position.commit(last.seq);
    }
  }

  /** Invokes the function with one batch; false when it should be tried again later (stopping). */
  async function deliver(rows: readonly LogEventRow[]): Promise<boolean> {
    const payload = subscriptionPayload(group, rows, filterName, pattern);
    for (let attempt = 1; ; attempt++) {
      const result = await host.invoke(fn, payload, 'aws:cloudwatch-logs');
      if (result.error === undefined) return true;
      const error = result.error instanceof Error ? result.error.message : String(result.error);
      if (attempt >= INVOCATION_ATTEMPTS) {
        host.log(
          `triggerkit: ${fn.name} failed ${attempt} times on ${rows.length} lines of ${group}: ${error}; dropped, as Lambda drops an async event after its retries.`,
        );
        return true;
      }
      if (stopped) return false;
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }

  soon(0); // lines committed while no one was following
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
      await work;
    },
  };
}

/** The leading run of one log stream, within the batch limits. */
function oneStream(rows: readonly LogEventRow[]): LogEventRow[] {
  const first = rows[0] as LogEventRow;
  const batch: LogEventRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    bytes += Buffer.byteLength(row.message);
    if (row.stream !== first.stream || (batch.length > 0 && bytes > MAX_BYTES)) break;
    batch.push(row);
  }
  return batch;
}

/**
 * What CloudWatch Logs invokes a function with: base64 of gzip of the `DATA_MESSAGE`, each event with
 * CloudWatch's 56-digit id (its timestamp in the high bits), and `extractedFields` for a space-delimited
 * pattern.
 */
export function subscriptionPayload(
  group: string,
  rows: readonly LogEventRow[],
  filterName: string,
  pattern: FilterPattern,
): { awslogs: { data: string } } {
  const message = {
    messageType: 'DATA_MESSAGE',
    owner: ACCOUNT_ID,
    logGroup: group,
    logStream: rows[0]?.stream ?? '',
    subscriptionFilters: [filterName],
    logEvents: rows.map((row) => {
      const extractedFields = pattern.extract(row.message);
      return {
        id: logEventId(row.timestamp, row.seq),
        timestamp: row.timestamp,
        message: row.message,
        ...(extractedFields && { extractedFields }),
      };
    }),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(message)).toString('base64') } };
}

/** A 56-digit CloudWatch Logs event id: the timestamp shifted left 144 bits, the line's `seq` below. */
export function logEventId(timestamp: number, seq: number): string {
  return ((BigInt(timestamp) << 144n) | BigInt(seq)).toString().padStart(56, '0');
}
