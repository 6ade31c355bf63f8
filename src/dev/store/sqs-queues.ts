/**
 * The local SQS endpoint's queues and messages, in tables of their own in the emulator's SQLite file, so
 * they survive a restart like the bus does. Plain data in, plain data out; times are passed in (ms).
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { MessageAttributes } from '../sqs/wire.js';
import { groupCommitOf } from './group-commit.js';

export interface SqsQueueRow {
  readonly name: string;
  readonly createdAt: number;
  readonly modifiedAt: number;
  /** The queue attributes as SQS spells them (all strings). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface SqsMessageRow {
  readonly id: string;
  /** The message's place in the store: FIFO order, and the `SequenceNumber` of FIFO queues. */
  readonly seq: number;
  readonly groupId: string | null;
  readonly deduplicationId: string | null;
  readonly queue: string;
  readonly body: string;
  readonly attributes: MessageAttributes;
  readonly sentAt: number;
  readonly visibleAt: number;
  readonly receiveCount: number;
  readonly firstReceivedAt: number | null;
  readonly receipt: string | null;
}

export interface SqsCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sqs_queues (
  name TEXT PRIMARY KEY, created_at INTEGER NOT NULL, modified_at INTEGER NOT NULL, attributes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sqs_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL,
  body TEXT NOT NULL, attributes TEXT NOT NULL, sent_at INTEGER NOT NULL, visible_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0, first_received_at INTEGER, receipt TEXT);
CREATE INDEX IF NOT EXISTS sqs_messages_visible ON sqs_messages (queue, visible_at, seq);
CREATE INDEX IF NOT EXISTS sqs_messages_receipt ON sqs_messages (receipt);
CREATE TABLE IF NOT EXISTS sqs_deduplication (
  queue TEXT NOT NULL, key TEXT NOT NULL, message_id TEXT NOT NULL, seq INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, PRIMARY KEY (queue, key));
