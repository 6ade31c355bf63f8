/**
 * The live Alibaba SLS trigger over the emulator's local log groups: a declared `{ type: 'alibaba:sls',
 * logstore }` is fed by the local group of that name. Like SLS's Function Compute trigger, it looks
 * every `triggerInterval` seconds (default 60, on the emulator's clock) and, when lines were committed
 * since its position, invokes the function with a cursor range, not the lines: `source.beginCursor` and
 * `source.endCursor` are base64 of the first line's and the next line's sequence numbers in the local
 * store (SLS's cursors are base64 of decimal numbers too), on shard 0. The emulator does not serve SLS's
 * PullLogs API, so a handler cannot read those lines locally; the normalizer hands it the range as SLS
 * does (`com.aliyun.sls.cursorrange`). The position per (function, Logstore) is stored, and moves once
 * the invocation has ended (a failure is retried by the handler's `retry`, as FC retries it).
 * @see https://www.alibabacloud.com/help/en/sls/create-a-custom-function
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SourceDeclaration } from '../../definition.js';
import type { EmulatorFunction } from '../run-delivery.js';
import type { LogEventRow, LogStore } from '../store/logs.js';
import { type TriggerHost, waitUntil } from './host.js';

type SlsDeclaration = Extract<SourceDeclaration, { type: 'alibaba:sls' }> & { logstore: string };

/** SLS's default trigger interval, in seconds. */
export const SLS_TRIGGER_INTERVAL = 60;
/** The project a declaration without `project` is in, locally. */
export const LOCAL_PROJECT = 'local';
/** Lines one cursor range covers at most (SLS hands a shard's new data, bounded, to one invocation). */
const MAX_RANGE = 10_000;

export function startSlsTrigger(
  host: TriggerHost,
  logs: LogStore,
  fn: EmulatorFunction,
  source: SlsDeclaration,
) {
  const project = source.project ?? LOCAL_PROJECT;
  const intervalMs = (source.triggerInterval ?? SLS_TRIGGER_INTERVAL) * 1000;
  const position = logs.follow(`alibaba:sls ${fn.name}`, source.logstore);
  const jobName = createHash('sha1').update(`${fn.name}/${project}/${source.logstore}`).digest('hex');
  let stopped = false;
  let inflight: Promise<unknown> | undefined;

  async function run(): Promise<void> {
    for (let at = host.clock.now() + intervalMs; !stopped; at += intervalMs) {
      await waitUntil(host.clock, at);
      if (stopped) return;
      try {
        const rows = position.take(MAX_RANGE);
        if (rows.length === 0) continue;
        const last = rows.at(-1) as LogEventRow;
        inflight = host.invoke(fn, cursorRangeEvent(project, source.logstore, rows, jobName), 'alibaba:sls');
        await inflight;
        position.commit(last.seq);
      } catch (error) {
        host.log(`triggerkit: the SLS trigger of ${fn.name} on ${source.logstore} failed: ${String(error)}`);
      }
    }
  }
  void run();
  return {
    /** Stops looking; waits for the invocation in flight (its range is taken again after a restart). */
    async stop() {
      stopped = true;
      await inflight;
    },
  };
}

/** SLS's trigger event for the lines `rows` of a Logstore (shard 0). */
export function cursorRangeEvent(
  project: string,
  logstore: string,
  rows: readonly LogEventRow[],
  jobName: string,
) {
  const first = rows[0] as LogEventRow;
  const last = rows.at(-1) as LogEventRow;
  return {
    parameter: {},
    source: {
      endpoint: 'http://127.0.0.1',
      projectName: project,
      logstoreName: logstore,
      shardId: 0,
      beginCursor: cursor(first.seq),
      endCursor: cursor(last.seq + 1),
    },
    jobName,
    taskId: randomUUID(),
    cursorTime: Math.floor(last.ingestedAt / 1000),
  };
}

const cursor = (seq: number) => Buffer.from(String(seq)).toString('base64');
