/**
 * Group commit: writes that arrive in the same turn of the event loop share one SQLite transaction, so
 * sixteen concurrent POSTs cost one commit (one set of WAL locks, one WAL append) instead of sixteen.
 *
 * - `write(fn)` queues `fn` and resolves with its result only once the transaction that ran it is
 *   committed: an acknowledgement sent after `await write(…)` is still an acknowledgement of a committed
 *   write, and a crash before the commit loses only writes nobody was told about.
 * - The wait is bounded: the queue commits on the next turn of the event loop (`setImmediate`, after the
 *   I/O callbacks of this one have queued their writes), or at once when `maxWrites` are waiting.
 * - Each write runs in its own savepoint: one that throws is rolled back alone and rejects its own
 *   promise; the others commit. A commit that fails (disk full, locked) rejects every write of the group.
 * - `commit(tail)` commits the queue now, with `tail` last in the same transaction (the delivery loop's
 *   claim of due deliveries rides on the writes that made them due).
 */
import type Database from 'better-sqlite3';

export interface GroupCommit {
  /** Runs `fn` in the next shared transaction; resolves with its result once that transaction committed. */
  write<T>(fn: () => T): Promise<T>;
  /** Commits the queued writes now, and `tail` after them in the same transaction; returns `tail`'s result. */
  commit<T>(tail?: () => T): T | undefined;
  /** Writes queued and not yet committed. */
  readonly pending: number;
}

interface Queued {
  readonly fn: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const groups = new WeakMap<Database.Database, GroupCommit>();

/** The one group commit of a connection, shared by the stores over it (events, SQS queues…). */
export function groupCommitOf(db: Database.Database): GroupCommit {
  let group = groups.get(db);
  if (group === undefined) {
    group = createGroupCommit(db);
    groups.set(db, group);
  }
  return group;
}

/** Writes queued before the group commits without waiting for the next turn. */
export const MAX_GROUP_WRITES = 256;

export function createGroupCommit(db: Database.Database, options: { maxWrites?: number } = {}): GroupCommit {
  const maxWrites = options.maxWrites ?? MAX_GROUP_WRITES;
  let queue: Queued[] = [];
  let scheduled = false;

  const onTurn = () => {
    scheduled = false;
    try {
      commit();
    } catch {
      // Every write of the group was rejected with the error: their callers answer for it.
    }
  };

  function commit<T>(tail?: () => T): T | undefined {
    // Called inside a transaction, the group would commit with it, later: it waits for its own turn.
    if (queue.length === 0 || db.inTransaction)
      return tail === undefined ? undefined : db.transaction(tail)();
    const group = queue;
    queue = [];
    const settled: { ok: boolean; value: unknown }[] = new Array(group.length);
    let result: T | undefined;
    try {
      db.transaction(() => {
        for (let i = 0; i < group.length; i++) {
          try {
            // A nested transaction is a savepoint: a write that throws is undone alone.
            settled[i] = { ok: true, value: db.transaction((group[i] as Queued).fn)() };
          } catch (error) {
            settled[i] = { ok: false, value: error };
          }
        }
        if (tail !== undefined) result = tail();
      })();
    } catch (error) {
      for (const q of group) q.reject(error);
      throw error;
    }
    for (let i = 0; i < group.length; i++) {
      const q = group[i] as Queued;
      const s = settled[i] as { ok: boolean; value: unknown };
      if (s.ok) q.resolve(s.value);
      else q.reject(s.value);
    }
    return result;
  }

  return {
    write<T>(fn: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        // Inside a transaction (a write queued by a write) the group cannot commit here: next turn.
        if (queue.length >= maxWrites && !db.inTransaction) {
          try {
            commit();
          } catch {
            // Rejected above, each write with the error.
          }
        } else if (!scheduled) {
          scheduled = true;
          setImmediate(onTurn);
        }
      });
    },
    commit,
    get pending() {
      return queue.length;
    },
  };
}
