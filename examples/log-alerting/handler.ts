/**
 * Log-line alerting: subscribed to the `/app/api` log group. The subscription's `filterPattern` lets only
 * JSON lines at level ERROR or slower than a second through, so CloudWatch never invokes the function for
 * quiet lines; `filter` says the same in the function, where any line that slips by ends `filtered`.
 * Each line that passes becomes an alert: send it on to your pager (SNS, Slack…) from `handle`.
 */
import { defineHandler } from 'triggerkit';

/** A structured log line, as the API writes it (Lambda's JSON log format plus `durationMs`). */
export interface LogLine {
  level?: string;
  message?: string;
  durationMs?: number;
  path?: string;
  requestId?: string;
}

export interface Alert {
  kind: 'error' | 'slow';
  summary: string;
  logGroup: string;
  at: string | undefined;
  requestId: string | undefined;
}

export const SLOW_MS = 1000;

export const handler = defineHandler<LogLine, Alert>({
  name: 'log-alerting',
  sources: [
    {
      type: 'aws:cloudwatch-logs',
      logGroup: '/app/api',
      filterPattern: `{ ($.level = "ERROR") || ($.durationMs > ${SLOW_MS}) }`,
    },
  ],
  filter: { data: { $or: [{ level: ['ERROR'] }, { durationMs: [{ numeric: ['>', SLOW_MS] }] }] } },
  async handle(event) {
    const line = event.data;
    const error = line.level === 'ERROR';
    const summary = error
      ? `ERROR ${line.message ?? '(no message)'}`
      : `${line.path ?? 'a request'} took ${line.durationMs} ms (over ${SLOW_MS} ms)`;
    return {
      kind: error ? 'error' : 'slow',
      summary,
      logGroup: event.source,
      at: event.time,
      requestId: line.requestId,
    };
  },
});
