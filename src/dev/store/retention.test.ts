/** Retention of the store: what `prune` deletes, what it never deletes, and how it chunks the work. */
import { describe, expect, it } from 'vitest';
import { type CloudEvent, createCloudEvent } from '../../cloud-event.js';
import { deadLetterEnvelope } from '../../delivery/dead-letter.js';
import { isTriggerError } from '../../errors.js';
import { DEFAULT_RETENTION, PRUNE_CHUNK, parseRetentionFlags, resolveRetention } from './retention.js';
import { openStore, type Store } from './store.js';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
/** Far beyond every `now` of these tests: a delivery rescheduled there stays pending. */
const LATER = T0 + 1_000 * DAY;

type Outcome = 'delivered' | 'filtered' | 'dead-lettered' | 'pending' | 'running';

const order = (id: string): CloudEvent =>
  createCloudEvent({ id, source: '/shop', type: 'com.shop.order.created', data: { orderId: id } });

/** Accepts `id` at `at` with one delivery per outcome, and brings each delivery to its outcome. */
function put(store: Store, id: string, at: number, outcomes: readonly Outcome[]): CloudEvent {
  const event = order(id);
  const routes = outcomes.map((o, i) => ({ handler: `h${i}`, matched: o !== 'filtered' }));
  const seq = store.accept(event, at, routes);
  for (const delivery of store.claimDue(at)) {
    if (delivery.eventSeq !== seq) throw new Error('a delivery of another event was due');
    const outcome = outcomes[Number(delivery.handler.slice(1))];
    if (outcome === 'delivered') store.complete(delivery.id, 'delivered');
    if (outcome === 'pending') store.retry(delivery.id, LATER);
    if (outcome === 'dead-lettered')
      store.deadLetter(
        delivery,
        deadLetterEnvelope({
          event,
          reason: 'retries-exhausted',
          attempts: 1,
          error: new Error('boom'),
          handler: delivery.handler,
          firstAttemptAt: at,
          lastAttemptAt: at,
        }),
        at,
      );
    store.trace(id, delivery.handler, 'attempt-1', at, {});
  }
  return event;
}

const rows = (store: Store, sql: string) => store.db.prepare(sql).pluck().all();
const eventIds = (store: Store) => rows(store, 'SELECT id FROM events ORDER BY seq');
const traceIds = (store: Store) => [...new Set(rows(store, 'SELECT event_id FROM traces ORDER BY id'))];

