/**
 * The emulator's folder buckets: a bucket is a folder — `<state-dir>/buckets/<name>/` by default, any
 * folder given with `triggerkit dev --bucket name=dir`; with in-memory state, a temporary folder removed
 * at close. It owns what outlives a reload of the handlers: the watchers, the store of objects and
 * notifications, the dispatcher and the S3 API's view of which buckets exist. The live trigger family
 * (triggers/buckets.ts) tells it, after each (re)load, which buckets the handlers declare.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { SourceDeclaration } from '../../definition.js';
import { TriggerError } from '../../errors.js';
import type { EmulatorFunction } from '../run-delivery.js';
import { openBucketStore } from '../store/buckets.js';
import type { Store } from '../store/store.js';
import type { TriggerHost } from '../triggers/host.js';
import { createBucketDispatcher } from './dispatch.js';
import { bucketNameProblem } from './keys.js';
import { createLedger } from './ledger.js';
import { queueSender } from './queue-destination.js';
import { type BucketWatch, watchBucket } from './watcher.js';

export interface BucketsOptions {
  /** A folder per bucket name (`--bucket name=dir`); other buckets live below the default root. */
  readonly folders?: Readonly<Record<string, string>>;
  /** The emulator's state folder: buckets default to `<stateDir>/buckets/<name>`. */
  readonly stateDir?: string;
  /** The emulator's own routes: no bucket may be named like the first segment of one. */
  readonly ownRoutes: () => readonly { readonly path: string }[];
  /**
   * The seam for S3 → SNS (`TopicConfiguration`): publishes `message` to the local topic `arn` and
   * returns what changed, or undefined when there is no such topic. Without it topics are refused.
   */
  readonly publishToTopic?: (arn: string, message: string) => boolean;
}

/** A declared bucket: which function, in which platform's shape. */
export interface DeclaredBucket {
  readonly fn: EmulatorFunction;
  readonly source: SourceDeclaration & { bucket: string; prefix?: string; suffix?: string };
  readonly flavor: 's3' | 'oss';
}

const FLAVORS = { 'aws:s3': 's3', 'alibaba:oss': 'oss' } as const;

/** The buckets the functions declare (a declaration without a bucket has no folder to watch). */
export function declaredBuckets(functions: readonly EmulatorFunction[]): DeclaredBucket[] {
  return functions.flatMap((fn) =>
    (fn.handler.definition.sources ?? []).flatMap((source) => {
      const flavor = FLAVORS[source.type as keyof typeof FLAVORS];
      const bucket = (source as { bucket?: unknown }).bucket;
      return flavor && typeof bucket === 'string'
        ? [{ fn, source: source as DeclaredBucket['source'], flavor }]
        : [];
    }),
  );
}

const services = new WeakMap<object, BucketService>();

/** The folder buckets of the emulator behind `host` (or its store), if it has them. */
export const bucketsOf = (owner: TriggerHost | Store): BucketService | undefined => services.get(owner);

export type BucketService = ReturnType<typeof createBuckets>;

export function createBuckets(host: TriggerHost, options: BucketsOptions) {
  const inMemory = options.stateDir === undefined || options.stateDir === ':memory:';
  let temporary: string | undefined;
  /** Where buckets without a folder of their own live; in memory, a temporary folder made on first use. */
  const root = () => {
    if (!inMemory) return join(options.stateDir as string, 'buckets');
    temporary ??= mkdtempSync(join(tmpdir(), 'triggerkit-buckets-'));
    return temporary;
  };
  const folders = new Map(Object.entries(options.folders ?? {}).map(([name, dir]) => [name, resolve(dir)]));
  const store = openBucketStore(host.store.db);
  const watches = new Map<string, BucketWatch>();
  const dispatcher = createBucketDispatcher(host, store);
  const folderOf = (bucket: string) => folders.get(bucket) ?? join(root(), bucket);
  const ledger = createLedger({
    host,
    buckets: store,
    folderOf,
    wake: dispatcher.wake,
    targets(change) {
      const eventName = change.kind === 'created' ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete';
      const functions = declaredBuckets(host.functions())
        .filter(({ source }) => source.bucket === change.bucket)
        .filter(
          ({ source }) =>
            change.key.startsWith(source.prefix ?? '') && change.key.endsWith(source.suffix ?? ''),
        )
        .map(({ fn, flavor }) => ({ fn: fn.name, flavor }));
      return { functions, send: queueSender(host, store, eventName, options.publishToTopic) };
    },
  });

  /** Why a bucket cannot be named `name` here, or undefined. */
  function problem(name: string, functions = host.functions()): string | undefined {
    const invalid = bucketNameProblem(name);
    if (invalid !== undefined) return invalid;
    const route = options.ownRoutes().find((r) => r.path.split('/')[1] === name);
    if (route !== undefined)
      return `/${name} is the emulator's own route (${route.path}), and buckets are served at /<bucket>`;
    const fn = functions.find((f) =>
      (f.handler.definition.sources ?? []).some((s) => s.type === 'http' && s.path.split('/')[1] === name),
    );
    if (fn !== undefined)
      return `/${name}/… is an HTTP path of ${fn.name}, and buckets are served at /<bucket>`;
    return undefined;
  }

  /** Starts watching a bucket's folder (once); resolves when its first scan is done. */
  function watch(name: string): Promise<void> {
    let watching = watches.get(name);
    if (watching === undefined) {
      watching = watchBucket(name, folderOf(name), ledger, host.log);
      watches.set(name, watching);
    }
    return watching.ready;
  }

  let synced = false;

  const service = {
    store,
    ledger,
    folderOf,
    problem,
    watch,
    /** The buckets the API serves: watched ones. */
    exists: (name: string) => watches.has(name),
    /**
     * Watches every bucket `functions` declare. A bad name stops the emulator's start with the reason;
     * after a reload it is logged and that bucket left out.
     */
    sync(functions: readonly EmulatorFunction[]): DeclaredBucket[] {
      if (!synced)
        for (const name of new Set([...folders.keys(), ...store.names()])) {
          const why = problem(name, functions);
          if (why === undefined) void watch(name);
          else host.log(`triggerkit: bucket ${name} is not served: ${why}.`);
        }
      const declared = declaredBuckets(functions);
      const live: DeclaredBucket[] = [];
      for (const d of declared) {
        const why = problem(d.source.bucket, functions);
        if (why === undefined) {
          live.push(d);
          continue;
        }
        const message = `${d.fn.name} declares bucket ${JSON.stringify(d.source.bucket)}, which cannot be served: ${why}. Rename the bucket.`;
        if (!synced) throw new TriggerError('E_CONFIG', message, { path: 'sources' });
        host.log(`triggerkit: ${message}`);
      }
      synced = true;
      for (const d of live) void watch(d.source.bucket);
      return live;
    },
    /** `folder .triggerkit/buckets/photos`: the folder, relative to the working directory when inside it. */
    describeFolder(name: string): string {
      const folder = folderOf(name);
      const rel = relative(process.cwd(), folder);
      return `folder ${rel === '' || rel.startsWith('..') || isAbsolute(rel) ? folder : rel}`;
    },
    /** Resolves once every watched bucket was scanned and the notifications committed so far have run. */
    async ready(): Promise<void> {
      await Promise.all([...watches.values()].map((w) => w.ready));
    },
    async close(): Promise<void> {
      await Promise.all([...watches.values()].map((w) => w.close()));
      await dispatcher.stop();
      if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
    },
  };
  services.set(host, service);
  services.set(host.store, service);
  return service;
}
