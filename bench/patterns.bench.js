/**
 * Issue 3: matching one event against many event patterns. triggerkit's rule index (dist/rules/rule-index.js,
 * `compileRuleIndex`) against serverless-offline-aws-eventbridge's matcher — the plugin's
 * `verifyIsSubscribed`, applied to every subscriber in turn, which is what offline users run today.
 *
 * Goals (2-core bench machine):
 * 1. at 1,000 rules, triggerkit at least 1,000× faster than serverless-offline-aws-eventbridge;
 * 2. time per event at 10,000 rules at most 3× the time at 10 rules: for one event against the mixed rules, and
 *    (issue 20) for the realistic rules and events of fixtures/patterns-realistic.js;
 * 3. at least 200,000 events/s with 1,000 exact or with 1,000 prefix rules (event-ruler: about 226,000/s).
 *
 * Every comparison is interleaved by lib/compare.js. Before anything is timed, both engines are asked for
 * the matching set of every timed event and must agree (the bench throws otherwise).
 *
 * How the peer is driven: the plugin class is `require`d from node_modules and constructed with a stub
 * `serverless` (its constructor only stores it); its own `getEvents()` reads the stub's functions, one per
 * rule with `events: [{ eventBridge: { pattern } }]`, and builds `subscribers` exactly as `init()` does;
 * `invokeSubscriber` (the Lambda invocation) is replaced by one that returns the function key, so
 * `invokeSubscribers([entry])` — the plugin's own entry point for a PutEvents message — returns the matching
 * rules. Its input is the PutEvents entry (`Source`, `DetailType`, `Detail` as a JSON string, …).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compilePattern, toCloudEvents } from '../dist/index.js';
import { compileRuleIndex } from '../dist/rules/rule-index.js';
import { PROBES } from './fixtures/patterns-probes.js';
import { realisticEvents, realisticRules } from './fixtures/patterns-realistic.js';
import {
  eventPool,
  KINDS,
  kindRules,
  mixedRules,
  orderEvent,
  putEventsEntry,
} from './fixtures/patterns-rules.js';
import { compare, quantile, ratio } from './lib/compare.js';

export const title = 'event patterns: triggerkit’s rule index vs serverless-offline-aws-eventbridge';

export const GOALS = {
  /** triggerkit at least this many times faster than the peer, at 1,000 rules. */
  speedupAt1000: 1000,
  /** µs per event at 10,000 rules ÷ µs per event at 10 rules, at most (one event, mixed rules; and issue 20's realistic set). */
  scale10kOver10: 3,
  /** events/s with 1,000 exact or 1,000 prefix rules, at least. */
  eventsPerSecond: 200_000,
};
/** event-ruler (the Java engine behind EventBridge) on this machine, as the issue reports it. */
const EVENT_RULER_EVENTS_PER_SECOND = 226_000;

const SIZES = [1, 10, 100, 1_000, 10_000];
/** Events of the pool the events/s cases cycle through, and how many of them are cross-checked. */
const POOL = 256;
const POOL_CHECKED = 16;
const KIND_RULES = 1_000;

const require = createRequire(import.meta.url);
/** The plugin's class: its package's main module does `module.exports = ServerlessOfflineAwsEventBridgePlugin`. */
const PEER = 'serverless-offline-aws-eventbridge';
const PeerPlugin = require(PEER);
const peerVersion = require(`${PEER}/package.json`).version;

/** Where the cases put something, so nothing they compute is dead code. */
let sink = 0;

/**
 * serverless-offline-aws-eventbridge with one function per rule, each subscribed by `eventBridge.pattern`.
 * @param {import('./fixtures/patterns-rules.js').Rule[]} rules
 * @returns {{ match: (entry: unknown) => string[] }}
 */
function peerFor(rules) {
  const byKey = new Map(rules.map((r) => [r.id, r]));
  const serverless = {
    service: {
      getAllFunctions: () => rules.map((r) => r.id),
      getFunction: (/** @type {string} */ key) => ({
        handler: 'handler.main',
        events: [{ eventBridge: { pattern: byKey.get(key)?.pattern } }],
      }),
    },
  };
  const plugin = new PeerPlugin(serverless, {}, { log: { notice() {} } });
  plugin.subscribers = plugin.getEvents().subscribers;
  if (plugin.subscribers.length !== rules.length) throw new Error('the peer did not subscribe every rule');
  plugin.invokeSubscriber = (/** @type {string} */ functionKey) => functionKey;
  return { match: (entry) => plugin.invokeSubscribers([entry]) };
}

