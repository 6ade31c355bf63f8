/**
 * The live schedules: each `{ type: 'aws:schedule', expression }` a handler declares is an EventBridge
 * schedule rule that fires at the expression's times on the emulator's clock (`--time-scale 600` makes
 * `rate(1 minute)` fire every 0.1 s) and invokes the function with the Scheduled Event EventBridge sends,
 * asynchronously, as EventBridge invokes Lambda: firings do not wait for each other, and a failure is
 * retried and dead-lettered by the handler's `retry` and `deadLetter` (triggers/host.ts).
 *
 * The next fire time is in the store before the function is invoked, so a restart resumes each schedule.
 * Firings that fell due while the emulator was stopped are skipped, not caught up (EventBridge has no
 * catch-up); a rate keeps its phase. A schedule whose expression changed starts afresh.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */

import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { parseScheduleExpression, type ScheduleExpression } from '../../sources/aws/schedule-expression.js';
import { nextFireTime } from '../../sources/aws/schedule-next.js';
import { realDelayUntil } from '../clock.js';
import { ruleArn } from '../eventbridge/wire.js';
import type { EmulatorFunction } from '../run-delivery.js';
import { ACCOUNT_ID, REGION } from '../sqs/queues.js';
import type { TriggerHost } from './host.js';
import type { Feed, LiveTriggers } from './types.js';

/** Firings run at once when the clock jumps (a manual clock advanced by days): past this, the rest are skipped. */
const MAX_BURST = 1_000;

/** Starts one schedule per declaration: `<function>-schedule-<n>` is its rule's name. */
export function startScheduleTriggers(
  host: TriggerHost,
  functions: readonly EmulatorFunction[],
): LiveTriggers {
  const feeds: Feed[] = [];
  const schedules: { stop(): Promise<void> }[] = [];
  for (const fn of functions) {
    let n = 0;
    for (const source of fn.handler.definition.sources ?? []) {
      if (source.type !== 'aws:schedule') continue;
      n++;
      schedules.push(startSchedule(host, fn, source.expression, `${fn.name}-schedule-${n}`));
      feeds.push({ fn: fn.name, source, label: `aws:schedule ${source.expression}` });
    }
  }
  return {
    feeds,
    async stop() {
      await Promise.all(schedules.map((s) => s.stop()));
    },
  };
}

/** The event EventBridge sends a schedule rule's target: `time` is the scheduled time. */
export function scheduledEvent(rule: string, at: number): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [ruleArn(rule)],
    detail: {},
  };
}

function startSchedule(host: TriggerHost, fn: EmulatorFunction, text: string, rule: string) {
  const { clock, store } = host;
  const expression = parseScheduleExpression(text);
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let nextAt = resume(host, expression, rule);

  const save = () => {
    try {
      store.schedules.save(rule, expression.text, nextAt);
    } catch (error) {
      host.log(
        `triggerkit: could not store the next time of ${rule} (${String(error)}); it fires on regardless.`,
      );
    }
  };

  /** Looks again at `nextAt` on the emulator's clock (a manual clock: every 20 ms of real time). */
  function arm(): void {
    clearTimeout(timer);
    if (stopped || nextAt === undefined) return;
    timer = setTimeout(tick, realDelayUntil(clock, nextAt));
    timer.unref?.();
  }

  function tick(): void {
    const now = clock.now();
    for (let fired = 0; !stopped && nextAt !== undefined && nextAt <= now; fired++) {
      if (fired === MAX_BURST) {
        nextAt = nextFireTime(expression, now, nextAt);
        host.log(
          `triggerkit: ${rule} (${text}) skipped firings past ${MAX_BURST} due at once; next at ${iso(nextAt)}.`,
        );
        save();
        break;
      }
      const at = nextAt;
      nextAt = nextFireTime(expression, at);
      save();
      fire(at);
    }
    arm();
  }

  function fire(at: number): void {
    const work = host.invoke(fn, scheduledEvent(rule, at), 'aws:eventbridge').then((result) => {
      if (result.error !== undefined)
        host.log(`triggerkit: ${fn.name} failed on ${rule} at ${iso(at)}: ${describe(result.error)}`);
    });
    running.add(work);
    void work.finally(() => running.delete(work));
  }

  arm();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * The next fire time at start: the stored one when it is still ahead (or sooner, after a clock that ran
 * faster before a restart); afresh for a new or changed expression; past firings skipped.
 */
function resume(host: TriggerHost, expression: ScheduleExpression, rule: string): number | undefined {
  const now = host.clock.now();
  const fresh = nextFireTime(expression, now);
  const row = host.store.schedules.get(rule);
  let next = fresh;
  if (row !== undefined && row.expression === expression.text && row.nextAt !== null) {
    if (row.nextAt > now) next = fresh === undefined ? undefined : Math.min(row.nextAt, fresh);
    else {
      next = nextFireTime(expression, now, row.nextAt);
      host.log(
        `triggerkit: ${rule} (${expression.text}) skipped what fell due while the emulator was stopped, from ${iso(row.nextAt)} (EventBridge does not catch up); next at ${iso(next)}.`,
      );
    }
  }
  host.store.schedules.save(rule, expression.text, next);
  return next;
}

const iso = (at: number | undefined) => (at === undefined ? 'never' : new Date(at).toISOString());
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
