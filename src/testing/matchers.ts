/**
 * Matchers over what `invoke` returns, for vitest (`expect.extend(matchers)`, or the
 * `triggerkit/testing/vitest` setup entry) or any runner with the same matcher protocol. Plain functions:
 * importing them loads no test framework. A failure says what happened instead, event by event.
 */
import type { DeadLetterReason } from '../delivery/decide.js';
import type { Stage } from '../delivery/outcome.js';
import type { InvokeResult } from './index.js';
import { describeStories, type EventStory, plural, storiesOf } from './outcomes.js';

/** What a runner gives a matcher as `this`: whether the assertion is negated (`.not`). */
export interface MatcherContext {
  readonly isNot: boolean;
}

export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
  readonly actual?: unknown;
  readonly expected?: unknown;
}

/** The matchers, typed as `expect(result)` sees them. */
export interface TriggerMatchers<R = unknown> {
  /** Every event was delivered (none filtered, failed or a duplicate); with `count`, exactly that many were. */
  toHaveDelivered(count?: number): R;
  /** Every event was filtered out; with `count`, exactly that many were. */
  toHaveBeenFiltered(count?: number): R;
  /** An event ended failed at `stage` (`schema`, `transform`, `handler`, `idempotency`, `source`). */
  toHaveFailedAt(stage: Stage): R;
  /** An event was dead-lettered (`invoke(…, { retries: true })`), for `reason` when given. */
  toHaveDeadLettered(expected?: { readonly reason?: DeadLetterReason }): R;
  /** The most retried event was retried `times` times (attempts − 1; `invoke(…, { retries: true })`). */
  toHaveRetried(times: number): R;
}

function isInvokeResult(value: unknown): value is InvokeResult {
  const r = value as Partial<InvokeResult> | null;
  return typeof r === 'object' && r !== null && Array.isArray(r.traces) && Array.isArray(r.attempts);
}

/** Runs `check` on an invoke result, or fails saying what the matcher needs. */
function over(
  name: string,
  received: unknown,
  check: (result: InvokeResult, stories: EventStory[]) => MatcherResult,
) {
  if (!isInvokeResult(received))
    return {
      pass: false,
      message: () =>
        `${name} needs what invoke() returns (await invoke(handler, event)), got ${typeof received}`,
    };
  return check(received, storiesOf(received));
}

const delivered = (s: EventStory) => s.outcome.status === 'delivered' && s.outcome.duplicate !== true;
const filtered = (s: EventStory) => s.outcome.status === 'filtered';
const RETRIES_HINT = ' (invoke plays retries and dead letters only with { retries: true })';

/** `toHaveDelivered` and `toHaveBeenFiltered`: every event, or exactly `count`, ended so. */
function every(name: string, verb: string, test: (s: EventStory) => boolean) {
  return function (this: MatcherContext, received: unknown, count?: number): MatcherResult {
    return over(name, received, (result, stories) => {
      const matching = stories.filter(test);
      const others = stories.filter((s) => !test(s));
      if (count !== undefined) {
        const were = `${matching.length} ${matching.length === 1 ? 'was' : 'were'}`;
        return {
          pass: matching.length === count,
          actual: matching.length,
          expected: count,
          message: () =>
            this.isNot
              ? `expected not ${plural(count, 'event')} to be ${verb}, but ${were}`
              : `expected ${plural(count, 'event')} to be ${verb}, but ${were}${others.length > 0 ? `: ${describeStories(others, result, stories.length)}` : ''}`,
        };
      }
      const one = stories.length === 1;
      return {
        pass: stories.length > 0 && others.length === 0,
        message: () =>
          this.isNot
            ? one
              ? `expected the event not to be ${verb}, but it was`
              : `expected not every event to be ${verb}, but all ${stories.length} were`
            : `expected ${one || stories.length === 0 ? 'the event' : `every event (${stories.length})`} to be ${verb}, but ${describeStories(others, result, stories.length)}`,
      };
    });
  };
}

function toHaveFailedAt(this: MatcherContext, received: unknown, stage: Stage): MatcherResult {
  return over('toHaveFailedAt', received, (result, stories) => {
    const hit = stories.find((s) => s.outcome.status === 'failed' && s.outcome.stage === stage);
    return {
      pass: hit !== undefined,
      message: () =>
        hit !== undefined
          ? `expected no event to fail at ${stage}, but ${stories.length === 1 ? 'it' : hit.id} did`
          : `expected ${stories.length === 1 ? 'the event' : 'an event'} to fail at ${stage}, but ${describeStories(stories, result, stories.length)}`,
    };
  });
}

function toHaveDeadLettered(
  this: MatcherContext,
  received: unknown,
  expected: { readonly reason?: DeadLetterReason } = {},
): MatcherResult {
  return over('toHaveDeadLettered', received, (result, stories) => {
    const { reason } = expected;
    const hit = result.deadLetters.find((d) => reason === undefined || d.dlreason === reason);
    const what = `an event to be dead-lettered${reason === undefined ? '' : ` (${reason})`}`;
    const hint =
      result.deadLetters.length === 0 && stories.some((s) => s.outcome.status === 'failed')
        ? RETRIES_HINT
        : '';
    return {
      pass: hit !== undefined,
      message: () =>
        hit !== undefined
          ? `expected no ${what.slice(3)}, but ${hit.id} was (${hit.dlreason}: ${hit.dlerror})`
          : `expected ${what}, but ${describeStories(stories, result, stories.length)}${hint}`,
    };
  });
}

function toHaveRetried(this: MatcherContext, received: unknown, times: number): MatcherResult {
  return over('toHaveRetried', received, (result, stories) => {
    const most = stories.reduce<EventStory | undefined>(
      (a, s) => (a === undefined || s.attempts > a.attempts ? s : a),
      undefined,
    );
    const retries = Math.max(0, (most?.attempts ?? 1) - 1);
    const story =
      most === undefined
        ? 'no event reached the handler'
        : `${stories.length === 1 ? 'it' : most.id} was retried ${plural(retries, 'time')} (${plural(most.attempts, 'attempt')}: ${result.attempts
            .filter((a) => a.id === most.id)
            .map((a) => a.outcome)
            .join(', ')})`;
    const hint =
      retries === 0 && times > 0 && stories.some((s) => s.outcome.status === 'failed') ? RETRIES_HINT : '';
    return {
      pass: retries === times,
      actual: retries,
      expected: times,
      message: () =>
        this.isNot
          ? `expected the events not to be retried ${plural(times, 'time')}, but ${story}`
          : `expected ${stories.length === 1 ? 'the event' : 'the most retried event'} to be retried ${plural(times, 'time')}, but ${story}${hint}`,
    };
  });
}

/**
 * The matchers: `expect.extend(matchers)`, then `expect(result).toHaveDelivered()`.
 *
 * @example
 * expect.extend(matchers);
 * const result = await invoke(handler, events.sqs({ data: { total: 'lots' } }), { retries: true });
 * expect(result).toHaveFailedAt('schema');
 * expect(result).toHaveDeadLettered({ reason: 'non-retryable' });
 */
export const matchers = {
  toHaveDelivered: every('toHaveDelivered', 'delivered', delivered),
  toHaveBeenFiltered: every('toHaveBeenFiltered', 'filtered', filtered),
  toHaveFailedAt,
  toHaveDeadLettered,
  toHaveRetried,
};