/** The CloudEvent triggerkit's EventBridge source makes of an envelope: what the index matches. @param {unknown} envelope */
function cloudEvent(envelope) {
  const { items } = toCloudEvents(envelope);
  const event = items[0]?.event;
  if (items.length !== 1 || event?.type !== /** @type {any} */ (envelope)['detail-type']) {
    throw new Error('toCloudEvents did not turn the EventBridge envelope into one CloudEvent');
  }
  return event;
}

/**
 * What triggerkit would do with the PutEvents entry the peer gets: parse `Detail` once, build the envelope,
 * turn it into a CloudEvent. Timed in the "from the entry" case only.
 * @param {ReturnType<typeof putEventsEntry>} entry
 */
function entryToCloudEvent(entry) {
  return toCloudEvents({
    version: '0',
    id: 'a3b9c0de-0000-4000-8000-000000000001',
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: '123456789012',
    time: entry.Time,
    region: 'eu-west-1',
    resources: entry.Resources,
    detail: JSON.parse(entry.Detail),
  }).items[0]?.event;
}

/** The last commit that touched src/rules, and whether the working tree differs from it (dist/ is built from the working tree). */
function rulesProvenance() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const git = (/** @type {string[]} */ args) =>
    spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git(['log', '-1', '--format=%h', '--', 'src/rules']) || 'unknown';
  const dirty = git(['status', '--porcelain', '--', 'src/rules']) !== '';
  return `${commit}${dirty ? ' (src/rules has uncommitted changes: the figures are for the working tree)' : ', unmodified'}`;
}

/** @param {string[]} ids */
const sorted = (ids) => [...ids].sort();

/**
 * Throws unless triggerkit's index and the peer return the same set for every event.
 * @param {string} label
 * @param {{ match: (event: unknown) => string[] }} index
 * @param {{ match: (entry: unknown) => string[] }} peer
 * @param {(typeof orderEvent)[]} envelopes
 */
function checkSameSets(label, index, peer, envelopes) {
  for (const envelope of envelopes) {
    const ours = sorted(index.match(cloudEvent(envelope)));
    const theirs = sorted(peer.match(putEventsEntry(envelope)));
    if (ours.join() !== theirs.join()) {
      throw new Error(
        `${label}: triggerkit and serverless-offline-aws-eventbridge disagree on event ${envelope.id}\n` +
          `  triggerkit: ${ours.join(', ') || '(none)'}\n  peer:       ${theirs.join(', ') || '(none)'}`,
      );
    }
  }
}

/**
 * Median µs of one call of `fn` over up to 5 rounds of `calls` calls (fewer when a round takes over 0.3 s),
 * after `warm` calls: to size batches before the interleaved run.
 * @param {() => unknown} fn
 * @param {number} calls
 * @param {number} [warm]
 */
function calibrate(fn, calls, warm = calls) {
  for (let i = 0; i < warm; i++) fn();
  const times = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    const ms = performance.now() - start;
    times.push((ms * 1000) / calls);
    if (ms > 300) break;
  }
  return quantile(times, 0.5);
}

/**
 * Candidate entries the index's lookups report for `event` (before de-duplication), counted through the
 * internal `IndexState.prototype.hits` of dist/rules/index-state.js; undefined if that is not there.
 * Diagnostic only: run before timing, the method restored at once.
 * @param {ReturnType<typeof compileRuleIndex>} index
 * @param {unknown} event
 */
async function lookupHits(index, event) {
  /** @type {any} */
  let proto;
  try {
    proto = (await import('../dist/rules/index-state.js')).IndexState?.prototype;
  } catch {
    return undefined;
  }
  const original = proto?.hits;
  if (typeof original !== 'function') return undefined;
  let count = 0;
  proto.hits = function (/** @type {readonly number[]} */ candidates) {
    count += candidates.length;
    return original.call(this, candidates);
  };
  try {
    index.match(event);
  } finally {
    proto.hits = original;
  }
  return count;
}

