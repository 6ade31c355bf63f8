/**
 * Time for the emulator: real time, real time sped up (`--time-scale 60` plays a one-minute backoff in a
 * second), or a manual clock that tests advance, so a one-hour retry plays out instantly.
 */
export interface Clock {
  /** Emulated now, in ms since the epoch. */
  now(): number;
  /** Real milliseconds to wait for `ms` of emulated time. */
  toRealDelay(ms: number): number;
}

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

/** Emulated time runs `scale` times faster than real time, starting from the real now. */
export function scaledClock(scale = 1, realNow: () => number = Date.now): Clock {
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new RangeError(`time scale must be a positive number, got ${scale}`);
  const origin = realNow();
  return {
    now: () => origin + (realNow() - origin) * scale,
    toRealDelay: (ms) => Math.max(0, ms / scale),
  };
}

/** A clock that moves only when told to; timers never fire on their own. */
export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  return {
    now: () => now,
    toRealDelay: () => Number.POSITIVE_INFINITY,
    advance(ms) {
      now += ms;
    },
    set(ms) {
      now = ms;
    },
  };
}

/** How often (real ms) a timer looks at a manual clock, which moves without telling anyone. */
const MANUAL_POLL_MS = 20;

/**
 * The real delay of a timer that must fire when `clock` reaches `at`: the scaled wait (within what
 * `setTimeout` takes), or a short poll for a manual clock.
 */
export function realDelayUntil(clock: Clock, at: number): number {
  const real = clock.toRealDelay(at - clock.now());
  return Number.isFinite(real) ? Math.max(0, Math.min(real, 2 ** 31 - 1)) : MANUAL_POLL_MS;
}
