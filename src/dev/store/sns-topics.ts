/**
 * The local SNS endpoint's topics, subscriptions and pending Lambda deliveries, in tables of their own in
 * the emulator's SQLite file. A Publish commits its deliveries here before it answers, so a message the
 * caller saw accepted reaches every function subscribed, even across a crash. Plain data in, plain data
 * out; times are passed in (ms).
 */
import type Database from 'better-sqlite3';

export interface SnsTopicRow {
  readonly name: string;
  readonly createdAt: number;
  /** The settable topic attributes as SNS spells them (all strings). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface SnsSubscriptionRow {
  readonly arn: string;
  readonly topic: string;
  /** `sqs` or `lambda`. */
  readonly protocol: string;
  /** The queue's or the function's ARN. */
  readonly endpoint: string;
  /** The settable subscription attributes (`RawMessageDelivery`, `FilterPolicy`, …). */
  readonly attributes: Readonly<Record<string, string>>;
  /** The function whose `sources` declare the topic, for the subscriptions the emulator keeps in sync. */
  readonly declaredBy: string | null;
  readonly createdAt: number;
}

/** One Lambda invocation SNS owes a function: the record it sends, and how often it was tried. */
export interface SnsDeliveryRow {
  readonly id: number;
  readonly function: string;
  readonly subscription: string;
  /** The Lambda event record (`{ EventSource: 'aws:sns', Sns: {…} }`) as JSON. */
  readonly record: string;
  readonly attempts: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sns_topics (
  name TEXT PRIMARY KEY, created_at INTEGER NOT NULL, attributes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sns_subscriptions (
  arn TEXT PRIMARY KEY, topic TEXT NOT NULL, protocol TEXT NOT NULL, endpoint TEXT NOT NULL,
  attributes TEXT NOT NULL, declared_by TEXT, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sns_subscriptions_topic ON sns_subscriptions (topic, created_at);
CREATE TABLE IF NOT EXISTS sns_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, function TEXT NOT NULL, subscription TEXT NOT NULL,
  record TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sns_deliveries_due ON sns_deliveries (status, function, next_at);
`;

interface RawSubscription {
  arn: string;
  topic: string;
  protocol: string;
  endpoint: string;
  attributes: string;
  declared_by: string | null;
  created_at: number;
}

const toSubscription = (r: RawSubscription): SnsSubscriptionRow => ({
  arn: r.arn,
  topic: r.topic,
  protocol: r.protocol,
  endpoint: r.endpoint,
  attributes: JSON.parse(r.attributes) as Record<string, string>,
  declaredBy: r.declared_by,
  createdAt: r.created_at,
});

export type SnsStore = ReturnType<typeof openSnsStore>;

/**
 * Creates the SNS tables in the emulator's database (idempotent) and returns the queries over them; the
 * emulator's store opens them as `store.topics`.
 *
 * @example
 * const topics = openStore('.triggerkit').topics;
 * topics.createTopic('orders', {}, Date.now());
 */
export function openSnsStore(db: Database.Database) {
  db.exec(SCHEMA);
  const q = {
    insertTopic: db.prepare('INSERT INTO sns_topics (name, created_at, attributes) VALUES (?, ?, ?)'),
    topic: db.prepare('SELECT * FROM sns_topics WHERE name = ?'),
    topics: db.prepare('SELECT * FROM sns_topics ORDER BY name'),
    updateTopic: db.prepare('UPDATE sns_topics SET attributes = ? WHERE name = ?'),
    dropTopic: db.prepare('DELETE FROM sns_topics WHERE name = ?'),
    dropSubscriptionsOf: db.prepare('DELETE FROM sns_subscriptions WHERE topic = ?'),
    insertSubscription: db.prepare(
      `INSERT INTO sns_subscriptions (arn, topic, protocol, endpoint, attributes, declared_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    subscription: db.prepare('SELECT * FROM sns_subscriptions WHERE arn = ?'),
    sameSubscription: db.prepare(
      'SELECT * FROM sns_subscriptions WHERE topic = ? AND protocol = ? AND endpoint = ?',
    ),
    subscriptionsOf: db.prepare('SELECT * FROM sns_subscriptions WHERE topic = ? ORDER BY created_at, arn'),
    subscriptions: db.prepare('SELECT * FROM sns_subscriptions ORDER BY created_at, arn'),
    declared: db.prepare('SELECT * FROM sns_subscriptions WHERE declared_by IS NOT NULL'),
    updateSubscription: db.prepare('UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?'),
    dropSubscription: db.prepare('DELETE FROM sns_subscriptions WHERE arn = ?'),
    insertDelivery: db.prepare(
      'INSERT INTO sns_deliveries (function, subscription, record, next_at, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    due: db.prepare(
      `SELECT id, function, subscription, record, attempts FROM sns_deliveries WHERE status = 'pending'
       AND next_at <= ? AND function IN (SELECT value FROM json_each(?)) ORDER BY next_at, id LIMIT ?`,
    ),
    claim: db.prepare(
      `UPDATE sns_deliveries SET status = 'running', attempts = attempts + 1 WHERE id = ? AND status = 'pending'`,
    ),
    nextDue: db.prepare(
      `SELECT min(next_at) AS at FROM sns_deliveries WHERE status = 'pending'
       AND function IN (SELECT value FROM json_each(?))`,
    ),
    finish: db.prepare('DELETE FROM sns_deliveries WHERE id = ?'),
    again: db.prepare(`UPDATE sns_deliveries SET status = 'pending', next_at = ? WHERE id = ?`),
    recover: db.prepare(
      `UPDATE sns_deliveries SET status = 'pending', attempts = max(attempts - 1, 0) WHERE status = 'running'`,
    ),
    pending: db.prepare('SELECT count(*) AS n FROM sns_deliveries'),
  };
  const listeners = new Set<() => void>();

  return {
    /** Creates a topic; `false` when one of that name exists already. */
    createTopic(name: string, attributes: Record<string, string>, now: number): boolean {
      if (q.topic.get(name) !== undefined) return false;
      q.insertTopic.run(name, now, JSON.stringify(attributes));
      return true;
    },
    getTopic(name: string): SnsTopicRow | undefined {
      const row = q.topic.get(name) as { name: string; created_at: number; attributes: string } | undefined;
      return row && { name: row.name, createdAt: row.created_at, attributes: JSON.parse(row.attributes) };
    },
    listTopics(): string[] {
      return (q.topics.all() as { name: string }[]).map((r) => r.name);
    },
    setTopicAttributes(name: string, attributes: Record<string, string>): void {
      q.updateTopic.run(JSON.stringify(attributes), name);
    },
    /** Deletes a topic and its subscriptions (deliveries already owed still run, as in SNS). */
    deleteTopic(name: string): void {
      db.transaction(() => {
        q.dropSubscriptionsOf.run(name);
        q.dropTopic.run(name);
      })();
    },
    subscribe(row: Omit<SnsSubscriptionRow, 'createdAt'>, now: number): void {
      const { arn, topic, protocol, endpoint, attributes, declaredBy } = row;
      q.insertSubscription.run(arn, topic, protocol, endpoint, JSON.stringify(attributes), declaredBy, now);
    },
    getSubscription(arn: string): SnsSubscriptionRow | undefined {
      const row = q.subscription.get(arn) as RawSubscription | undefined;
      return row && toSubscription(row);
    },
    /** The subscription of `topic` to `endpoint` over `protocol`, if there is one (Subscribe is idempotent). */
    findSubscription(topic: string, protocol: string, endpoint: string): SnsSubscriptionRow | undefined {
      const row = q.sameSubscription.get(topic, protocol, endpoint) as RawSubscription | undefined;
      return row && toSubscription(row);
    },
    /** The subscriptions of `topic`, or of every topic, oldest first. */
    listSubscriptions(topic?: string): SnsSubscriptionRow[] {
      const rows = (
        topic === undefined ? q.subscriptions.all() : q.subscriptionsOf.all(topic)
      ) as RawSubscription[];
      return rows.map(toSubscription);
    },
    /** The subscriptions the emulator made for handlers that declare a topic. */
    declaredSubscriptions(): SnsSubscriptionRow[] {
      return (q.declared.all() as RawSubscription[]).map(toSubscription);
    },
    setSubscriptionAttributes(arn: string, attributes: Record<string, string>): void {
      q.updateSubscription.run(JSON.stringify(attributes), arn);
    },
    unsubscribe(arn: string): void {
      q.dropSubscription.run(arn);
    },
    /** Owes `fn` one invocation with `record` (JSON), due now; the listeners hear of it once committed. */
    enqueue(fn: string, subscription: string, record: string, now: number): void {
      q.insertDelivery.run(fn, subscription, record, now, now);
      // Called after the caller's transaction commits: better-sqlite3 transactions are synchronous.
      setImmediate(() => {
        for (const listener of listeners) listener();
      });
    },
    /** Claims up to `limit` deliveries due at `now` for the functions named (running, attempts + 1). */
    claimDue(functions: readonly string[], now: number, limit: number): SnsDeliveryRow[] {
      return db.transaction(() => {
        const rows = q.due.all(now, JSON.stringify(functions), limit) as SnsDeliveryRow[];
        for (const row of rows) q.claim.run(row.id);
        return rows.map((row) => ({ ...row, attempts: row.attempts + 1 }));
      })();
    },
    nextDueAt(functions: readonly string[]): number | undefined {
      return (q.nextDue.get(JSON.stringify(functions)) as { at: number | null }).at ?? undefined;
    },
    /** The invocation happened: the delivery is done (its retries, if any, are the attempt loop's now). */
    finish(id: number): void {
      q.finish.run(id);
    },
    /** The invocation itself failed (timeout, a throwing middleware): tried again at `at`. */
    retryAt(id: number, at: number): void {
      q.again.run(at, id);
    },
    /** Deliveries left running by a process that died run again, as the same attempt. */
    recover(): void {
      q.recover.run();
    },
    /** How many Lambda deliveries are owed (pending or running). */
    owed(): number {
      return (q.pending.get() as { n: number }).n;
    },
    /** Calls `listener` whenever deliveries were enqueued; returns the unsubscribe. */
    onEnqueue(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
