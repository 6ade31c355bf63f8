/**
 * What the cloud adapters (Lambda, FC) tell the world of each event: a JSON log line per attempt
 * (`log-line.ts`) and, when the handler has `tracing`, a span around it. `invocationObserver` answers
 * `undefined` when there is nothing to do, so the batch loop keeps its plain path with one check.
 *
 * A failed attempt's line waits for what follows it: `retry-scheduled` when the retry was taken (in this
 * process or by the retry queue), `dead-lettered` when the dead-letter queue took it, else `failed` (the
 * platform redelivers it, or the caller was answered).
 */
import type { Context as LambdaContext } from 'aws-lambda';
import type { CloudEvent } from '../../cloud-event.js';
import type { CompiledDefinition, HandlerContext } from '../../definition.js';
import type { AttemptRecord, AttemptRuntime } from '../../delivery/attempts.js';
import type { Outcome } from '../../delivery/outcome.js';
import type { RuntimeHooks } from '../hooks.js';
import {
  type EventFields,
  formatLogLine,
  type InvocationFields,
  type LoggedOutcome,
  type Next,
  OUTCOME_LEVEL,
} from './log-line.js';
import { LEVEL_RANK, type LogSettings, logSettings } from './settings.js';
import { traceIdOf, traceparentFromXray, xrayRootOf } from './xray.js';

/** One event's observer, for one handler. */
export interface EventObserver {
  /** Makes attempt `attempt` through `run`, inside its span when tracing. */
  run(attempt: number, run: () => Promise<Outcome>): Promise<Outcome>;
  /** An attempt ended: a success is logged now, a failure when its fate is known. */
  attempt(record: AttemptRecord): void;
  /** The attempt runtime, telling this observer which failures were retried or dead-lettered. */
  runtime(inner: AttemptRuntime): AttemptRuntime;
  /** The event is done in this invocation: a failure still waiting is logged `failed`. */
  end(): void;
}

export interface InvocationObserver {
  forEvent(event: CloudEvent, ctx: HandlerContext): EventObserver;
}

/** Where lines go and where chance comes from: stdout and `Math.random` unless a test says otherwise. */
export interface ObserverIo {
  readonly env: NodeJS.ProcessEnv;
  readonly write: (line: string) => void;
  readonly random: () => number;
}

// Straight to stdout, as Powertools Logger does: Lambda passes the line through as it is, in its Text
// and JSON log formats alike, where `console.log` would prefix or wrap it.
const IO: ObserverIo = {
  env: process.env,
  write: (line) => void process.stdout.write(`${line}\n`),
  random: Math.random,
};

/**
 * The observer of one invocation, or `undefined` when it neither logs nor traces. Under a runtime that
 * observes every attempt itself (the emulator, `invoke`) nothing is logged: it keeps its own trace.
 */
export function invocationObserver(
  definition: CompiledDefinition,
  hooks: RuntimeHooks | undefined,
  lambda: LambdaContext,
  handler: string,
  io: ObserverIo = IO,
): InvocationObserver | undefined {
  const log = hooks?.observe === undefined ? logSettings(io.env) : undefined;
  const tracing = definition.tracing;
  if (log === undefined && tracing === undefined) return undefined;
  const xray = io.env._X_AMZN_TRACE_ID;
  const invocation: InvocationFields = {
    requestId: lambda.awsRequestId,
    functionName: lambda.functionName,
    xrayTraceId: xrayRootOf(xray),
  };
  const invocationTrace = traceparentFromXray(xray);
  return {
    forEvent(event, ctx) {
      const traceparent = typeof event.traceparent === 'string' ? event.traceparent : invocationTrace;
      const fields: EventFields = {
        handler,
        transport: ctx.transport,
        ref: ctx.ref,
        traceparent,
        traceId: traceIdOf(traceparent),
      };
      const write = log && lineWriter(log, fields, invocation, io);
      const info = {
        event,
        handler,
        transport: ctx.transport,
        ref: ctx.ref,
        requestId: invocation.requestId,
        traceparent,
      };
      return eventObserver(write, tracing && ((attempt, run) => tracing.attempt({ ...info, attempt }, run)));
    },
  };
}

type Write = (record: AttemptRecord, outcome: LoggedOutcome, next?: Next) => void;

/** Writes the lines at or above the level; successes only for the sampled share of events. */
function lineWriter(
  log: LogSettings,
  fields: EventFields,
  invocation: InvocationFields,
  io: ObserverIo,
): Write {
  const sampled = log.sample >= 1 || io.random() < log.sample;
  const least = LEVEL_RANK[log.level];
  return (record, outcome, next) => {
    const rank = LEVEL_RANK[OUTCOME_LEVEL[outcome]];
    if (rank < least || (rank < LEVEL_RANK.warn && !sampled)) return;
    io.write(formatLogLine(record, outcome, fields, invocation, next));
  };
}

function eventObserver(
  write: Write | undefined,
  trace: ((attempt: number, run: () => Promise<Outcome>) => Promise<Outcome>) | undefined,
): EventObserver {
  let failed: AttemptRecord | undefined;
  const settle = (outcome: LoggedOutcome, next?: Next) => {
    if (failed !== undefined) write?.(failed, outcome, next);
    failed = undefined;
  };
  return {
    run: (attempt, run) => (trace === undefined ? run() : trace(attempt, run)),
    attempt(record) {
      if (record.outcome.status === 'failed') failed = record;
      else write?.(record, record.outcome.status);
    },
    runtime: (inner) => ({
      now: inner.now,
      async retry(retry) {
        const answer = await inner.retry(retry);
        if (answer === 'here' || answer === 'handed-off')
          settle('retry-scheduled', { retryInMs: retry.delay, retryAt: retry.at });
        return answer;
      },
      async deadLetter(envelope) {
        const answer = await inner.deadLetter(envelope);
        if (answer === 'handed-off') settle('dead-lettered', { reason: envelope.dlreason });
        return answer;
      },
    }),
    end: () => settle('failed'),
  };
}
