/**
 * The live SQS trigger under load: `triggerkit dev` (a child process, durable state in a temp dir) over
 * a handler that declares a queue, driven by the real SDK client (`@aws-sdk/client-sqs`).
 *
 * 1. Sustained throughput: `--messages` messages sent with SendMessageBatch (10 per call, 8 calls in
 *    flight) as fast as the emulator accepts them; messages/s = messages / (last handler call − first send).
 * 2. Latency: SendMessage at a steady open-loop `--rate` for `--duration` s; p50 / p99 / max of
 *    SendMessage → handler call (the sender puts its clock in the body, the handler reads the same clock).
 *
 * Peer, in the same run, same emulator process and store: a second queue of the emulator driven the way
 * a user does without live triggers — a separate process (bench/fixtures/sqs-poller.js) with the same
 * SDK client, ReceiveMessage (long polling, 10 at a time, 5 loops) and DeleteMessageBatch, doing the same
 * work per message. Every message whose send was accepted must reach its consumer (`lost`).
 *
 *   npm run bench -- sqs-live                                   3 rounds, 5,000 messages, 200/s × 10 s
 *   npm run bench -- sqs-live --messages=2000 --duration=5      a quick run
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { order } from './fixtures/sqs-orders.js';
import { quantile } from './lib/compare.js';

export const title = 'live SQS trigger: SendMessage → handler through triggerkit dev, against polling';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(root, 'bin', 'triggerkit.js');
const HANDLER = 'bench/fixtures/sqs-live-handler.js';
const POLLER = join(root, 'bench', 'fixtures', 'sqs-poller.js');
const ROUNDS = 3;
const SENDERS = 8;
const DRAIN_TIMEOUT_MS = 60_000;

const flag = (/** @type {string} */ name, /** @type {number} */ fallback) =>
  Number(
    process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ??
      process.env[`BENCH_${name.toUpperCase()}`] ??
      fallback,
  );
const MESSAGES = flag('messages', 5000);
const DURATION = flag('duration', 10);
const RATE = flag('rate', 200);

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();

/** Reads a consumer's `<message id> <ms>` lines as they are appended. */
class LogTail {
  /** @param {string} path */
  constructor(path) {
    this.path = path;
    this.offset = 0;
    this.rest = '';
    /** @type {Map<string, number>} message id → ms from send to handler */
    this.latencies = new Map();
  }
  read() {
    let fd;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      const buffer = Buffer.alloc(1 << 20);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        const lines = (this.rest + buffer.toString('utf8', 0, n)).split('\n');
        this.rest = lines.pop() ?? '';
        for (const line of lines) {
          const space = line.indexOf(' ');
          if (!this.latencies.has(line.slice(0, space)))
            this.latencies.set(line.slice(0, space), Number(line.slice(space + 1)));
        }
      }
    } finally {
      closeSync(fd);
    }
  }
  /** Resolves when every id has reached the consumer, or after the drain timeout. */
  async drain(/** @type {Iterable<string>} */ ids) {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (const id of ids) {
      while (!this.latencies.has(id) && Date.now() < deadline) {
        this.read();
        if (!this.latencies.has(id)) await sleep(5);
      }
    }
  }
}

/** CPU time (user + system, ms) a process has used so far; NaN where /proc is not there (not Linux). */
function cpuMs(/** @type {number | undefined} */ pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in ticks of 1/100 s
  } catch {
    return Number.NaN;
  }
}

/** Starts a child process; resolves once its output matches `ready`, with its first match and a stop. */
function startProcess(
  /** @type {string[]} */ args,
  /** @type {NodeJS.ProcessEnv} */ env,
  /** @type {RegExp} */ ready,
) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done(undefined);
      child.once('exit', () => done(undefined));
      process.kill(-(/** @type {number} */ (child.pid)), 'SIGTERM');
    });
  return /** @type {Promise<{ match: RegExpExecArray, pid: number | undefined, stop: () => Promise<unknown> }>} */ (
    new Promise((resolve, reject) => {
      const onData = (/** @type {Buffer} */ chunk) => {
        // The emulator prints a trace line per delivery: read and drop them, as a terminal would.
        if (output.length < 10_000) output += chunk.toString('utf8');
        const match = ready.exec(output);
        if (match) {
          output = output.slice(0, 10_000);
          resolve({ match, pid: child.pid, stop });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`${args[0]} exited (${code}) before ${ready}:\n${output}`)),
      );
    })
  );
}

