/** The live schedules: aws:schedule declarations fire on the emulator's clock, and resume after a restart. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { NonRetryableError } from '../../errors.js';
import { type Clock, type ManualClock, manualClock, scaledClock } from '../clock.js';
import { createEmulator, type Emulator } from '../emulator.js';

let emulator: Emulator | undefined;
const folders: string[] = [];

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const until = async (test: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** An emulator with one function `tick` on `expression`; `raws` are the events Lambda would receive. */
function start(expression: string, clock: Clock, options: { stateDir?: string; throws?: boolean } = {}) {
  const seen: CloudEvent[] = [];
  const raws: ScheduledEvent[] = [];
  const logs: string[] = [];
  const handler = defineHandler({
    name: 'tick',
    sources: [{ type: 'aws:schedule', expression }],
    retry: { maxAttempts: 1 },
    handle: async (event) => {
      seen.push(event);
      if (options.throws) throw new NonRetryableError('the report service is down');
    },
  });
  handler.use({
    before: (request) => {
      raws.push(request.event as ScheduledEvent);
    },
  });
  emulator = createEmulator({
    functions: [{ name: 'tick', handler }],
    clock,
    ...(options.stateDir && { stateDir: options.stateDir }),
    log: (line) => logs.push(line),
    onTrace: () => {},
  });
  return { seen, raws, logs, emulator };
}

describe('live schedules', () => {
  it('fires rate(1 minute) every emulated minute at time scale 600, with the Scheduled Event shape', async () => {
    const { raws, seen, emulator } = start('rate(1 minute)', scaledClock(600));
    expect(emulator.listensTo('tick')).toBe('aws:schedule rate(1 minute)');
    const began = Date.now();
    await until(() => raws.length >= 2, 3_000);
    expect(Date.now() - began).toBeLessThan(3_000);
    const [first, second] = raws as [ScheduledEvent, ScheduledEvent];
    expect(first).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/tick-schedule-1'],
      detail: {},
    });
    // The scheduled times, one minute apart (to the second, as EventBridge writes `time`).
    expect(Date.parse(second.time) - Date.parse(first.time)).toBe(MINUTE);
    expect(second.id).not.toBe(first.id);
    expect(seen[0]).toMatchObject({ source: 'aws.events', type: 'Scheduled Event', data: {} });
  });

  it('fires a cron expression at its time, in UTC', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 11, 59));
    const { raws } = start('cron(0 12 * * ? *)', clock);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(raws).toHaveLength(0);
    clock.set(Date.UTC(2026, 0, 1, 12, 0, 30));
    await until(() => raws.length === 1);
    expect(raws[0]?.time).toBe('2026-01-01T12:00:00Z');
  });

  it('resumes from the stored next time after a restart, and skips what fell due while stopped', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'triggerkit-schedules-'));
    folders.push(stateDir);
    const run = async (clock: ManualClock) => start('rate(5 minutes)', clock, { stateDir });

    let current = await run(manualClock(T0));
    expect(current.emulator.store.schedules.get('tick-schedule-1')?.nextAt).toBe(T0 + 5 * MINUTE);
    await current.emulator.close();

    // Two minutes later: still due at T0+5m, not five minutes from the restart.
    let clock = manualClock(T0 + 2 * MINUTE);
    current = await run(clock);
    clock.set(T0 + 5 * MINUTE);
    await until(() => current.raws.length === 1);
    expect(current.raws[0]?.time).toBe('2026-01-01T00:05:00Z');
    expect(current.emulator.store.schedules.get('tick-schedule-1')?.nextAt).toBe(T0 + 10 * MINUTE);
    await current.emulator.close();

    // Stopped from T0+5m to T0+32m: the firings at 10, 15 … 30 are not caught up; the phase is kept.
    clock = manualClock(T0 + 32 * MINUTE);
    current = await run(clock);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(current.raws).toHaveLength(0);
    expect(current.logs.join('\n')).toContain('skipped what fell due while the emulator was stopped');
    clock.set(T0 + 35 * MINUTE);
    await until(() => current.raws.length === 1);
    expect(current.raws[0]?.time).toBe('2026-01-01T00:35:00Z');
  });

  it("leaves a failure to the handler's retry and dead letter", async () => {
    const clock = manualClock(T0);
    const { seen, emulator } = start('rate(1 hour)', clock, { throws: true });
    clock.set(T0 + 60 * MINUTE);
    await until(() => emulator.store.deadLetters().length === 1);
    expect(seen).toHaveLength(1);
    expect(emulator.store.deadLetters()[0]).toMatchObject({ handler: 'tick', reason: 'non-retryable' });
  });
});