`;

/** A FIFO message's deduplication: within `windowMs` of the first, a message with this `key` is the same one. */
export interface Deduplication {
  readonly key: string;
  readonly windowMs: number;
}

/** What `receive` needs to know of the queue: how long messages live, and its redrive policy. */
export interface ReceiveOptions {
  readonly max: number;
  readonly visibilityMs: number;
  readonly retentionMs: number;
  /** Messages received this many times go to `deadLetterQueue` instead of being received again. */
  readonly redrive?: { readonly maxReceiveCount: number; readonly deadLetterQueue: string };
  /** FIFO: messages in send order, and none of a group while one of it is in flight. */
  readonly fifo?: boolean;
}

/**
 * Creates the SQS tables in the emulator's database (idempotent) and returns the queries over them; the
 * emulator's store opens them as `store.queues`.
 *
 * @example
 * const sqs = openStore('.triggerkit').queues;
 * sqs.createQueue('orders-retry', { VisibilityTimeout: '30' }, Date.now());
 */
export function openSqsStore(db: Database.Database) {
  db.exec(SCHEMA);
  const columns = (
    db.prepare('SELECT name FROM pragma_table_info(?)').all('sqs_messages') as { name: string }[]
  ).map((c) => c.name);
  // State files written before FIFO queues existed get the columns they need.
  for (const column of ['group_id', 'deduplication_id'])
    if (!columns.includes(column)) db.exec(`ALTER TABLE sqs_messages ADD COLUMN ${column} TEXT`);
  const q = {
    insertQueue: db.prepare(
      'INSERT INTO sqs_queues (name, created_at, modified_at, attributes) VALUES (?, ?, ?, ?)',
    ),
    queue: db.prepare('SELECT * FROM sqs_queues WHERE name = ?'),
    queues: db.prepare('SELECT * FROM sqs_queues WHERE substr(name, 1, length(?)) = ? ORDER BY name'),
    dropQueue: db.prepare('DELETE FROM sqs_queues WHERE name = ?'),
    insert: db.prepare(
      `INSERT INTO sqs_messages (id, queue, body, attributes, sent_at, visible_at, group_id, deduplication_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateQueue: db.prepare('UPDATE sqs_queues SET attributes = ?, modified_at = ? WHERE name = ?'),
    duplicate: db.prepare(
      'SELECT message_id, seq FROM sqs_deduplication WHERE queue = ? AND key = ? AND expires_at > ?',
    ),
    remember: db.prepare(
      'INSERT OR REPLACE INTO sqs_deduplication (queue, key, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    forget: db.prepare('DELETE FROM sqs_deduplication WHERE queue = ?'),
    inOrder: db.prepare(
      'SELECT * FROM sqs_messages WHERE queue = ? AND visible_at <= ? ORDER BY seq LIMIT ?',
    ),
    busyGroups: db.prepare(
      `SELECT DISTINCT group_id FROM sqs_messages WHERE queue = ? AND group_id IS NOT NULL
       AND visible_at > ? AND receipt IS NOT NULL`,
    ),
    expire: db.prepare('DELETE FROM sqs_messages WHERE queue = ? AND sent_at <= ?'),
    visible: db.prepare(
      'SELECT * FROM sqs_messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?',
    ),
    take: db.prepare(
      `UPDATE sqs_messages SET receive_count = receive_count + 1, visible_at = ?, receipt = ?,
       first_received_at = coalesce(first_received_at, ?) WHERE id = ?`,
    ),
    move: db.prepare(
      `UPDATE sqs_messages SET queue = ?, visible_at = ?, receive_count = 0, receipt = NULL,
       first_received_at = NULL WHERE id = ?`,
    ),
    byReceipt: db.prepare('SELECT * FROM sqs_messages WHERE queue = ? AND receipt = ?'),
    remove: db.prepare('DELETE FROM sqs_messages WHERE queue = ? AND receipt = ?'),
    setVisible: db.prepare('UPDATE sqs_messages SET visible_at = ? WHERE id = ?'),
    purge: db.prepare('DELETE FROM sqs_messages WHERE queue = ?'),
    counts: db.prepare(
      `SELECT sum(visible_at <= @now) AS visible, sum(visible_at > @now AND receipt IS NOT NULL) AS inFlight,
       sum(visible_at > @now AND receipt IS NULL) AS delayed FROM sqs_messages WHERE queue = @queue`,
    ),
    nextVisible: db.prepare(
      'SELECT min(visible_at) AS at FROM sqs_messages WHERE queue = ? AND visible_at > ?',
    ),
  };

  return {
    /**
     * Runs `fn` in the connection's next group commit (store/group-commit.ts); resolves once it is
     * committed: the endpoint answers a send after that, as the bus answers a POST.
     */
    write<T>(fn: () => T): Promise<T> {
      return groupCommitOf(db).write(fn);
    },
    /** Runs `fn` in one transaction (one commit): a batch call's entries are stored together. */
    atomically<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    /** Creates a queue; `false` when one of that name exists already (the caller compares attributes). */
    createQueue(name: string, attributes: Record<string, string>, now: number): boolean {
      if (q.queue.get(name) !== undefined) return false;
      q.insertQueue.run(name, now, now, JSON.stringify(attributes));
      return true;
    },
    getQueue(name: string): SqsQueueRow | undefined {
      const row = q.queue.get(name) as RawQueue | undefined;
      return row && toQueue(row);
    },
    listQueues(prefix = ''): SqsQueueRow[] {
      return (q.queues.all(prefix, prefix) as RawQueue[]).map(toQueue);
    },
    /** Replaces the queue's attributes. */
    setAttributes(name: string, attributes: Record<string, string>, now: number): void {
      q.updateQueue.run(JSON.stringify(attributes), now, name);
    },
    deleteQueue(name: string): void {
      db.transaction(() => {
        q.purge.run(name);
        q.forget.run(name);
        q.dropQueue.run(name);
      })();
    },
    /**
     * Stores a message, visible from `visibleAt`. With `deduplication`, a message already sent with that
     * key within the window is not stored again: its id and sequence number are returned instead.
     */
    send(
      queue: string,
      body: string,
      attributes: MessageAttributes,
      now: number,
      visibleAt: number,
      options: { groupId?: string; deduplicationId?: string; deduplication?: Deduplication } = {},
    ): { id: string; seq: number } {
      return db.transaction(() => {
        const { deduplication } = options;
        if (deduplication !== undefined) {
          const seen = q.duplicate.get(queue, deduplication.key, now) as
            | { message_id: string; seq: number }
            | undefined;
          if (seen !== undefined) return { id: seen.message_id, seq: seen.seq };
        }
        const id = randomUUID();
        const { lastInsertRowid } = q.insert.run(
          id,
          queue,
          body,
          JSON.stringify(attributes),
          now,
          visibleAt,
          options.groupId ?? null,
          options.deduplicationId ?? null,
        );
        const seq = Number(lastInsertRowid);
        if (deduplication !== undefined)
          q.remember.run(queue, deduplication.key, id, seq, now + deduplication.windowMs);
        return { id, seq };
      })();
    },
    /**
     * Takes up to `max` visible messages: each gets a new receipt handle and stays invisible for
     * `visibilityMs`. Expired messages are dropped first; over-received ones move to the dead-letter queue.
     */
    receive(queue: string, now: number, options: ReceiveOptions): SqsMessageRow[] {
      return db.transaction(() => {
        q.expire.run(queue, now - options.retentionMs);
        const taken: SqsMessageRow[] = [];
        // With a visibility timeout of 0 a taken message is visible again at once: never take it twice.
        const seen = new Set<string>();
        const busy = options.fifo
          ? new Set((q.busyGroups.all(queue, now) as { group_id: string }[]).map((r) => r.group_id))
          : undefined;
        // A dead-letter queue deleted after the policy was set takes nothing: the message stays here.
        const redrive =
          options.redrive && q.queue.get(options.redrive.deadLetterQueue) !== undefined
            ? options.redrive
            : undefined;
        for (let moved = true; moved && taken.length < options.max; ) {
          moved = false;
          const rows = (options.fifo ? q.inOrder : q.visible).all(
            queue,
            now,
            options.max + seen.size,
          ) as RawMessage[];
          for (const row of rows) {
            if (taken.length >= options.max) break;
            if (seen.has(row.id)) continue;
            seen.add(row.id);
            // A FIFO group with a message in flight gives nothing more until that one is done.
            if (busy !== undefined && row.group_id !== null && busy.has(row.group_id)) continue;
            if (redrive && row.receive_count >= redrive.maxReceiveCount) {
              q.move.run(redrive.deadLetterQueue, now, row.id);
              moved = true;
              continue;
            }
            const receipt = Buffer.from(`${row.id} ${randomUUID()}`).toString('base64url');
            q.take.run(now + options.visibilityMs, receipt, now, row.id);
            taken.push({
              ...toMessage(row),
              receiveCount: row.receive_count + 1,
              visibleAt: now + options.visibilityMs,
              firstReceivedAt: row.first_received_at ?? now,
              receipt,
            });
          }
        }
        return taken;
      })();
    },
    /** The message a receipt handle names, if that handle is still the message's latest. */
    byReceipt(queue: string, receipt: string): SqsMessageRow | undefined {
      const row = q.byReceipt.get(queue, receipt) as RawMessage | undefined;
      return row && toMessage(row);
    },
    /** Deletes by the latest receipt handle; a stale handle deletes nothing (as SQS documents). */
    delete(queue: string, receipt: string): boolean {
      return q.remove.run(queue, receipt).changes > 0;
    },
    setVisibleAt(id: string, visibleAt: number): void {
      q.setVisible.run(visibleAt, id);
    },
    purge(queue: string): void {
      q.purge.run(queue);
    },
    counts(queue: string, now: number): SqsCounts {
      const row = q.counts.get({ queue, now }) as Record<keyof SqsCounts, number | null>;
      return { visible: row.visible ?? 0, inFlight: row.inFlight ?? 0, delayed: row.delayed ?? 0 };
    },
    /** When the next invisible (delayed or in-flight) message of the queue becomes visible. */
    nextVisibleAt(queue: string, now: number): number | undefined {
      return (q.nextVisible.get(queue, now) as { at: number | null }).at ?? undefined;
    },
  };
}

export type SqsStore = ReturnType<typeof openSqsStore>;

interface RawQueue {
  name: string;
  created_at: number;
  modified_at: number;
  attributes: string;
}

interface RawMessage {
  seq: number;
  group_id: string | null;
  deduplication_id: string | null;
  id: string;
  queue: string;
  body: string;
  attributes: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_received_at: number | null;
  receipt: string | null;
}

const toQueue = (row: RawQueue): SqsQueueRow => ({
  name: row.name,
  createdAt: row.created_at,
  modifiedAt: row.modified_at,
  attributes: JSON.parse(row.attributes) as Record<string, string>,
});

const toMessage = (row: RawMessage): SqsMessageRow => ({
  id: row.id,
  seq: row.seq,
  groupId: row.group_id,
  deduplicationId: row.deduplication_id,
  queue: row.queue,
  body: row.body,
  attributes: JSON.parse(row.attributes) as MessageAttributes,
  sentAt: row.sent_at,
  visibleAt: row.visible_at,
  receiveCount: row.receive_count,
  firstReceivedAt: row.first_received_at,
  receipt: row.receipt,
});
