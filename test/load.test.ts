/**
 * The emulator under load (the hardening issue's acceptance): one POST of a 10,000-event batch, then
 * steady load from 8 concurrent senders for 30 s, against the real `triggerkit dev` process with a
 * durable store. Throughout, `GET /` answers within 100 ms; the process's peak RSS stays under 300 MB;
 * every acknowledged event ends delivered. Loopback only, bounded in count and time.
 *
 * It runs on its own after the rest of the suite (`npm test`), so its bound measures the emulator, not
 * the other test files sharing the machine's cores.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { CLI, type Running, start } from './support/processes.js';

const BATCH = 10_000;
const CONCURRENCY = 8;
const STEADY_MS = 30_000;
/** A sender waits this long between its requests: steady load, not a flood. */
const PACE_MS = 2;

const dir = mkdtempSync(join(tmpdir(), 'triggerkit-load-'));
let dev: Running | undefined;
afterAll(async () => {
  await dev?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const order = (id: string, total: number) => ({
  specversion: '1.0',
  id,
  source: '/load-test',
  type: 'com.example.load',
  datacontenttype: 'application/json',
  data: { orderId: id, total, items: [{ sku: 'sku-1', qty: 2 }] },
});

/**
 * Probes `GET /` every 50 ms from a process of its own (test/support/latency-probe.mjs), so the probe's
 * timing measures the emulator, not this process's senders; `stop` resolves the slowest answer, in ms.
 */
function probe(url: string) {
  const child = spawn(process.execPath, [
    fileURLToPath(new URL('./support/latency-probe.mjs', import.meta.url)),
    url,
  ]);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    async stop(): Promise<{ slowest: number; probes: number; slow: number[][] }> {
      child.stdin.end();
      expect(await exited).toBe(0);
      return JSON.parse(out);
    },
  };
}

/** Peak resident set of a process, in MB (Linux `VmHWM`). */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return Number(line?.[1]) / 1024;
}

it('stays responsive and loses nothing under a 10,000-event batch and 30 s of steady load', async () => {
  const stateDir = join(dir, 'state');
  dev = start(process.execPath, [
    CLI,
    'dev',
    '--no-watch',
    '--port',
    '0',
    '--state-dir',
    stateDir,
    '--handler',
    'test/fixtures/load/counter.ts',
  ]);
  const url = (await dev.waitFor(/listening on (http:\/\/[\d.:]+)/, 60_000))[1] as string;
  const pid = dev.child.pid as number;
  const acknowledged = new Set<string>();
  const latency = probe(url);

  const batch = Array.from({ length: BATCH }, (_, i) => order(`batch-${i}`, i % 500));
  const response = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(batch),
  });
  expect(response.status).toBe(202);
  for (const id of ((await response.json()) as { accepted: string[] }).accepted) acknowledged.add(id);

  const until = Date.now() + STEADY_MS;
  let refused = 0;
  const sender = async (n: number) => {
    for (let i = 0; Date.now() < until; i++) {
      const event = order(`steady-${n}-${i}`, i);
      const answer = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(event),
      });
      await answer.arrayBuffer();
      if (answer.status === 202) acknowledged.add(event.id);
      else refused++;
      await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, n) => sender(n)));

  // Every acknowledged event is delivered: wait (bounded) for the backlog to drain.
  const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
  const delivered = db.prepare(
    "SELECT e.id FROM deliveries d JOIN events e ON e.seq = d.event_seq WHERE d.status = 'delivered'",
  );
  let ids = new Set<string>();
  for (let waited = 0; waited < 60_000; waited += 250) {
    ids = new Set((delivered.all() as { id: string }[]).map((r) => r.id));
    if ([...acknowledged].every((id) => ids.has(id))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const { slowest, probes, slow } = await latency.stop();
  console.log('slow probes', JSON.stringify(slow));
  db.close();
  const peak = peakRssMb(pid);
  console.log(
    `load: ${acknowledged.size} acknowledged (${BATCH} in one batch), ${refused} refused, ${ids.size} delivered; ` +
      `GET / slowest ${slowest.toFixed(1)} ms over ${probes} probes; peak RSS ${peak.toFixed(0)} MB`,
  );
  expect(refused).toBe(0);
  expect([...acknowledged].filter((id) => !ids.has(id))).toEqual([]);
  expect(acknowledged.size).toBeGreaterThan(BATCH);
  expect(probes).toBeGreaterThan(100);
  expect(slowest).toBeLessThan(100);
  expect(peak).toBeLessThan(300);
}, 180_000);