/**
 * A case that runs `reps` matches per call, and a function that scales its result back to one match.
 * @param {import('./lib/compare.js').CaseResult} r
 * @param {number} reps
 * @returns {import('./lib/compare.js').CaseResult}
 */
function perCall(r, reps) {
  return {
    name: r.name,
    samples: r.samples.map((x) => x / reps),
    median: r.median / reps,
    p25: r.p25 / reps,
    p75: r.p75 / reps,
  };
}

/** @param {number} us */
const fmtUs = (us) =>
  us >= 1000 ? Math.round(us).toLocaleString('en-US') : us < 10 ? us.toFixed(2) : us.toFixed(1);
/** @param {number} x */
const fmtX = (x) => (x >= 100 ? `${Math.round(x).toLocaleString('en-US')}×` : `${x.toFixed(2)}×`);
/** @param {number} us */
const perSecond = (us) => Math.round(1e6 / us).toLocaleString('en-US');
/** @param {import('./lib/compare.js').CaseResult} r */
const iqr = (r) => `${fmtUs(r.p25)}–${fmtUs(r.p75)}`;

// ── 1. one event, 1 → 10,000 rules, against the peer ────────────────────────────────────────────────

/**
 * @param {{ time: number }} options
 * @param {Map<number, ReturnType<typeof compileRuleIndex>>} indexes
 */
async function versusPeer(options, indexes) {
  const event = cloudEvent(orderEvent);
  const entry = putEventsEntry(orderEvent);
  const rows = [];
  /** @type {Map<number, { speedup: number, speedupFromEntry: number }>} */
  const ratios = new Map();
  for (const n of SIZES) {
    const index = /** @type {ReturnType<typeof compileRuleIndex>} */ (indexes.get(n));
    const peer = peerFor(mixedRules(n));
    const matches = index.match(event).length;
    const peerUs = calibrate(() => peer.match(entry), 1, n >= 1_000 ? 1 : 20);
    const tkUs = calibrate(() => index.match(event), 2000);
    const fromEntryUs = calibrate(() => index.match(entryToCloudEvent(entry)), 2000);
    // A peer sample lasts ≥ 2 ms where it can; each triggerkit call repeats the match so that its sample
    // lasts about as long (at most 1 ms, so that it is rarely cut by a preemption on a loaded machine): both are measured within the same cycle either way.
    const batch = Math.max(1, Math.min(32, Math.round(2000 / peerUs)));
    const target = Math.min(batch * peerUs, 1000);
    const reps = Math.max(1, Math.round(target / (batch * tkUs)));
    const repsFromEntry = Math.max(1, Math.round(target / (batch * fromEntryUs)));
    const names = { peer: `peer ${n}`, tk: `triggerkit ${n}`, entry: `triggerkit from entry ${n}` };
    const results = await compare(
      [
        {
          name: names.peer,
          makeInput: () => entry,
          async: false,
          fn: (e) => {
            sink += peer.match(e).length;
          },
        },
        {
          name: names.tk,
          makeInput: () => event,
          async: false,
          fn: (e) => {
            for (let r = 0; r < reps; r++) sink += index.match(e).length;
          },
        },
        {
          name: names.entry,
          makeInput: () => entry,
          async: false,
          fn: (e) => {
            for (let r = 0; r < repsFromEntry; r++) sink += index.match(entryToCloudEvent(e)).length;
          },
        },
      ],
      { time: options.time, batch, minCycles: batch * peerUs > 50_000 ? 10 : 30 },
    );
    const p = /** @type {import('./lib/compare.js').CaseResult} */ (results.get(names.peer));
    const t = perCall(/** @type {import('./lib/compare.js').CaseResult} */ (results.get(names.tk)), reps);
    const f = perCall(
      /** @type {import('./lib/compare.js').CaseResult} */ (results.get(names.entry)),
      repsFromEntry,
    );
    const speedup = ratio(p, t);
    const speedupFromEntry = ratio(p, f);
    ratios.set(n, { speedup: speedup.median, speedupFromEntry: speedupFromEntry.median });
    rows.push({
      rules: n.toLocaleString('en-US'),
      matches: String(matches),
      'peer µs/event': fmtUs(p.median),
      'triggerkit µs/event': fmtUs(t.median),
      'triggerkit from entry µs': fmtUs(f.median),
      'peer ÷ triggerkit (per-cycle, IQR)': `${fmtX(speedup.median)} (${fmtX(speedup.p25)}–${fmtX(speedup.p75)})`,
      'peer ÷ from entry': fmtX(speedupFromEntry.median),
      cycles: String(p.samples.length),
    });
  }
  return { rows, ratios };
}

