/**
 * The emulator's local log groups, in tables of their own in its SQLite file: groups, streams, the log
 * events (in the order they were committed: `seq`), each subscription's position per (consumer, group),
 * and each tailed file's offset — so a restart neither loses nor repeats a line. Writers are told apart
 * from readers: a line is committed (`put`) before anything acknowledges it, then `onAppend` listeners
 * in this process hear of its group. Plain data in, plain data out; times are passed in (ms).
 */
import type Database from 'better-sqlite3';

export interface LogEventRow {
  readonly seq: number;
  readonly group: string;
  readonly stream: string;
  readonly timestamp: number;
  readonly ingestedAt: number;
  readonly message: string;
}

export interface LogGroupRow {
  readonly name: string;
  readonly createdAt: number;
  readonly storedBytes: number;
}

export interface LogStreamRow {
  readonly group: string;
  readonly name: string;
  readonly createdAt: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly lastIngestion: number | null;
  readonly storedBytes: number;
}

/** Where a tailed file was read up to: its inode and the offset after the last whole line committed. */
export interface TailPosition {
  readonly ino: number;
  readonly offset: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log_groups (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS log_streams (
  log_group TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (log_group, name));
CREATE TABLE IF NOT EXISTS log_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, log_group TEXT NOT NULL, log_stream TEXT NOT NULL,
  timestamp INTEGER NOT NULL, ingested_at INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS log_events_group ON log_events (log_group, seq);
CREATE TABLE IF NOT EXISTS log_positions (
  consumer TEXT NOT NULL, log_group TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (consumer, log_group));
CREATE TABLE IF NOT EXISTS log_tails (
  log_group TEXT NOT NULL, file TEXT NOT NULL, ino INTEGER NOT NULL, offset INTEGER NOT NULL,
  PRIMARY KEY (log_group, file));
`;

export type LogStore = ReturnType<typeof createLogStore>;

const opened = new WeakMap<Database.Database, LogStore>();

/** The log store of `db` (one per database, so that every writer's `onAppend` reaches every reader). */
export function openLogStore(db: Database.Database): LogStore {
  let store = opened.get(db);
  if (store === undefined) {
    store = createLogStore(db);
    opened.set(db, store);
  }
  return store;
}

function createLogStore(db: Database.Database) {
  db.exec(SCHEMA);
  const listeners = new Set<(group: string) => void>();
  /** What feeds each group in this process (`tail logs/app.log`), for the banner. */
  const origins = new Map<string, Set<string>>();
  const insertGroup = db.prepare('INSERT OR IGNORE INTO log_groups (name, created_at) VALUES (?, ?)');
  const insertStream = db.prepare(
    'INSERT OR IGNORE INTO log_streams (log_group, name, created_at) VALUES (?, ?, ?)',
  );
  const insertEvent = db.prepare(
    'INSERT INTO log_events (log_group, log_stream, timestamp, ingested_at, message) VALUES (?, ?, ?, ?, ?)',
  );
  const selectAfter = db.prepare(
    'SELECT seq, log_group AS "group", log_stream AS stream, timestamp, ingested_at AS ingestedAt, message FROM log_events WHERE log_group = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const hasGroup = db.prepare('SELECT 1 FROM log_groups WHERE name = ?').pluck();
  const hasStream = db.prepare('SELECT 1 FROM log_streams WHERE log_group = ? AND name = ?').pluck();

  const store = {
    /** Creates a group; false when it exists. */
    createGroup: (name: string, now: number) => insertGroup.run(name, now).changes === 1,
    /** Creates a stream of an existing group; false when it exists. */
    createStream: (group: string, name: string, now: number) =>
      insertStream.run(group, name, now).changes === 1,
    hasGroup: (name: string) => hasGroup.get(name) !== undefined,
    hasStream: (group: string, name: string) => hasStream.get(group, name) !== undefined,
    /** Creates the group and the stream if they do not exist (what a tail or a process's output does). */
    ensure(group: string, stream: string, now: number): void {
      insertGroup.run(group, now);
      insertStream.run(group, stream, now);
    },
    /**
     * Commits log events to a stream, with a tailed file's new position in the same transaction when
     * given; returns their `seq`s. Listeners hear of the group once it is committed.
     */
    put(
      group: string,
      stream: string,
      events: readonly { timestamp: number; message: string }[],
      now: number,
      tail?: { file: string } & TailPosition,
    ): number[] {
      const seqs = db.transaction(() => {
        const out = events.map((e) =>
          Number(insertEvent.run(group, stream, e.timestamp, now, e.message).lastInsertRowid),
        );
        if (tail)
          db.prepare(
            'INSERT OR REPLACE INTO log_tails (log_group, file, ino, offset) VALUES (?, ?, ?, ?)',
          ).run(group, tail.file, tail.ino, tail.offset);
        return out;
      })();
      if (seqs.length > 0) for (const listener of listeners) listener(group);
      return seqs;
    },
    /** Up to `limit` events of `group` after `seq`, in commit order. */
    after: (group: string, seq: number, limit: number) => selectAfter.all(group, seq, limit) as LogEventRow[],
    /** Events of a group for GetLogEvents / FilterLogEvents, in commit order. */
    query(q: {
      group: string;
      streams?: readonly string[];
      start?: number;
      end?: number;
      afterSeq?: number;
    }) {
      const where = ['log_group = ?', 'seq > ?'];
      const args: unknown[] = [q.group, q.afterSeq ?? 0];
      if (q.streams?.length) {
        where.push(`log_stream IN (${q.streams.map(() => '?').join(',')})`);
        args.push(...q.streams);
      }
      if (q.start !== undefined) where.push('timestamp >= ?') && args.push(q.start);
      if (q.end !== undefined) where.push('timestamp < ?') && args.push(q.end);
      return db
        .prepare(
          `SELECT seq, log_group AS "group", log_stream AS stream, timestamp, ingested_at AS ingestedAt, message FROM log_events WHERE ${where.join(' AND ')} ORDER BY seq`,
        )
        .iterate(...args) as IterableIterator<LogEventRow>;
    },
    groups: () =>
      db
        .prepare(
          `SELECT g.name, g.created_at AS createdAt, COALESCE(SUM(LENGTH(CAST(e.message AS BLOB))), 0) AS storedBytes
           FROM log_groups g LEFT JOIN log_events e ON e.log_group = g.name GROUP BY g.name ORDER BY g.name`,
        )
        .all() as LogGroupRow[],
    streams: (group: string) =>
      db
        .prepare(
          `SELECT s.log_group AS "group", s.name, s.created_at AS createdAt, MIN(e.timestamp) AS first,
             MAX(e.timestamp) AS last, MAX(e.ingested_at) AS lastIngestion,
             COALESCE(SUM(LENGTH(CAST(e.message AS BLOB))), 0) AS storedBytes
           FROM log_streams s LEFT JOIN log_events e ON e.log_group = s.log_group AND e.log_stream = s.name
           WHERE s.log_group = ? GROUP BY s.name ORDER BY s.name`,
        )
        .all(group) as LogStreamRow[],
    /** A subscription's position in a group: the last `seq` it has handed on (0: none). */
    position: (consumer: string, group: string) =>
      (db
        .prepare('SELECT seq FROM log_positions WHERE consumer = ? AND log_group = ?')
        .pluck()
        .get(consumer, group) as number | undefined) ?? undefined,
    setPosition(consumer: string, group: string, seq: number): void {
      db.prepare('INSERT OR REPLACE INTO log_positions (consumer, log_group, seq) VALUES (?, ?, ?)').run(
        consumer,
        group,
        seq,
      );
    },
    /** The newest `seq` of a group (0: none yet). */
    last: (group: string) =>
      (db.prepare('SELECT MAX(seq) FROM log_events WHERE log_group = ?').pluck().get(group) as
        | number
        | null) ?? 0,
    tail: (group: string, file: string) =>
      db.prepare('SELECT ino, offset FROM log_tails WHERE log_group = ? AND file = ?').get(group, file) as
        | TailPosition
        | undefined,
    /**
     * Follows `group` from the consumer's stored position (the group's end the first time, as a new
     * subscription gets only what comes after it): `take` gets what was committed since, `commit` moves
     * the position once that is handled.
     */
    follow(consumer: string, group: string) {
      let position = store.position(consumer, group);
      if (position === undefined) {
        position = store.last(group);
        store.setPosition(consumer, group, position);
      }
      return {
        take: (limit: number) => store.after(group, position as number, limit),
        commit(seq: number): void {
          store.setPosition(consumer, group, seq);
          position = seq;
        },
      };
    },
    /** Calls `listener` with a group's name after lines were committed to it; returns the unsubscribe. */
    onAppend(listener: (group: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Says what feeds `group` in this process; returns the undo. */
    addOrigin(group: string, origin: string): () => void {
      const set = origins.get(group) ?? new Set();
      origins.set(group, set.add(origin));
      return () => set.delete(origin);
    },
    originsOf: (group: string) => [...(origins.get(group) ?? [])],
  };
  return store;
}
