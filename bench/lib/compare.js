/**
 * Measures several cases side by side. Every bench/*.bench.js should use it, so figures are comparable.
 *
 * Why a hand loop and not a bench library: the bench machines are small and shared (2 cores, with
 * builds and test runs beside it), and load comes in bursts of seconds. A library that runs case A for
 * a second, then case B, lets a burst land on one case only; we saw a case's median move 70 % between
 * two such slots. So here the cases are *interleaved*:
 *
 * - one cycle runs every case once, in an order rotated each cycle, and a cycle lasts a few ms, so a
 *   burst of load hits all cases alike;
 * - a case's sample is the mean of `batch` calls back to back (timer cost and loop overhead amortized);
 * - the input of every call is made fresh by `makeInput` *before* the clock starts, so a case that
 *   mutates its input (middy's event-normalizer does) never measures an already-parsed event;
 * - warm-up cycles run first and are discarded (V8 tiers the code up, the heap settles);
 * - a case's figure is the median of its samples, its spread the interquartile range, and a ratio of
 *   two cases is also taken per cycle (the two samples of one cycle ran within milliseconds), whose
 *   median and IQR show how much of a difference is noise.
 */
import { performance } from 'node:perf_hooks';

/**
 * @typedef {object} Case
 * @property {string} name
 * @property {() => any} makeInput Builds the argument of one call (not timed).
 * @property {(input: any) => unknown} fn One call; awaited when `async` is true.
 * @property {boolean} async
 */

/**
 * @typedef {object} CaseResult
 * @property {string} name
 * @property {number[]} samples µs per call, one per cycle, in cycle order.
 * @property {number} median µs per call.
 * @property {number} p25
 * @property {number} p75
 */

/**
 * @typedef {object} CompareOptions
 * @property {number} time Measuring time per case, in ms (the run lasts about `cases × time`, plus warm-up).
 * @property {number} [batch] Calls per sample (default 32).
 * @property {number} [warmup] Warm-up time per case, in ms (default 500).
 * @property {number} [minCycles] At least this many samples per case (default 30).
 */

/**
 * Runs the cases interleaved and returns their results by name, in the order given.
 * @param {Case[]} cases
 * @param {CompareOptions} options
 * @returns {Promise<Map<string, CaseResult>>}
 */
export async function compare(cases, options) {
  const batch = options.batch ?? 32;
  const minCycles = options.minCycles ?? 30;
  /** @type {number[][]} */
  const samples = cases.map(() => []);
  let cycle = 0;
  const runCycle = async (/** @type {boolean} */ keep) => {
    for (let k = 0; k < cases.length; k++) {
      const index = (k + cycle) % cases.length;
      const us = await sample(/** @type {Case} */ (cases[index]), batch);
      if (keep) /** @type {number[]} */ (samples[index]).push(us);
    }
    cycle++;
  };
  const warmupEnd = performance.now() + (options.warmup ?? 500) * cases.length;
  while (performance.now() < warmupEnd) await runCycle(false);
  const end = performance.now() + options.time * cases.length;
  let kept = 0;
  while (kept < minCycles || performance.now() < end) {
    await runCycle(true);
    kept++;
  }
  return new Map(
    cases.map((c, i) => {
      const s = /** @type {number[]} */ (samples[i]);
      return [
        c.name,
        {
          name: c.name,
          samples: s,
          median: quantile(s, 0.5),
          p25: quantile(s, 0.25),
          p75: quantile(s, 0.75),
        },
      ];
    }),
  );
}

/**
 * `a ÷ b`: the ratio of the medians, and the median and IQR of the per-cycle ratios.
 * @param {CaseResult} a
 * @param {CaseResult} b
 */
export function ratio(a, b) {
  const paired = a.samples.map((x, i) => x / /** @type {number} */ (b.samples[i]));
  return {
    ofMedians: a.median / b.median,
    median: quantile(paired, 0.5),
    p25: quantile(paired, 0.25),
    p75: quantile(paired, 0.75),
  };
}

/**
 * `a − b` in µs: the median and IQR of the per-cycle differences (steadier than a difference of medians).
 * @param {CaseResult} a
 * @param {CaseResult} b
 */
export function difference(a, b) {
  const paired = a.samples.map((x, i) => x - /** @type {number} */ (b.samples[i]));
  return { median: quantile(paired, 0.5), p25: quantile(paired, 0.25), p75: quantile(paired, 0.75) };
}

/** Mean µs per call over `batch` calls. @param {Case} c @param {number} batch */
async function sample(c, batch) {
  const inputs = new Array(batch);
  for (let i = 0; i < batch; i++) inputs[i] = c.makeInput();
  const fn = c.fn;
  let start;
  let elapsed;
  if (c.async) {
    start = performance.now();
    for (let i = 0; i < batch; i++) await fn(inputs[i]);
    elapsed = performance.now() - start;
  } else {
    start = performance.now();
    for (let i = 0; i < batch; i++) fn(inputs[i]);
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / batch;
}

/** Linear-interpolated quantile, `q` in [0, 1]. @param {number[]} values @param {number} q */
export function quantile(values, q) {
  const sorted = [...values].sort((x, y) => x - y);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = /** @type {number} */ (sorted[lo]);
  const b = /** @type {number} */ (sorted[hi]);
  return a + (b - a) * (pos - lo);
}