describe('prune', () => {
  it('deletes finished events older than maxAgeMs with their deliveries and traces, and nothing else', async () => {
    const store = openStore(':memory:');
    const old = T0;
    put(store, 'old-delivered', old, ['delivered']);
    put(store, 'old-filtered', old, ['filtered', 'filtered']);
    put(store, 'old-dead', old, ['dead-lettered', 'delivered']);
    put(store, 'old-pending', old, ['delivered', 'pending']);
    put(store, 'old-running', old, ['running']);
    put(store, 'new-delivered', old + 6 * DAY, ['delivered']);
    store.queues.createQueue('orders', {}, old);
    store.queues.send('orders', '{"a":1}', {}, old, old);
    const deadLetters = store.deadLetters();

    const result = await store.prune(old + 7 * DAY, { maxAgeMs: 7 * DAY - 1, maxEvents: 0 });

    expect(eventIds(store)).toEqual(['old-pending', 'old-running', 'new-delivered']);
    expect(traceIds(store)).toEqual(['old-pending', 'old-running', 'new-delivered']);
    expect(rows(store, 'SELECT handler || status FROM deliveries ORDER BY id')).toEqual([
      'h0delivered',
      'h1pending',
      'h0running',
      'h0delivered',
    ]);
    expect(result).toMatchObject({ events: 3, deliveries: 5 });
    // The dead-letter queue and the SQS messages are the user's: never deleted.
    expect(store.deadLetters()).toEqual(deadLetters);
    expect(deadLetters).toHaveLength(1);
    expect(store.queues.counts('orders', old)).toMatchObject({ visible: 1 });
    store.close();
  });

  it('keeps only the newest maxEvents finished events, and every unfinished one', async () => {
    const store = openStore(':memory:');
    for (let i = 0; i < 10; i++)
      put(store, `e${i}`, T0 + i, i % 4 === 1 ? ['pending'] : i % 4 === 2 ? ['running'] : ['delivered']);
    // Finished: e0 e3 e4 e7 e8; unfinished: e1 e2 e5 e6 e9.
    await store.prune(T0 + 10, { maxAgeMs: 0, maxEvents: 3 });
    expect(eventIds(store)).toEqual(['e1', 'e2', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
    await store.prune(T0 + 10, { maxAgeMs: 0, maxEvents: 3 });
    expect(eventIds(store)).toHaveLength(8);
    store.close();
  });

  it('keeps the traces of an id while another event with that id remains', async () => {
    const store = openStore(':memory:');
    put(store, 'same', T0, ['delivered']);
    put(store, 'same', T0 + 8 * DAY, ['delivered']);
    await store.prune(T0 + 8 * DAY, { maxAgeMs: 7 * DAY, maxEvents: 0 });
    expect(eventIds(store)).toEqual(['same']);
    expect(store.stories('same')[0]?.traces.map((t) => `${t.stage}@${t.at - T0}`)).toEqual([
      'received@0',
      'matched@0',
      'attempt-1@0',
      `received@${8 * DAY}`,
      `matched@${8 * DAY}`,
      `attempt-1@${8 * DAY}`,
    ]);
    await store.prune(T0 + 16 * DAY, { maxAgeMs: 7 * DAY, maxEvents: 0 });
    expect(eventIds(store)).toEqual([]);
    expect(traceIds(store)).toEqual([]);
    store.close();
  });

  it('turns a bound off with 0, and takes the defaults for a missing one', async () => {
    const store = openStore(':memory:');
    put(store, 'a', T0, ['delivered']);
    put(store, 'b', T0 + 1, ['delivered']);
    await store.prune(T0 + 1_000 * DAY, { maxAgeMs: 0, maxEvents: 0 });
    expect(eventIds(store)).toEqual(['a', 'b']);
    await store.prune(T0 + 7 * DAY + 1, {});
    expect(eventIds(store)).toEqual(['b']);
    store.close();
  });

  it('works in transactions of a bounded size, with the event loop free between them', async () => {
    const store = openStore(':memory:');
    // All received in the same ms: the age cursor must step past equal times, not stop or repeat.
    for (let i = 0; i < 1_050; i++) put(store, `e${i}`, T0, i % 100 === 0 ? ['pending'] : ['delivered']);
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    const byAge = await store.prune(T0 + 8 * DAY, { maxAgeMs: 7 * DAY, maxEvents: 0 }, { chunkSize: 50 });
    clearInterval(counting);
    expect(byAge).toMatchObject({ events: 1_039, deliveries: 1_039, transactions: 22 });
    expect(turns).toBeGreaterThan(5);
    expect(eventIds(store)).toHaveLength(11);

    for (let i = 0; i < 2 * PRUNE_CHUNK + 10; i++) put(store, `n${i}`, T0 + 9 * DAY, ['delivered']);
    const byCount = await store.prune(T0 + 9 * DAY, { maxAgeMs: 0, maxEvents: 10 });
    expect(byCount).toMatchObject({ events: 2 * PRUNE_CHUNK, transactions: 3 });
    expect(eventIds(store)).toHaveLength(21);
    store.close();
  });

  it('stops between chunks once the store is closed', async () => {
    const store = openStore(':memory:');
    for (let i = 0; i < 30; i++) put(store, `e${i}`, T0, ['delivered']);
    const pruning = store.prune(T0 + 8 * DAY, {}, { chunkSize: 10 });
    store.close();
    await expect(pruning).resolves.toMatchObject({ events: 10, transactions: 1 });
  });
});

describe('the retention bounds', () => {
  it('defaults to 7 days and 100,000 events', () => {
    expect(resolveRetention()).toEqual({ maxAgeMs: 7 * DAY, maxEvents: 100_000 });
    expect(DEFAULT_RETENTION).toEqual(resolveRetention({}));
    expect(parseRetentionFlags(undefined, undefined)).toEqual(DEFAULT_RETENTION);
  });

  it('reads the flags: durations, counts, and 0 or off', () => {
    expect(parseRetentionFlags('12h', '500')).toEqual({ maxAgeMs: 12 * 3_600_000, maxEvents: 500 });
    expect(parseRetentionFlags('0', 'off')).toEqual({ maxAgeMs: 0, maxEvents: 0 });
    expect(parseRetentionFlags('OFF', ' 0 ')).toEqual({ maxAgeMs: 0, maxEvents: 0 });
    expect(parseRetentionFlags(90_000, 7)).toEqual({ maxAgeMs: 90_000, maxEvents: 7 });
  });

  it.each([
    [['7 days', undefined], /^--retain-age must be a duration such as 7d, 12h or 30m .*got "7 days"\.$/],
    [['-1d', undefined], /^--retain-age .*got "-1d"\.$/],
    [[undefined, '1e5'], /^--retain-events must be a whole number such as 100000 .*got "1e5"\.$/],
    [[undefined, '-3'], /^--retain-events .*got "-3"\.$/],
    [[undefined, '12.5'], /^--retain-events .*got "12.5"\.$/],
  ])('refuses %j in one line naming the flag', ([age, events], message) => {
    let thrown: unknown;
    try {
      parseRetentionFlags(age, events);
    } catch (error) {
      thrown = error;
    }
    expect(isTriggerError(thrown) && thrown.code).toBe('E_CONFIG');
    expect((thrown as Error).message).toMatch(message);
  });

  it('refuses bounds that are not numbers of the right kind', () => {
    expect(() => resolveRetention({ maxAgeMs: -1 })).toThrow(/retention\.maxAgeMs/);
    expect(() => resolveRetention({ maxEvents: 2.5 })).toThrow(/retention\.maxEvents/);
  });
});
