/**
 * How much the cloud adapters log, read from the function's environment once per process (a function's
 * environment does not change while its instance lives; reading `process.env` costs microseconds, too
 * much to pay on every invocation):
 *
 * - `TRIGGERKIT_LOG_LEVEL`: `debug`, `info`, `warn`, `error` or `off`. Unset, Lambda's own application log
 *   level (`AWS_LAMBDA_LOG_LEVEL`, set by its advanced logging controls) is followed, else `info` on the
 *   platform (Lambda sets `AWS_LAMBDA_FUNCTION_NAME`, FC `FC_FUNCTION_NAME`) and `off` anywhere else
 *   (a script or benchmark calling the handler, where stdout is someone else's).
 * - `TRIGGERKIT_LOG_SAMPLE`: the share of successful outcomes (delivered, filtered) logged, 0 to 1
 *   (default 1). Failures, retries and dead letters are never sampled away.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
 */
import { TriggerError } from '../../errors.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What an invocation logs; `undefined` from `logSettings` when logging is off. */
export interface LogSettings {
  /** The least severe level written. */
  readonly level: LogLevel;
  /** The share of `debug`/`info` lines (successful outcomes) written, 0 to 1; decided per event. */
  readonly sample: number;
}

export const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Lambda's level names (`TRACE`…`FATAL`) and ours, lower-cased: `off`/`silent` turn logging off. */
const LEVELS: Readonly<Record<string, LogLevel | 'off'>> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'error',
  off: 'off',
  silent: 'off',
};

let cached: { env: NodeJS.ProcessEnv; settings: LogSettings | undefined } | undefined;

/**
 * The log settings of this environment; `undefined` when logging is off. Throws `E_CONFIG` on a value
 * it cannot read, so a typo fails the first invocation loudly instead of silencing the logs.
 *
 * @example
 * logSettings({ TRIGGERKIT_LOG_LEVEL: 'warn' }) // { level: 'warn', sample: 1 }
 * logSettings({ AWS_LAMBDA_FUNCTION_NAME: 'orders' }) // { level: 'info', sample: 1 }
 * logSettings({}) // undefined: not on a platform, and not asked for
 */
export function logSettings(env: NodeJS.ProcessEnv): LogSettings | undefined {
  if (cached?.env !== env) cached = { env, settings: readSettings(env) };
  return cached.settings;
}

function readSettings(env: NodeJS.ProcessEnv): LogSettings | undefined {
  const { TRIGGERKIT_LOG_LEVEL: level, TRIGGERKIT_LOG_SAMPLE: sample, AWS_LAMBDA_LOG_LEVEL: lambda } = env;
  const platform = env.AWS_LAMBDA_FUNCTION_NAME !== undefined || env.FC_FUNCTION_NAME !== undefined;
  const named = level?.trim() ? level : undefined;
  const chosen = LEVELS[(named ?? lambda ?? (platform ? 'info' : 'off')).trim().toLowerCase()];
  if (chosen === undefined) {
    const where = named === undefined ? 'AWS_LAMBDA_LOG_LEVEL' : 'TRIGGERKIT_LOG_LEVEL';
    throw new TriggerError(
      'E_CONFIG',
      `${where} must be debug, info, warn, error or off, got ${JSON.stringify(named ?? lambda)}; fix the function's environment.`,
      { path: where },
    );
  }
  if (chosen === 'off') return undefined;
  const rate = sample?.trim() ? Number(sample) : 1;
  if (!(rate >= 0 && rate <= 1)) {
    throw new TriggerError(
      'E_CONFIG',
      `TRIGGERKIT_LOG_SAMPLE must be a number from 0 to 1 (the share of successful outcomes logged), got ${JSON.stringify(sample)}; fix the function's environment.`,
      { path: 'TRIGGERKIT_LOG_SAMPLE' },
    );
  }
  return Object.freeze({ level: chosen, sample: rate });
}
