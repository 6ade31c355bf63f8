/** Retry policy: shape, defaults and validation. Decisions on it live in `decide.ts`. */
import { TriggerError } from '../errors.js';
import { type RetryPresetName, retryPresets } from './presets.js';

/** `'500ms'`, `'30s'`, `'5m'`, `'6h'`, `'1d'`, or milliseconds. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

export interface BackoffPolicy {
  type: 'exponential' | 'linear' | 'fixed';
  initialDelay?: Duration;
  maxDelay?: Duration;
  /** Full jitter spreads retries of many failed events over the whole delay. */
  jitter?: boolean;
}

/**
 * How often and how long a failed event is tried again before it is dead-lettered.
 *
 * @example
 * retry: { maxAttempts: 5, backoff: { type: 'exponential', initialDelay: '1s', maxDelay: '5m' }, maxEventAge: '6h' }
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 3 (one try and two retries, as Lambda async invoke). */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** Events older than this are dead-lettered instead of retried. Default 6h (Lambda async invoke). */
  maxEventAge?: Duration;
}

export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly backoff: { type: BackoffPolicy['type']; initialDelay: number; maxDelay: number; jitter: boolean };
  readonly maxEventAge: number;
}

/** Every preset is a valid policy (checked here, so `presets.ts` needs no import of this module). */
const PRESETS: Readonly<Record<RetryPresetName, RetryPolicy>> = retryPresets;

export const DEFAULT_RETRY: ResolvedRetryPolicy = Object.freeze({
  maxAttempts: 3,
  backoff: Object.freeze({
    type: 'exponential' as const,
    initialDelay: 1_000,
    maxDelay: 60_000,
    jitter: false,
  }),
  maxEventAge: 6 * 3_600_000,
});

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Milliseconds of a `Duration`; throws `E_CONFIG` naming `where` for anything else. */
export function parseDuration(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const match = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  if (match) return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  throw new TriggerError(
    'E_CONFIG',
    `Expected \`${where}\` to be a duration such as '500ms', '30s', '5m', '6h' or a number of milliseconds, got ${JSON.stringify(value)}.`,
    { path: where },
  );
}

/** Validates a user policy and fills in the defaults. */
export function resolveRetryPolicy(
  policy: RetryPolicy | RetryPresetName | undefined,
  where = 'retry',
): ResolvedRetryPolicy {
  if (policy === undefined) return DEFAULT_RETRY;
  if (typeof policy === 'string') {
    if (!Object.hasOwn(PRESETS, policy)) {
      throw new TriggerError(
        'E_CONFIG',
        `Unknown retry preset ${JSON.stringify(policy)} at \`${where}\`; use one of ${Object.keys(PRESETS).join(', ')}, or a policy object.`,
        { path: where },
      );
    }
    return resolveRetryPolicy(PRESETS[policy as RetryPresetName], where);
  }
  if (typeof policy !== 'object' || policy === null) {
    throw new TriggerError('E_CONFIG', `Expected \`${where}\` to be an object such as { maxAttempts: 3 }.`, {
      path: where,
    });
  }
  rejectUnknown(policy, ['maxAttempts', 'backoff', 'maxEventAge'], where);
  const maxAttempts = policy.maxAttempts ?? DEFAULT_RETRY.maxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TriggerError(
      'E_CONFIG',
      `Expected \`${where}.maxAttempts\` to be a positive integer, got ${JSON.stringify(policy.maxAttempts)}.`,
      { path: `${where}.maxAttempts` },
    );
  }
  const b = policy.backoff ?? { type: DEFAULT_RETRY.backoff.type };
  rejectUnknown(b, ['type', 'initialDelay', 'maxDelay', 'jitter'], `${where}.backoff`);
  if (!['exponential', 'linear', 'fixed'].includes(b.type)) {
    throw new TriggerError(
      'E_CONFIG',
      `Expected \`${where}.backoff.type\` to be 'exponential', 'linear' or 'fixed', got ${JSON.stringify(b.type)}.`,
      { path: `${where}.backoff.type` },
    );
  }
  const initialDelay = parseDuration(
    b.initialDelay ?? DEFAULT_RETRY.backoff.initialDelay,
    `${where}.backoff.initialDelay`,
  );
  const maxDelay = parseDuration(
    b.maxDelay ?? Math.max(initialDelay, DEFAULT_RETRY.backoff.maxDelay),
    `${where}.backoff.maxDelay`,
  );
  if (maxDelay < initialDelay) {
    throw new TriggerError(
      'E_CONFIG',
      `\`${where}.backoff.maxDelay\` (${maxDelay} ms) is shorter than \`initialDelay\` (${initialDelay} ms).`,
      {
        path: `${where}.backoff.maxDelay`,
      },
    );
  }
  const maxEventAge = parseDuration(policy.maxEventAge ?? DEFAULT_RETRY.maxEventAge, `${where}.maxEventAge`);
  return Object.freeze({
    maxAttempts,
    backoff: Object.freeze({ type: b.type, initialDelay, maxDelay, jitter: b.jitter === true }),
    maxEventAge,
  });
}

function rejectUnknown(value: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new TriggerError(
        'E_CONFIG',
        `Unknown key \`${where}.${key}\`; expected one of ${known.map((k) => `\`${k}\``).join(', ')}.`,
        {
          path: `${where}.${key}`,
        },
      );
    }
  }
}