// ── 2. triggerkit alone, 1 → 10,000 rules, all sizes interleaved ────────────────────────────────────

/**
 * @param {{ time: number }} options
 * @param {Map<number, ReturnType<typeof compileRuleIndex>>} indexes
 */
async function scaling(options, indexes) {
  const event = cloudEvent(orderEvent);
  /** @type {Map<number, number | undefined>} */
  const candidates = new Map();
  for (const n of SIZES) {
    candidates.set(
      n,
      await lookupHits(/** @type {ReturnType<typeof compileRuleIndex>} */ (indexes.get(n)), event),
    );
  }
  const cases = SIZES.map((n) => {
    const index = /** @type {ReturnType<typeof compileRuleIndex>} */ (indexes.get(n));
    return {
      name: String(n),
      makeInput: () => event,
      async: false,
      fn: (/** @type {unknown} */ e) => {
        sink += index.match(e).length;
      },
    };
  });
  const results = await compare(cases, { time: options.time });
  const get = (/** @type {number} */ n) =>
    /** @type {import('./lib/compare.js').CaseResult} */ (results.get(String(n)));
  const ten = get(10);
  const rows = SIZES.map((n) => {
    const r = get(n);
    const vsTen = ratio(r, ten);
    return {
      rules: n.toLocaleString('en-US'),
      matches: String(indexes.get(n)?.match(event).length),
      'lookup hits': String(candidates.get(n) ?? '—'),
      'µs/event (median)': fmtUs(r.median),
      'IQR µs': iqr(r),
      'events/s': perSecond(r.median),
      '÷ 10 rules (per-cycle, IQR)': `${fmtX(vsTen.median)} (${fmtX(vsTen.p25)}–${fmtX(vsTen.p75)})`,
    };
  });
  return { rows, tenThousandOverTen: ratio(get(10_000), ten) };
}

// ── 2b. issue 20: realistic rules and events, 10 → 10,000 rules, all sizes interleaved ─────────────

const REALISTIC_SIZES = [10, 100, 1_000, 10_000];
const REALISTIC_EVENTS = 1024;

/**
 * Each size matches its own 1,024 events (half aimed at its rules, half from the whole universe, see
 * fixtures/patterns-realistic.js), cycled; every answer is first checked against a scan of the rules'
 * compiled patterns (all events up to 1,000 rules, 128 at 10,000).
 * @param {{ time: number }} options
 */
