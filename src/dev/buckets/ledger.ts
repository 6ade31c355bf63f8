/**
 * What turns a file's change into notifications, exactly once: the watcher and the S3 API both come
 * here, one change of a key at a time. A change is news when the file's size or modification time
 * differs from what was last announced for it (the API records its own write, so the watcher's later
 * look at the same file finds nothing new). The change, the object's new state, one delivery row per
 * function it notifies and the messages of the queues it notifies are committed in one transaction
 * before anything runs: a crash after that loses nothing, and a crash before it is made good by the scan
 * at the next start (`reconcile`), which announces what changed while the emulator was down.
 */
import { join } from 'node:path';
import type { BucketStore, ChangeRow, ObjectRow } from '../store/buckets.js';
import type { TriggerHost } from '../triggers/host.js';
import { type FileState, fileState, listKeys, md5OfFile, removeObject, writeObject } from './folders.js';
import { pathOfKey } from './keys.js';

/** Who hears of a change: functions (in S3's or OSS's shape), and local queues. */
export interface Targets {
  readonly functions: readonly { fn: string; flavor: 's3' | 'oss' }[];
  /** Called inside the change's transaction: sends the notification to each queue, returns their names. */
  readonly send: (change: ChangeRow) => readonly string[];
}

export interface LedgerOptions {
  readonly host: TriggerHost;
  readonly buckets: BucketStore;
  readonly folderOf: (bucket: string) => string;
  readonly targets: (change: Omit<ChangeRow, 'seq'>) => Targets;
  /** A delivery was committed: the dispatcher looks. */
  readonly wake: () => void;
}

export type Ledger = ReturnType<typeof createLedger>;

export function createLedger(options: LedgerOptions) {
  const { host, buckets } = options;
  const turns = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier change of the same key. */
  function inTurn<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    const id = `${bucket}\n${key}`;
    const run = (turns.get(id) ?? Promise.resolve()).then(work, work);
    const settled = run.catch(() => undefined);
    turns.set(id, settled);
    void settled.then(() => turns.get(id) === settled && turns.delete(id));
    return run;
  }

  /** Commits a change with its object state, deliveries and queue messages; returns it. */
  function commit(
    bucket: string,
    key: string,
    now: FileState & { etag: string; contentType?: string | null },
    before: ObjectRow | undefined,
    kind: ChangeRow['kind'],
  ): ChangeRow {
    const at = host.clock.now();
    const init = {
      bucket,
      key,
      kind,
      size: now.size,
      delta: kind === 'created' ? now.size - (before?.size ?? 0) : -now.size,
      etag: now.etag,
      at,
    };
    const targets = options.targets(init);
    let queues: readonly string[] = [];
    const change = host.store.transaction(() => {
      if (kind === 'created')
        buckets.putObject({
          bucket,
          key,
          ...now,
          contentType: now.contentType ?? before?.contentType ?? null,
        });
      else buckets.removeObject(bucket, key);
      const change = buckets.addChange(init);
      for (const t of targets.functions) buckets.addDelivery(change.seq, t.fn, t.flavor, at);
      queues = targets.send(change);
      return change;
    });
    for (const queue of queues) host.queueChanged(queue);
    if (targets.functions.length > 0) options.wake();
    return change;
  }

  /** Looks at the file of `key` now: announces a new or changed file, or a vanished one. */
  function notice(bucket: string, key: string): Promise<ChangeRow | undefined> {
    return inTurn(bucket, key, async () => {
      const path = join(options.folderOf(bucket), pathOfKey(key));
      const now = await fileState(path);
      const before = buckets.object(bucket, key);
      if (now === undefined)
        return before === undefined ? undefined : commit(bucket, key, before, before, 'removed');
      if (before !== undefined && before.size === now.size && before.mtimeMs === now.mtimeMs)
        return undefined;
      const etag = await md5OfFile(path);
      // The file may have changed while it was read: the watcher will look again once it settles.
      const after = await fileState(path);
      if (after === undefined || after.size !== now.size || after.mtimeMs !== now.mtimeMs) return undefined;
      return commit(bucket, key, { ...now, etag }, before, 'created');
    });
  }

  return {
    notice,

    /** PutObject: the file is written, then the change committed; the watcher will find nothing new. */
    put(bucket: string, key: string, body: Buffer, etag: string, contentType: string | null) {
      return inTurn(bucket, key, async () => {
        const state = await writeObject(options.folderOf(bucket), key, body);
        return commit(bucket, key, { ...state, etag, contentType }, buckets.object(bucket, key), 'created');
      });
    },

    /** DeleteObject: the file is deleted, then the change committed (none when there was no object). */
    remove(bucket: string, key: string) {
      return inTurn(bucket, key, async () => {
        const before = buckets.object(bucket, key);
        await removeObject(options.folderOf(bucket), key);
        return before === undefined ? undefined : commit(bucket, key, before, before, 'removed');
      });
    },

    /**
     * Brings the store in line with the folder. A bucket seen for the first time takes its files as
     * they are (S3 announces no object that existed before its notification was configured); a known
     * one announces each file added, changed or deleted since the emulator last looked.
     */
    async reconcile(bucket: string): Promise<void> {
      const folder = options.folderOf(bucket);
      const keys = await listKeys(folder);
      if (!buckets.known(bucket)) {
        for (const key of keys) {
          const path = join(folder, pathOfKey(key));
          const state = await fileState(path);
          if (state === undefined) continue;
          const etag = await md5OfFile(path);
          host.store.transaction(() => buckets.putObject({ bucket, key, ...state, etag, contentType: null }));
        }
        host.store.transaction(() => buckets.addBucket(bucket, host.clock.now()));
        return;
      }
      const seen = new Set(keys);
      const gone = buckets.objects(bucket).filter((o) => !seen.has(o.key));
      await Promise.all([...keys, ...gone.map((o) => o.key)].map((key) => notice(bucket, key)));
    },
  };
}
