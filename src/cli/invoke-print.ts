/** `triggerkit invoke`'s readable block: the verdict, one line per event, then the function's answer. */
import type { EventReport, InvokeReport } from '../dev/invoke-report.js';

const MAX = 400;

/** JSON on one line, cut at MAX characters. */
const short = (value: unknown) => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX ? `${text.slice(0, MAX)}…` : text;
};

function eventLine(event: EventReport): string {
  const head = `  ${event.id} (${event.type}): `;
  switch (event.outcome) {
    case 'delivered':
      return `${head}delivered${event.result === undefined ? '' : `, handler returned ${short(event.result)}`}`;
    case 'duplicate':
      return `${head}a duplicate of an event already handled (idempotency), not handed to the handler`;
    case 'filtered':
      return `${head}filtered (${event.reason})`;
    case 'failed':
      return `${head}failed at ${event.stage}: ${event.error}${event.retryable ? ' (retryable)' : ' (not retryable)'}`;
  }
}

/** The function's answer: an HTTP answer as `HTTP 200 {…}`, anything else as JSON. */
function answerLine(response: unknown): string {
  const http = response as { statusCode?: unknown; body?: unknown; headers?: Record<string, unknown> };
  if (typeof http?.statusCode === 'number') {
    const type = http.headers?.['content-type'] ?? http.headers?.['Content-Type'];
    return `HTTP answer: ${http.statusCode}${type ? ` (${type})` : ''}${
      typeof http.body === 'string' && http.body !== '' ? ` ${short(http.body)}` : ''
    }`;
  }
  return `function answered: ${short(response)}`;
}

/**
 * The report as lines ending in a newline.
 *
 * @example
 * formatReport(report);
 * // ordersQueue (orders-queue): failed — 3 delivered, 1 failed
 * //   ord-1 (com.amazonaws.sqs.message): delivered, handler returned {"reserved":"ord-1"}
 */
export function formatReport(report: InvokeReport): string {
  const counts = new Map<string, number>();
  for (const e of report.events) counts.set(e.outcome, (counts.get(e.outcome) ?? 0) + 1);
  const tally =
    report.events.length === 0
      ? 'no event reached the handler'
      : [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
  const name = report.handler === undefined ? report.function : `${report.function} (${report.handler})`;
  const lines = [`${name}: ${report.outcome} — ${tally}`, ...report.events.map(eventLine)];
  if (report.error !== undefined)
    lines.push(`the invocation threw ${report.error.errorType}: ${report.error.errorMessage}`);
  if (report.response !== undefined) lines.push(answerLine(report.response));
  return `${lines.join('\n')}\n`;
}