/** A realistic order body (bench/fixtures/sqs-orders.js) carrying the sender's clock. */
const body = (/** @type {number} */ i) => JSON.stringify({ ...order(i), sentAt: now() });

/**
 * @typedef {object} Peer
 * @property {string} name
 * @property {string} queueUrl
 * @property {LogTail} log
 * @property {() => number} cpu  CPU ms used so far by the processes that move its messages
 * @property {() => Promise<void>} [open]  starts its consumer (the poller process)
 * @property {() => Promise<void>} [close]
 */

/** Sends `total` messages with SendMessageBatch as fast as accepted; end-to-end messages/s. */
async function throughput(
  /** @type {SQSClient} */ sqs,
  /** @type {Peer} */ peer,
  /** @type {number} */ total,
) {
  const accepted = /** @type {string[]} */ ([]);
  const sentAt = new Map();
  let next = 0;
  let failed = 0;
  const started = now();
  const cpuBefore = peer.cpu();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < total) {
        const first = next;
        next = Math.min(total, next + 10);
        const at = now();
        const entries = Array.from({ length: next - first }, (_, k) => ({
          Id: String(k),
          MessageBody: body(first + k),
        }));
        try {
          const out = await sqs.send(
            new SendMessageBatchCommand({ QueueUrl: peer.queueUrl, Entries: entries }),
          );
          for (const ok of out.Successful ?? []) {
            accepted.push(/** @type {string} */ (ok.MessageId));
            sentAt.set(ok.MessageId, at);
          }
          failed += out.Failed?.length ?? 0;
        } catch {
          failed += entries.length;
        }
      }
    }),
  );
  const sendSeconds = (now() - started) / 1000;
  await peer.log.drain(accepted);
  const cpu = peer.cpu() - cpuBefore;
  const handled = accepted.filter((id) => peer.log.latencies.has(id));
  const last = Math.max(
    ...handled.map((id) => sentAt.get(id) + /** @type {number} */ (peer.log.latencies.get(id))),
  );
  return {
    accepted: accepted.length,
    failed,
    lost: accepted.length - handled.length,
    sendRate: accepted.length / sendSeconds,
    rate: handled.length / ((last - started) / 1000),
    cpuPerMessage: cpu / accepted.length,
  };
}

