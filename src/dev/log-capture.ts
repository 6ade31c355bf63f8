/**
 * What a function writes to the console during one invocation, for the Invoke API's `LogResult`
 * (`--log-type Tail`). Invocations run side by side in one process, so the lines are attributed through
 * async context, not by watching stdout; they are still printed as before.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

const current = new AsyncLocalStorage<{ lines: string[]; requestId: string }>();
const LEVELS = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const [method, level] of Object.entries(LEVELS) as [keyof typeof LEVELS, string][]) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const capture = current.getStore();
      if (capture !== undefined)
        capture.lines.push(`${new Date().toISOString()}\t${capture.requestId}\t${level}\t${format(...args)}`);
      original(...args);
    };
  }
}

/**
 * Runs `fn` and returns its result with the log of the invocation as Lambda writes it: START, the
 * console lines, END and REPORT.
 */
export async function withLogCapture<T>(
  requestId: string,
  fn: () => Promise<T>,
): Promise<{ result: T; log: string }> {
  install();
  const capture = { lines: [] as string[], requestId };
  const started = performance.now();
  const result = await current.run(capture, fn);
  const ms = performance.now() - started;
  const log = [
    `START RequestId: ${requestId} Version: $LATEST`,
    ...capture.lines,
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.ceil(ms)} ms`,
    '',
  ].join('\n');
  return { result, log };
}

/** The last 4 KB of a log, base64-encoded: the Invoke API's `X-Amz-Log-Result`. */
export function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString('base64');
}
