/** The emulator's retry and dead-letter semantics on a manual clock: a one-hour backoff plays out instantly. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import type { HandlerDefinition } from '../definition.js';
import { NonRetryableError, RetryAfterError } from '../errors.js';
import { manualClock, scaledClock } from './clock.js';
import { createEmulator, type Emulator } from './emulator.js';
import { listDeadLetters, redriveDeadLetters } from './store/queries.js';
import { openStore } from './store/store.js';

const T0 = Date.UTC(2026, 0, 1);
const open: Emulator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(definition: HandlerDefinition, stateDir = ':memory:') {
  const clock = manualClock(T0);
  const attempts: { at: number; attempt: number }[] = [];
  const handler = defineHandler({
    name: 'h',
    ...definition,
    handle: (event, ctx) => {
      attempts.push({ at: clock.now() - T0, attempt: ctx.attempt });
      return definition.handle(event, ctx);
    },
  });
  const emulator = createEmulator({ functions: [{ name: 'fn', handler }], clock, stateDir, log: () => {} });
  open.push(emulator);
  const idle = () => emulator.runUntilIdle((at) => clock.set(at));
  return { emulator, clock, attempts, idle };
}

const event = (id = 'e-1') => createCloudEvent({ id, source: '/test', type: 'test.event', data: { n: 1 } });
const deliveries = (emulator: Emulator) =>
  emulator.store.deliveries().map(({ handler, status, attempts }) => ({ handler, status, attempts }));

describe('emulator delivery', () => {
  it('retries a failing handler on the backoff schedule until it succeeds', async () => {
    let calls = 0;
    const { emulator, attempts, idle } = setup({
      retry: { maxAttempts: 5, backoff: { type: 'exponential', initialDelay: '10s', maxDelay: '1h' } },
      handle: () => {
        if (++calls < 3) throw new Error('flaky');
      },
    });
    emulator.publish(event());
    await idle();
    expect(attempts).toEqual([
      { at: 0, attempt: 1 },
      { at: 10_000, attempt: 2 },
      { at: 30_000, attempt: 3 },
    ]);
    expect(deliveries(emulator)).toEqual([{ handler: 'fn', status: 'delivered', attempts: 3 }]);
  });

  it('dead-letters after maxAttempts with the envelope that says why', async () => {
    const { emulator, attempts, idle } = setup({
      retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '1h' }, maxEventAge: '1d' },
      handle: () => {
        throw new Error('db down');
      },
    });
    emulator.publish(event());
    await idle();
    expect(attempts.map((a) => a.at)).toEqual([0, 3_600_000, 7_200_000]);
    const [letter] = listDeadLetters(emulator.store);
    // Stored in the JSON format, which names the JSON data's content type explicitly.
    expect(letter?.envelope).toEqual({
      ...event(),
      datacontenttype: 'application/json',
      dlreason: 'retries-exhausted',
      dlattempts: 3,
      dlerrortype: 'Error',
      dlerror: 'db down',
      dlhandler: 'h',
      dlfirstattempt: '2026-01-01T00:00:00.000Z',
      dllastattempt: '2026-01-01T02:00:00.000Z',
    });
  });

  it('dead-letters a NonRetryableError at once, and an event whose next retry would be too old', async () => {
    const poison = setup({ handle: () => Promise.reject(new NonRetryableError('poison')) });
    poison.emulator.publish(event());
    await poison.idle();
    expect(listDeadLetters(poison.emulator.store).map((d) => [d.reason, d.envelope.dlattempts])).toEqual([
      ['non-retryable', 1],
    ]);

    const old = setup({
      retry: { maxAttempts: 10, backoff: { type: 'fixed', initialDelay: '20s' }, maxEventAge: '30s' },
      handle: () => Promise.reject(new Error('down')),
    });
    old.emulator.publish(event());
    await old.idle();
    expect(old.attempts.map((a) => a.at)).toEqual([0, 20_000]);
    expect(listDeadLetters(old.emulator.store).map((d) => d.reason)).toEqual(['event-too-old']);
  });

  it('waits as long as a RetryAfterError asks', async () => {
    let calls = 0;
    const { emulator, attempts, idle } = setup({
      handle: () => {
        if (++calls === 1) throw new RetryAfterError('rate limited', 300_000);
      },
    });
    emulator.publish(event());
    await idle();
    expect(attempts.map((a) => a.at)).toEqual([0, 300_000]);
  });

  it('records a filtered delivery without running the handler', async () => {
    const { emulator, attempts, idle } = setup({ filter: { type: ['other'] }, handle: () => undefined });
    emulator.publish(event());
    await idle();
    expect(attempts).toEqual([]);
    expect(deliveries(emulator)).toEqual([{ handler: 'fn', status: 'filtered', attempts: 0 }]);
  });

  it('keeps a scheduled retry across a restart and redrives dead letters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triggerkit-delivery-'));
    dirs.push(dir);
    let fail = true;
    const definition: HandlerDefinition = {
      retry: { maxAttempts: 2, backoff: { type: 'fixed', initialDelay: '10m' } },
      handle: () => {
        if (fail) throw new Error('down');
      },
    };
    const first = setup(definition, dir);
    first.emulator.publish(event('keep-1'));
    await first.emulator.settle();
    expect(first.attempts).toHaveLength(1);
    await first.emulator.close();
    open.splice(open.indexOf(first.emulator), 1);

    const second = setup(definition, dir);
    second.clock.set(T0 + 600_000);
    await second.idle();
    expect(second.attempts).toEqual([{ at: 600_000, attempt: 2 }]);
    const [letter] = listDeadLetters(second.emulator.store);
    expect(letter?.reason).toBe('retries-exhausted');

    fail = false;
    expect(redriveDeadLetters(second.emulator.store, [letter?.id ?? -1], second.clock.now())).toEqual([
      letter?.id,
    ]);
    await second.idle();
    expect(listDeadLetters(second.emulator.store)).toEqual([]);
    expect(deliveries(second.emulator)).toEqual([
      { handler: 'fn', status: 'dead-lettered', attempts: 2 },
      { handler: 'fn', status: 'delivered', attempts: 1 },
    ]);
  });

  it('runs an attempt cut short by a crash again under the same number, within maxAttempts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triggerkit-delivery-'));
    dirs.push(dir);
    // A previous process accepted two events, failed attempt 1 of the second, then died during attempt 1
    // of the first and attempt 2 of the second (claimed, running, no outcome recorded).
    const crashed = openStore(dir);
    crashed.accept(event('cut-1'), T0, [{ handler: 'fn', matched: true }]);
    crashed.accept(event('cut-2'), T0, [{ handler: 'fn', matched: true }]);
    const claimed = crashed.claimDue(T0);
    crashed.retry(claimed[1]?.id ?? -1, T0);
    crashed.claimDue(T0);
    crashed.close();

    const { emulator, attempts, idle } = setup(
      {
        retry: { maxAttempts: 2, backoff: { type: 'fixed', initialDelay: '1s' } },
        handle: (e) => {
          if (e.id === 'cut-2') throw new Error('down');
        },
      },
      dir,
    );
    await idle();
    expect(attempts).toEqual([
      { at: 0, attempt: 1 },
      { at: 0, attempt: 2 },
    ]);
    expect(deliveries(emulator)).toEqual([
      { handler: 'fn', status: 'delivered', attempts: 1 },
      { handler: 'fn', status: 'dead-lettered', attempts: 2 },
    ]);
    expect(listDeadLetters(emulator.store)[0]?.envelope).toMatchObject({
      id: 'cut-2',
      dlreason: 'retries-exhausted',
      dlattempts: 2,
    });
  });
});

describe('a bus delivery through the handler’s middy chain', () => {
  it('hands the handler the event the bus stored and matched, and gets the outcome back as the return value', async () => {
    const clock = manualClock(T0);
    const seen: { raw: unknown; hooks: number; response: unknown }[] = [];
    const handler = defineHandler({
      name: 'h',
      filter: { type: ['test.event'] },
      handle: (e) => `got ${e.id}`,
    });
    handler.use({
      before: (request) => {
        seen.push({
          raw: request.event,
          hooks: Object.getOwnPropertySymbols(request.context).length,
          response: undefined,
        });
      },
      after: (request) => {
        const last = seen.at(-1);
        if (last) last.response = request.response;
      },
    });
    const emulator = createEmulator({ functions: [{ name: 'fn', handler }], clock, log: () => {} });
    open.push(emulator);
    emulator.publish(event('e-9'));
    emulator.publish(createCloudEvent({ id: 'e-10', source: '/test', type: 'other.event' }));
    await emulator.runUntilIdle((at) => clock.set(at));
    // Only the matching event reached the chain (the bus filtered the other), carried as a prepared event,
    // with no hooks riding on the Lambda context; the outcome came back through `after`.
    expect(seen).toHaveLength(1);
    expect(Object.keys(seen[0]?.raw as object)).toEqual([]);
    expect(seen[0]?.hooks).toBe(0);
    const response = (seen[0]?.response ?? {}) as Record<symbol, { status: string; result: unknown }>;
    const outcome = Object.getOwnPropertySymbols(response).map((s) => response[s]);
    expect(outcome).toEqual([expect.objectContaining({ status: 'delivered', result: 'got e-9' })]);
    expect(deliveries(emulator)).toEqual([
      { handler: 'fn', status: 'delivered', attempts: 1 },
      { handler: 'fn', status: 'filtered', attempts: 0 },
    ]);
  });
});

describe('deliveries run independently', () => {
  it('lets other handlers finish while one hangs, and ends the hung attempt at its function’s timeout', async () => {
    // 1,000× real time: the 2 s timeout passes in 2 ms.
    const clock = scaledClock(1000);
    const done: string[] = [];
    const hangs = defineHandler({
      name: 'hangs',
      retry: { maxAttempts: 1 },
      handle: () => new Promise(() => {}),
    });
    const quick = defineHandler({ name: 'quick', handle: (e) => void done.push(e.id) });
    const emulator = createEmulator({
      functions: [
        { name: 'hangs', handler: hangs, timeoutMs: 2_000 },
        { name: 'quick', handler: quick },
      ],
      clock,
      log: () => {},
      onTrace: () => {},
    });
    open.push(emulator);
    for (let i = 0; i < 5; i++) emulator.publish(event(`e-${i}`));
    await emulator.settle();
    expect(done).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4']);
    const letters = listDeadLetters(emulator.store);
    expect(letters.map((l) => [l.handler, l.envelope.dlreason, l.envelope.dlerror])).toEqual(
      Array(5).fill(['hangs', 'retries-exhausted', 'Task timed out after 2.00 seconds']),
    );
  });

  it('runs a burst of events in a bounded number of passes, however many times it is woken', async () => {
    const { emulator, idle } = setup({ handle: () => undefined });
    const claims = vi.spyOn(emulator.store, 'claimDue');
    for (let i = 0; i < 1_000; i++) emulator.publish(event(`b-${i}`));
    await idle();
    const statuses = deliveries(emulator) as { status: string }[];
    expect(statuses.filter((d) => d.status === 'delivered')).toHaveLength(1_000);
    // 1,000 wakes, a pass each, would be 1,000+ claims; a claim starts up to 16, so it is about 1,000 / 16.
    expect(claims.mock.calls.length).toBeLessThan(100);
  });

  it('dead-letters the deliveries of a function that no longer exists, instead of rescheduling them forever', async () => {
    const { emulator, idle } = setup({
      retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '1m' } },
      handle: () => {
        throw new Error('down');
      },
    });
    emulator.publish(event('gone-1'));
    await emulator.settle();
    emulator.setFunctions([]);
    await idle();
    const [letter] = listDeadLetters(emulator.store);
    expect(letter?.envelope).toMatchObject({ id: 'gone-1', dlreason: 'handler-missing', dlattempts: 1 });
    expect(letter?.envelope.dlerror).toMatch(/No function "fn" in the emulator any more/);
    expect(deliveries(emulator)).toEqual([{ handler: 'fn', status: 'dead-lettered', attempts: 2 }]);
  });
});
