/**
 * The folder buckets' durable state, in tables of their own in the emulator's SQLite file: the buckets
 * the S3 API created (and their notification configuration), what each object looked like when it was
 * last announced (so the watcher never announces an API write a second time, and a restart announces
 * only what changed while the emulator was down), and the outbox of notifications: every change is
 * committed here, with one delivery row per function it notifies, before any function runs. Plain data
 * in, plain data out; times are passed in (ms).
 */
import type Database from 'better-sqlite3';

/** An object as last announced: the file's size and modification time, and its MD5 (the S3 ETag). */
export interface ObjectRow {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly mtimeMs: number;
  readonly contentType: string | null;
}

/** One change of one object; `seq` orders the changes (the notification's `sequencer`). */
export interface ChangeRow {
  readonly seq: number;
  readonly bucket: string;
  readonly key: string;
  readonly kind: 'created' | 'removed';
  /** The object's size: after the change (created), before it (removed). */
  readonly size: number;
  /** How the change moved the object's size (OSS's `deltaSize`). */
  readonly delta: number;
  /** The object's MD5 hex: after the change (created), before it (removed). */
  readonly etag: string;
  readonly at: number;
}

/** One function a change notifies, in the platform's shape (`s3` or `oss`). */
export interface BucketDeliveryRow {
  readonly change: ChangeRow;
  readonly fn: string;
  readonly flavor: 's3' | 'oss';
  readonly attempts: number;
  readonly dueAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS s3_buckets (
  name TEXT PRIMARY KEY, created_at INTEGER NOT NULL, notification TEXT);
CREATE TABLE IF NOT EXISTS s3_objects (
  bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
  mtime_ms REAL NOT NULL, content_type TEXT, PRIMARY KEY (bucket, key));
CREATE TABLE IF NOT EXISTS s3_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
  size INTEGER NOT NULL, delta INTEGER NOT NULL, etag TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS s3_deliveries (
  change INTEGER NOT NULL, fn TEXT NOT NULL, flavor TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL, PRIMARY KEY (change, fn, flavor));
CREATE INDEX IF NOT EXISTS s3_deliveries_due ON s3_deliveries (due_at, change);
`;

interface RawObject {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  mtime_ms: number;
  content_type: string | null;
}
const toObject = (r: RawObject): ObjectRow => ({
  bucket: r.bucket,
  key: r.key,
  size: r.size,
  etag: r.etag,
  mtimeMs: r.mtime_ms,
  contentType: r.content_type,
});

export type BucketStore = ReturnType<typeof openBucketStore>;

/** Creates the tables if needed (idempotent) and returns the bucket state's statements. */
export function openBucketStore(db: Database.Database) {
  db.exec(SCHEMA);
  const q = {
    bucket: db.prepare('SELECT name, created_at, notification FROM s3_buckets WHERE name = ?'),
    buckets: db.prepare('SELECT name FROM s3_buckets ORDER BY name'),
    addBucket: db.prepare('INSERT OR IGNORE INTO s3_buckets (name, created_at) VALUES (?, ?)'),
    setNotification: db.prepare('UPDATE s3_buckets SET notification = ? WHERE name = ?'),
    object: db.prepare('SELECT * FROM s3_objects WHERE bucket = ? AND key = ?'),
    objects: db.prepare('SELECT * FROM s3_objects WHERE bucket = ?'),
    putObject: db.prepare(
      `INSERT INTO s3_objects (bucket, key, size, etag, mtime_ms, content_type) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag,
         mtime_ms = excluded.mtime_ms, content_type = excluded.content_type`,
    ),
    removeObject: db.prepare('DELETE FROM s3_objects WHERE bucket = ? AND key = ?'),
    addChange: db.prepare(
      'INSERT INTO s3_changes (bucket, key, kind, size, delta, etag, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq',
    ),
    addDelivery: db.prepare('INSERT INTO s3_deliveries (change, fn, flavor, due_at) VALUES (?, ?, ?, ?)'),
    due: db.prepare(
      `SELECT d.fn, d.flavor, d.attempts, d.due_at, c.* FROM s3_deliveries d JOIN s3_changes c ON c.seq = d.change
       WHERE d.due_at <= ? ORDER BY c.seq LIMIT ?`,
    ),
    nextDue: db.prepare('SELECT MIN(due_at) AS at FROM s3_deliveries'),
    done: db.prepare('DELETE FROM s3_deliveries WHERE change = ? AND fn = ? AND flavor = ?'),
    again: db.prepare(
      'UPDATE s3_deliveries SET attempts = attempts + 1, due_at = ? WHERE change = ? AND fn = ? AND flavor = ?',
    ),
    dropChange: db.prepare(
      'DELETE FROM s3_changes WHERE seq = ? AND NOT EXISTS (SELECT 1 FROM s3_deliveries WHERE change = ?)',
    ),
  };

  return {
    /** Whether the bucket was ever watched or created here (its first scan is a baseline, not news). */
    known: (name: string) => q.bucket.get(name) !== undefined,
    /** Buckets the S3 API created or the watcher adopted. */
    names: () => (q.buckets.all() as { name: string }[]).map((r) => r.name),
    addBucket(name: string, now: number): void {
      q.addBucket.run(name, now);
    },
    notification(name: string): unknown {
      const row = q.bucket.get(name) as { notification: string | null } | undefined;
      return row?.notification ? JSON.parse(row.notification) : undefined;
    },
    setNotification(name: string, config: unknown): void {
      q.setNotification.run(JSON.stringify(config), name);
    },
    object(bucket: string, key: string): ObjectRow | undefined {
      const row = q.object.get(bucket, key) as RawObject | undefined;
      return row && toObject(row);
    },
    objects: (bucket: string) => (q.objects.all(bucket) as RawObject[]).map(toObject),
    putObject(o: ObjectRow): void {
      q.putObject.run(o.bucket, o.key, o.size, o.etag, o.mtimeMs, o.contentType);
    },
    removeObject(bucket: string, key: string): void {
      q.removeObject.run(bucket, key);
    },
    /** Records a change and returns it with its sequence number. */
    addChange(change: Omit<ChangeRow, 'seq'>): ChangeRow {
      const { bucket, key, kind, size, delta, etag, at } = change;
      const { seq } = q.addChange.get(bucket, key, kind, size, delta, etag, at) as { seq: number };
      return { seq, ...change };
    },
    addDelivery(change: number, fn: string, flavor: 's3' | 'oss', dueAt: number): void {
      q.addDelivery.run(change, fn, flavor, dueAt);
    },
    due(now: number, limit: number): BucketDeliveryRow[] {
      const rows = q.due.all(now, limit) as (ChangeRow & {
        fn: string;
        flavor: 's3' | 'oss';
        attempts: number;
        due_at: number;
      })[];
      return rows.map((r) => ({
        change: {
          seq: r.seq,
          bucket: r.bucket,
          key: r.key,
          kind: r.kind,
          size: r.size,
          delta: r.delta,
          etag: r.etag,
          at: r.at,
        },
        fn: r.fn,
        flavor: r.flavor,
        attempts: r.attempts,
        dueAt: r.due_at,
      }));
    },
    nextDueAt: () => (q.nextDue.get() as { at: number | null }).at ?? undefined,
    /** The delivery ended; the change goes once no delivery of it is left. */
    done(d: BucketDeliveryRow): void {
      q.done.run(d.change.seq, d.fn, d.flavor);
      q.dropChange.run(d.change.seq, d.change.seq);
    },
    again(d: BucketDeliveryRow, dueAt: number): void {
      q.again.run(dueAt, d.change.seq, d.fn, d.flavor);
    },
  };
}
