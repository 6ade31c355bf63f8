/**
 * `triggerkit dev --record <dir>`: every raw event that reaches a handler — a webhook request, an Invoke
 * API call, a live trigger's batch, a bus event (as its structured CloudEvent) — written to `<dir>` as one
 * JSON fixture, secrets redacted (`redact.ts`), named so that the files sort by arrival and say which
 * function and source: `0001-ordersQueue-aws-sqs.json`. Each replays with `triggerkit invoke <function>
 * <file>` or `triggerkit/testing`'s `invoke`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectSource } from '../sources/registry.js';
import { redactEvent } from './redact.js';

export interface Recorder {
  /** Writes `raw` as it reached function `name`; `source` names it when detection cannot (`bus`). Returns the file's path. */
  record(name: string, raw: unknown, source?: string): string | undefined;
}

const slug = (text: string) => text.replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-|-$/g, '') || 'event';

/**
 * A recorder writing into `dir` (made if missing), numbering on from the files already there. A file that
 * cannot be written is one line on `log`; the event is delivered all the same.
 *
 * @example
 * const recorder = createRecorder('fixtures/recorded', console.log);
 * recorder.record('ordersQueue', sqsBatch); // fixtures/recorded/0001-ordersQueue-aws-sqs.json
 */
export function createRecorder(dir: string, log: (line: string) => void): Recorder {
  mkdirSync(dir, { recursive: true });
  let last = 0;
  for (const file of readdirSync(dir)) {
    const n = /^(\d+)-.*\.json$/.exec(file)?.[1];
    if (n !== undefined) last = Math.max(last, Number(n));
  }
  return {
    record(name, raw, source) {
      const kind = source ?? detectSource(raw)?.kind ?? 'unknown';
      const file = join(dir, `${String(++last).padStart(4, '0')}-${slug(name)}-${slug(kind)}.json`);
      try {
        writeFileSync(file, `${JSON.stringify(redactEvent(raw), null, 2)}\n`, { flag: 'wx' });
        return file;
      } catch (error) {
        log(
          `record: could not write ${file} (${(error as NodeJS.ErrnoException).code ?? error}); the event was delivered.`,
        );
        return undefined;
      }
    },
  };
}