async function realistic(options) {
  const built = [];
  for (const n of REALISTIC_SIZES) {
    const rules = realisticRules(n);
    const events = realisticEvents(REALISTIC_EVENTS, n);
    const index = compileRuleIndex(rules);
    const patterns = rules.map((r) => compilePattern(r.pattern));
    for (const event of n >= 10_000 ? events.slice(0, 128) : events) {
      const want = rules.filter((_, i) => patterns[i]?.matches(event)).map((r) => r.id);
      const got = index.match(event);
      if (got.join() !== want.join()) {
        throw new Error(`${n} realistic rules: the index answers [${got}] for ${event.id}, a scan [${want}]`);
      }
    }
    let matches = 0;
    let hits = 0;
    for (const event of events) {
      matches += index.match(event).length;
      hits += (await lookupHits(index, event)) ?? Number.NaN;
    }
    // The floor: an oracle that knows each event's matching rules and only runs their compiled patterns.
    const byId = new Map(
      rules.map((r, i) => [r.id, /** @type {import('../dist/index.js').Matcher} */ (patterns[i])]),
    );
    const oracle = events.map((e) =>
      index.match(e).map((id) => /** @type {import('../dist/index.js').Matcher} */ (byId.get(id))),
    );
    built.push({ n, index, events, oracle, matches: matches / events.length, hits: hits / events.length });
  }
  const cases = built.map((b) => {
    let i = 0;
    return {
      name: String(b.n),
      makeInput: () => b.events[i++ % b.events.length],
      async: false,
      fn: (/** @type {unknown} */ e) => {
        sink += b.index.match(e).length;
      },
    };
  });
  for (const b of built.filter((x) => x.n === 10 || x.n === 10_000)) {
    let i = 0;
    cases.push({
      name: `oracle ${b.n}`,
      makeInput: () => i++ % b.events.length,
      async: false,
      fn: (/** @type {number} */ k) => {
        const event = b.events[k];
        for (const m of /** @type {import('../dist/index.js').Matcher[]} */ (b.oracle[k]))
          sink += m.matches(event) ? 1 : 0;
      },
    });
  }
  const results = await compare(cases, { time: options.time });
  const get = (/** @type {number} */ n) =>
    /** @type {import('./lib/compare.js').CaseResult} */ (results.get(String(n)));
  const ten = get(10);
  const rows = built.map((b) => {
    const r = get(b.n);
    const vsTen = ratio(r, ten);
    return {
      rules: b.n.toLocaleString('en-US'),
      'matches/event': b.matches.toFixed(2),
      'candidates/event': b.hits.toFixed(2),
      'µs/event (median)': fmtUs(r.median),
      'IQR µs': iqr(r),
      '÷ 10 rules (per-cycle, IQR)': `${fmtX(vsTen.median)} (${fmtX(vsTen.p25)}–${fmtX(vsTen.p75)})`,
    };
  });
  const oracleTen = /** @type {import('./lib/compare.js').CaseResult} */ (results.get('oracle 10'));
  const oracleTenK = /** @type {import('./lib/compare.js').CaseResult} */ (results.get('oracle 10000'));
  const floor = ratio(oracleTenK, oracleTen);
  rows.push({
    rules: 'floor 10 → 10,000',
    'matches/event': '',
    'candidates/event': '',
    'µs/event (median)': `${fmtUs(oracleTen.median)} → ${fmtUs(oracleTenK.median)}`,
    'IQR µs': '',
    '÷ 10 rules (per-cycle, IQR)': `${fmtX(floor.median)} (${fmtX(floor.p25)}–${fmtX(floor.p75)})`,
  });
  return { rows, tenThousandOverTen: ratio(get(10_000), ten), floor };
}

// ── 3. events/s at 1,000 rules of each kind ─────────────────────────────────────────────────────────

/** @param {{ time: number }} options */
async function kinds(options) {
  const envelopes = eventPool(POOL);
  const events = envelopes.map(cloudEvent);
  const entries = envelopes.map(putEventsEntry);
  const built = KINDS.map((k) => {
    const rules = kindRules(k.kind, KIND_RULES);
    const index = compileRuleIndex(rules);
    const peer = peerFor(rules);
    let peerNote = '';
    if (k.supported) checkSameSets(`${k.kind} rules`, index, peer, envelopes.slice(0, POOL_CHECKED));
    else {
      try {
        peer.match(entries[0]);
        peerNote = 'ran (unexpected)';
      } catch (error) {
        peerNote = `throws: ${/** @type {Error} */ (error).message.split('. ')[0]}`;
      }
    }
    const matches = events.reduce((sum, e) => sum + index.match(e).length, 0) / events.length;
    return { ...k, index, peer, peerNote, matches };
  });

  const results = await compare(
    built.map((b) => {
      let i = 0;
      return {
        name: b.kind,
        makeInput: () => events[i++ % events.length],
        async: false,
        fn: (/** @type {unknown} */ e) => {
          sink += b.index.match(e).length;
        },
      };
    }),
    { time: options.time },
  );
  // The peer at the same 1,000 rules, for contrast: one event per sample (each takes ~0.1 s), 10 cycles.
  const peerBuilt = built.filter((b) => b.supported);
  const peerResults = await compare(
    peerBuilt.map((b) => {
      let i = 0;
      return {
        name: b.kind,
        makeInput: () => entries[i++ % entries.length],
        async: false,
        fn: (/** @type {unknown} */ e) => {
          sink += b.peer.match(e).length;
        },
      };
    }),
    { time: Math.min(options.time, 500), batch: 1, minCycles: 10, warmup: 200 },
  );
  const rows = built.map((b) => {
    const r = /** @type {import('./lib/compare.js').CaseResult} */ (results.get(b.kind));
    const p = peerResults.get(b.kind);
    return {
      kind: b.kind,
      'matches/event': b.matches.toFixed(2),
      'µs/event (median)': fmtUs(r.median),
      'IQR µs': iqr(r),
      'events/s': perSecond(r.median),
      'peer events/s': p === undefined ? b.peerNote : perSecond(p.median),
      rules: b.what,
    };
  });
  /** @type {Map<string, number>} */
  const eventsPerSecond = new Map(
    built.map((b) => [
      b.kind,
      1e6 / /** @type {import('./lib/compare.js').CaseResult} */ (results.get(b.kind)).median,
    ]),
  );
  return { rows, eventsPerSecond };
}