/** SendMessage at a steady open-loop rate; latency SendMessage → handler. */
async function latency(
  /** @type {SQSClient} */ sqs,
  /** @type {Peer} */ peer,
  /** @type {number} */ rate,
  /** @type {number} */ seconds,
) {
  const accepted = /** @type {string[]} */ ([]);
  const pending = [];
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      pending.push(
        sqs.send(new SendMessageCommand({ QueueUrl: peer.queueUrl, MessageBody: body(sent) })).then(
          (out) => accepted.push(/** @type {string} */ (out.MessageId)),
          () => failed++,
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(pending);
  await peer.log.drain(accepted);
  const ms = accepted.map((id) => peer.log.latencies.get(id)).filter((x) => x !== undefined);
  ms.sort((a, b) => a - b);
  return {
    accepted: accepted.length,
    failed,
    lost: accepted.length - ms.length,
    p50: quantile(ms, 0.5),
    p99: quantile(ms, 0.99),
    max: ms[ms.length - 1] ?? Number.NaN,
  };
}

export default async function () {
  for (const [name, value] of Object.entries({ messages: MESSAGES, duration: DURATION, rate: RATE }))
    if (!(value > 0)) throw new Error(`--${name} must be a positive number, got ${value}`);
  const dir = mkdtempSync(join(tmpdir(), 'triggerkit-sqs-live-bench-'));
  const load = loadavg().map((l) => l.toFixed(1));
  const stops = /** @type {(() => Promise<unknown>)[]} */ ([]);
  try {
    const dev = await startProcess(
      [CLI, 'dev', '--no-watch', '--port', '0', '--handler', HANDLER, '--state-dir', join(dir, 'state')],
      { BENCH_SQS_LOG: join(dir, 'live.log') },
      /listening on (http:\/\/[\d.:]+)/,
    );
    stops.push(dev.stop);
    const url = /** @type {string} */ (dev.match[1]);
    const client = new SQSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      maxAttempts: 1,
    });
    await client.send(new CreateQueueCommand({ QueueName: 'bench-poll' }));
    const queueUrl = async (/** @type {string} */ name) =>
      /** @type {string} */ ((await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl);
    /** @type {(() => Promise<unknown>) | undefined} */
    let poller;
    /** @type {number | undefined} */
    let pollerPid;
    /** @type {Peer[]} */
    const peers = [
      {
        name: 'live trigger (triggerkit dev)',
        queueUrl: await queueUrl('bench-live'),
        log: new LogTail(join(dir, 'live.log')),
        cpu: () => cpuMs(dev.pid),
      },
      {
        name: 'ReceiveMessage polling, own process',
        queueUrl: await queueUrl('bench-poll'),
        log: new LogTail(join(dir, 'poll.log')),
        cpu: () => cpuMs(dev.pid) + cpuMs(pollerPid),
        async open() {
          const p = await startProcess(
            [POLLER, this.queueUrl],
            { BENCH_SQS_LOG: join(dir, 'poll.log') },
            /polling/,
          );
          poller = p.stop;
          pollerPid = p.pid;
        },
        async close() {
          await poller?.();
        },
      },
    ];
    /** @type {Map<string, { rates: number[], sendRates: number[], cpu: number[], lost: number, failed: number, p50: number[], p99: number[], max: number[] }>} */
    const results = new Map(
      peers.map((p) => [
        p.name,
        { rates: [], sendRates: [], cpu: [], lost: 0, failed: 0, p50: [], p99: [], max: [] },
      ]),
    );
    for (const peer of peers) {
      // Warm-up, discarded: both code paths compiled, the queue's pages in the cache.
      await peer.open?.();
      await throughput(client, peer, 500);
      await peer.close?.();
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < peers.length; k++) {
        const peer = /** @type {Peer} */ (peers[(k + round) % peers.length]);
        const r = /** @type {NonNullable<ReturnType<typeof results.get>>} */ (results.get(peer.name));
        await peer.open?.();
        const t = await throughput(client, peer, MESSAGES);
        const l = await latency(client, peer, RATE, DURATION);
        await peer.close?.();
        r.rates.push(t.rate);
        r.sendRates.push(t.sendRate);
        r.cpu.push(t.cpuPerMessage);
        r.lost += t.lost + l.lost;
        r.failed += t.failed + l.failed;
        r.p50.push(l.p50);
        r.p99.push(l.p99);
        r.max.push(l.max);
      }
    }
    client.destroy();
    const live = /** @type {NonNullable<ReturnType<typeof results.get>>} */ (
      results.get(peers[0]?.name ?? '')
    );
    const median = (/** @type {number[]} */ xs) => quantile(xs, 0.5);
    const list = (/** @type {number[]} */ xs, digits = 0) => xs.map((x) => x.toFixed(digits)).join(', ');
    return [
      {
        title: `durable, ${MESSAGES} messages per round by SendMessageBatch (${SENDERS} in flight), then SendMessage at ${RATE}/s × ${DURATION} s; ${ROUNDS} rounds`,
        rows: peers.map((p) => {
          const r = /** @type {NonNullable<ReturnType<typeof results.get>>} */ (results.get(p.name));
          return {
            consumer: p.name,
            'msg/s end to end (rounds)': `${median(r.rates).toFixed(0)} (${list(r.rates)})`,
            '× live': (median(r.rates) / median(live.rates)).toFixed(2),
            'sends accepted/s': median(r.sendRates).toFixed(0),
            'CPU ms/msg': median(r.cpu).toFixed(3),
            'p50 ms (rounds)': `${median(r.p50).toFixed(2)} (${list(r.p50, 2)})`,
            'p50 × live': (median(r.p50) / median(live.p50)).toFixed(2),
            'p99 ms (rounds)': `${median(r.p99).toFixed(1)} (${list(r.p99, 1)})`,
            'max ms': Math.max(...r.max).toFixed(0),
            'failed sends': String(r.failed),
            lost: String(r.lost),
          };
        }),
        notes: [
          'msg/s end to end: accepted messages / (last consumer call − first send); the emulator commits each send to SQLite (WAL) before answering',
          'latency: from just before SendMessage to the consumer call (both processes read the same clock: performance.timeOrigin + now())',
          'CPU ms/msg: CPU time (user + system) of the emulator process, plus the poller process for polling, over the throughput run, per message; less sensitive than rates to other load on the machine',
          'lost: sends answered with a MessageId that never reached the consumer (waited up to 60 s)',
          `load average at start (1, 5, 15 min): ${load.join(', ')}; at end: ${loadavg()
            .map((l) => l.toFixed(1))
            .join(', ')} on ${availableParallelism()} shared cores`,
        ],
      },
    ];
  } finally {
    await Promise.all(stops.map((stop) => stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
