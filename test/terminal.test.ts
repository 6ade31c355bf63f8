/**
 * `triggerkit dev` over a handler whose database is down, as a user watches it: the banner's two names,
 * each failed attempt with its retry and the last with its dead letter, where the handler threw (its own
 * `.ts` file, through the bundle's source map), refused requests — and colour only when asked for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, type Running, startCli } from './support/processes.js';

const HANDLER = 'test/fixtures/handlers/db-down.ts';
const dirs: string[] = [];
const running: Running[] = [];

async function dev(env: NodeJS.ProcessEnv = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'triggerkit-terminal-'));
  dirs.push(stateDir);
  const process = startCli(
    ['dev', '--handler', HANDLER, '--port', '0', '--no-watch', '--state-dir', stateDir],
    {
      env,
    },
  );
  running.push(process);
  const url = (await process.waitFor(/listening on (http:\/\/[\d.:]+)/))[1] as string;
  await process.waitFor(/takes CloudEvents; traces follow/);
  return { process, url };
}

const reserve = (url: string, id: string) =>
  post(`${url}/events`, JSON.stringify({ sku: 'a-1' }), {
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-source': '/shop',
    'ce-type': 'com.example.stock.reserve',
    'content-type': 'application/json',
  });

let plain: Awaited<ReturnType<typeof dev>>;
beforeAll(async () => {
  plain = await dev();
});
afterAll(async () => {
  for (const process of running) await process.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The lines printed after the banner, milliseconds masked. */
const lines = (process: Running) =>
  process
    .output()
    .split('\n')
    .filter((line) => /^(trace|refused|failed) /.test(line))
    .map((line) => line.replace(/ \d+\.\dms/, ' Xms'));

describe('the terminal of triggerkit dev', () => {
  it('names the function by its file and its handler name', () => {
    expect(plain.process.output()).toContain('  db-down (inventory): bus\n');
  });

  it('prints each failed attempt with its retry, and the last with its dead letter, where the handler threw', async () => {
    expect((await reserve(plain.url, 'r-1')).status).toBe(202);
    await plain.process.waitFor(/dead-lettered \(retries-exhausted\)\n/);
    expect(lines(plain.process)).toEqual([
      'trace r-1 com.example.stock.reserve → inventory failed Xms (handler: db down (sku a-1) at test/fixtures/handlers/db-down.ts:6) — retry in 50ms (attempt 2/2)',
      'trace r-1 com.example.stock.reserve → inventory failed Xms (handler: db down (sku a-1) at test/fixtures/handlers/db-down.ts:6) — dead-lettered (retries-exhausted)',
    ]);
    // Piped output carries no colour codes.
    expect(plain.process.output()).not.toContain('\u001b[');
  });

  it('prints a refused request with its status and reason', async () => {
    expect((await post(`${plain.url}/events`, 'hi', { 'content-type': 'text/plain' })).status).toBe(415);
    const [line] = await plain.process.waitFor(/refused POST \/events 415 \(.*\)\n/);
    expect(line).toContain('got Content-Type "text/plain", which any web page may send unasked');
  });

  it('colours the status words when FORCE_COLOR asks, even into a pipe', async () => {
    const coloured = await dev({ FORCE_COLOR: '1' });
    await reserve(coloured.url, 'c-1');
    const [line] = await coloured.process.waitFor(/trace c-1 .*dead-lettered.*\n/);
    expect(line).toContain('\u001b[31mfailed\u001b[39m');
    expect(line).toContain('\u001b[31mdead-lettered\u001b[39m');
  });
});
