import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.js';
import { openStore } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database file and a second connection that sees only what was committed. */
function twoConnections() {
  const dir = mkdtempSync(join(tmpdir(), 'triggerkit-group-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'g.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v INTEGER)');
  const reader = new Database(join(dir, 'g.db'), { readonly: true });
  const committed = () =>
    (reader.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((r) => r.v);
  return { db, reader, committed };
}

describe('group commit', () => {
  it('runs the writes of one turn in one transaction and resolves each only once it is committed', async () => {
    const { db, committed } = twoConnections();
    const group = createGroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const seen: number[][] = [];
    const writes = [1, 2, 3].map((v) =>
      group.write(() => {
        insert.run(v);
        // Still inside the shared transaction: this connection sees the group's rows, the other none.
        seen.push([(db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, committed().length]);
        return v * 10;
      }),
    );
    expect(group.pending).toBe(3);
    expect(committed()).toEqual([]);
    let resolved = false;
    void writes[0]?.then(() => {
      resolved = true;
      expect(committed()).toEqual([1, 2, 3]);
    });
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(await Promise.all(writes)).toEqual([10, 20, 30]);
    expect(seen).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(resolved).toBe(true);
  });

  it('undoes a write that throws alone; the others of its group commit', async () => {
    const { db, committed } = twoConnections();
    const group = createGroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const ok = group.write(() => insert.run(1));
    const bad = group.write(() => {
      insert.run(2);
      throw new Error('refused');
    });
    const after = group.write(() => insert.run(3));
    await expect(bad).rejects.toThrow('refused');
    await Promise.all([ok, after]);
    expect(committed()).toEqual([1, 3]);
  });

  it('rejects every write of a group whose commit fails', async () => {
    const { db, reader, committed } = twoConnections();
    const group = createGroupCommit(db);
    db.pragma('busy_timeout = 0');
    // Another connection holds the write lock: the group's transaction cannot begin.
    const writer = new Database(reader.name);
    writer.exec('BEGIN IMMEDIATE');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const writes = [group.write(() => insert.run(1)), group.write(() => insert.run(2))];
    for (const w of writes) await expect(w).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    writer.exec('ROLLBACK');
    expect(committed()).toEqual([]);
  });

  it('commits at once when the queue is full, and `commit(tail)` takes the queue with it', async () => {
    const { db, committed } = twoConnections();
    const group = createGroupCommit(db, { maxWrites: 2 });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const first = [group.write(() => insert.run(1)), group.write(() => insert.run(2))];
    expect(committed()).toEqual([1, 2]);
    const third = group.write(() => insert.run(3));
    expect(group.commit(() => committed().length + 100)).toBe(102);
    expect(committed()).toEqual([1, 2, 3]);
    await Promise.all([...first, third]);
  });
});

describe('the store over group commit', () => {
  it('claims deliveries in the commit of the accepts that made them due', async () => {
    const store = openStore(':memory:');
    const event = { specversion: '1.0', id: 'e1', source: '/t', type: 't', data: {} } as const;
    const accepted = store.write(() => store.accept(event, 1_000, [{ handler: 'h', matched: true }]));
    const claimed = store.claimDue(2_000);
    expect(claimed.map((d) => [d.event.id, d.handler, d.attempts])).toEqual([['e1', 'h', 1]]);
    expect(await accepted).toBe(claimed[0]?.eventSeq);
    store.close();
  });

  it('commits queued writes on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triggerkit-group-'));
    dirs.push(dir);
    const store = openStore(dir);
    const event = { specversion: '1.0', id: 'e2', source: '/t', type: 't', data: {} } as const;
    const accepted = store.write(() => store.accept(event, 1_000, []));
    store.close();
    await accepted;
    const again = openStore(dir);
    expect(again.stories('e2')).toHaveLength(1);
    again.close();
  });
});
