/**
 * Watches a bucket's folder. A file is announced once it is complete: chokidar's `awaitWriteFinish`
 * holds an add or change back until the file's size has stayed the same for `stableMs`, so a file
 * copied or written slowly is one `ObjectCreated:Put` with its final size and ETag, never a partial one
 * (a writer that pauses longer than `stableMs` mid-file makes two puts, as two uploads would).
 */
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { isUploadFile, keyOfPath } from './keys.js';
import type { Ledger } from './ledger.js';

/** How long a file must stay the same size before it is announced, in ms. */
export const STABLE_MS = 250;

export interface BucketWatch {
  /** Resolves once the watcher is ready and the folder was reconciled with the store. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export function watchBucket(
  bucket: string,
  folder: string,
  ledger: Ledger,
  log: (line: string) => void,
): BucketWatch {
  mkdirSync(folder, { recursive: true });
  const watcher: FSWatcher = watch(folder, {
    ignoreInitial: true,
    ignored: (path) => isUploadFile(relative(folder, path)),
    awaitWriteFinish: { stabilityThreshold: STABLE_MS, pollInterval: 50 },
  });
  const pending = new Set<Promise<unknown>>();
  const look = (path: string) => {
    const key = keyOfPath(relative(folder, path));
    const work = ledger
      .notice(bucket, key)
      .catch((error: unknown) =>
        log(`triggerkit: could not announce ${path} in bucket ${bucket}: ${String(error)}`),
      )
      .finally(() => pending.delete(work));
    pending.add(work);
  };
  watcher.on('add', look).on('change', look).on('unlink', look);
  watcher.on('error', (error) => log(`triggerkit: watching bucket ${bucket} (${folder}): ${String(error)}`));
  // Watching first, then the scan: a file written in between is seen by both, and announced once.
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve())).then(() =>
    ledger
      .reconcile(bucket)
      .catch((error: unknown) =>
        log(`triggerkit: could not scan bucket ${bucket} (${folder}): ${String(error)}`),
      ),
  );
  return {
    ready,
    async close() {
      await watcher.close();
      await Promise.allSettled([ready, ...pending]);
    },
  };
}