// ── 4. where the peer differs from EventBridge ──────────────────────────────────────────────────────

function probes() {
  return PROBES.map((probe) => {
    const ours = compilePattern(probe.pattern).matches(cloudEvent(probe.event));
    /** @type {string} */
    let theirs;
    try {
      const peer = peerFor([{ id: 'probe', pattern: probe.pattern }]);
      theirs = String(peer.match(putEventsEntry(probe.event)).length === 1);
    } catch (error) {
      theirs = `throws ${/** @type {Error} */ (error).constructor.name}: ${/** @type {Error} */ (error).message.split(/\.\s|\n/)[0]}`;
    }
    const peerRight = theirs === String(probe.eventbridge);
    return {
      probe: probe.name,
      pattern: JSON.stringify(probe.pattern),
      event: JSON.stringify(probe.event.detail).slice(0, 70),
      EventBridge: String(probe.eventbridge),
      triggerkit: ours === probe.eventbridge ? String(ours) : `${ours} (WRONG)`,
      peer: peerRight ? theirs : `${theirs} ✗`,
    };
  });
}

/**
 * Runs the suites; returns what bench/run.js prints.
 * @param {{ time: number }} options
 */
export default async function run(options) {
  // Check first, time afterwards: every size's matching set, on the timed event and on a slice of the pool.
  /** @type {Map<number, ReturnType<typeof compileRuleIndex>>} */
  const indexes = new Map();
  const pool = eventPool(POOL);
  for (const n of SIZES) {
    const rules = mixedRules(n);
    const index = compileRuleIndex(rules);
    indexes.set(n, index);
    const peer = peerFor(rules);
    checkSameSets(`${n} mixed rules`, index, peer, [orderEvent]);
    if (n <= 1_000) checkSameSets(`${n} mixed rules`, index, peer, pool.slice(0, POOL_CHECKED));
    if (index.match(cloudEvent(orderEvent)).length === 0)
      throw new Error(`no rule of ${n} matches the event`);
  }
  const probeRows = probes();

  const scale = await scaling(options, indexes);
  const real = await realistic(options);
  const kind = await kinds(options);
  const peer = await versusPeer(options, indexes);
  if (Number.isNaN(sink)) throw new Error('a case computed NaN');

  const at1000 = /** @type {{ speedup: number, speedupFromEntry: number }} */ (peer.ratios.get(1_000));
  const scaleRatio = scale.tenThousandOverTen;
  const exactEps = /** @type {number} */ (kind.eventsPerSecond.get('exact'));
  const prefixEps = /** @type {number} */ (kind.eventsPerSecond.get('prefix'));
  const verdict = (/** @type {boolean} */ met) => (met ? 'MET' : 'NOT MET');
  return [
    {
      title: `patterns: one event against 1–10,000 mixed rules, vs serverless-offline-aws-eventbridge ${peerVersion}`,
      rows: peer.rows,
      notes: [
        'rule i = template i % 5: exact (own service, detail-type, status, currency), prefix on detail.sku, numeric range on detail.total, anything-but on status + tier, suffix on the e-mail + equals-ignore-case country + exists:false coupon',
        'peer = invokeSubscribers([PutEvents entry]) over every rule (linear scan of verifyIsSubscribed); triggerkit = index.match(CloudEvent) on a compileRuleIndex built beforehand',
        '“from entry” also parses Detail and builds the CloudEvent (toCloudEvents) per event, as the peer parses Detail itself',
        'matching sets checked equal before timing (this event at every size; 16 pool events up to 1,000 rules)',
      ],
    },
    {
      title: 'patterns: triggerkit’s index alone, the same event, all sizes interleaved',
      rows: scale.rows,
      notes: [
        'lookup hits = candidate entries the index’s lookups report for this event (each then verified once): the per-event work follows them, not the number of rules',
        `src/rules at ${rulesProvenance()}`,
      ],
    },
    {
      title: 'patterns: realistic rules and events (issue 20), 10 → 10,000 rules, all sizes interleaved',
      rows: real.rows,
      notes: [
        'rules: fixtures/patterns-realistic.js — 500 sources, 480 types; source/type exact, type and source prefixes, numeric ranges, anything-but lists and prefixes, nested data fields, arrays of objects, $or, exists, equals-ignore-case, suffix, wildcard',
        'events: 1,024 per size, half aimed at a rule of the set, half from the whole universe (the same for every size); answers checked against a scan of the compiled patterns first',
        'candidates = entries the lookups report per event, before de-duplication (each is verified at most once)',
        'floor = an oracle that already knows each event’s matching rules and runs only their compiled patterns (no lookup at all): what any index must at least do; its growth from 10 to 10,000 rules is memory (the matched rules’ data is cold), not work per rule',
      ],
    },
    {
      title: `patterns: events/s at ${KIND_RULES.toLocaleString('en-US')} rules of one kind (${POOL} varied events, cycled)`,
      rows: kind.rows,
      notes: [
        `matching sets checked equal with the peer on ${POOL_CHECKED} events for every kind it implements`,
        `event-ruler (the engine behind EventBridge) does about ${EVENT_RULER_EVENTS_PER_SECOND.toLocaleString('en-US')} events/s on this machine (issue 3)`,
      ],
    },
    {
      title: 'patterns: goals',
      rows: [
        {
          goal: `at 1,000 rules, ≥ ${GOALS.speedupAt1000.toLocaleString('en-US')}× faster than the peer`,
          measured: `${fmtX(at1000.speedup)} (from the entry: ${fmtX(at1000.speedupFromEntry)})`,
          verdict: verdict(at1000.speedup >= GOALS.speedupAt1000),
        },
        {
          goal: `t(10,000 rules) ÷ t(10 rules), realistic rules and events (issue 20) ≤ ${GOALS.scale10kOver10}×`,
          measured: `${fmtX(real.tenThousandOverTen.median)} (IQR ${fmtX(real.tenThousandOverTen.p25)}–${fmtX(real.tenThousandOverTen.p75)})`,
          verdict: verdict(real.tenThousandOverTen.median <= GOALS.scale10kOver10),
        },
        {
          goal: '· the floor for that ratio: only the matching rules’ compiled patterns, 10,000 ÷ 10 rules',
          measured: `${fmtX(real.floor.median)} (IQR ${fmtX(real.floor.p25)}–${fmtX(real.floor.p75)})`,
          verdict: real.floor.median <= GOALS.scale10kOver10 ? 'the goal is reachable' : 'above the goal',
        },
        {
          goal: `µs/event at 10,000 rules ≤ ${GOALS.scale10kOver10}× at 10 rules (one event, mixed rules)`,
          measured: `${fmtX(scaleRatio.median)} (IQR ${fmtX(scaleRatio.p25)}–${fmtX(scaleRatio.p75)})`,
          verdict: verdict(scaleRatio.median <= GOALS.scale10kOver10),
        },
        {
          goal: `≥ ${GOALS.eventsPerSecond.toLocaleString('en-US')} events/s, 1,000 exact rules`,
          measured: Math.round(exactEps).toLocaleString('en-US'),
          verdict: verdict(exactEps >= GOALS.eventsPerSecond),
        },
        {
          goal: `≥ ${GOALS.eventsPerSecond.toLocaleString('en-US')} events/s, 1,000 prefix rules`,
          measured: Math.round(prefixEps).toLocaleString('en-US'),
          verdict: verdict(prefixEps >= GOALS.eventsPerSecond),
        },
      ],
    },
    {
      title: 'patterns: where serverless-offline-aws-eventbridge differs from EventBridge (✗)',
      rows: probeRows,
      notes: [
        'a throw in verifyIsSubscribed escapes invokeSubscribers: one such rule stops every event from reaching any subscriber',
      ],
    },
  ];
}
