/** `triggerkit dev` and its state over time: the retention flags, and a damaged state file. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, startCli } from './support/processes.js';
import { damageEventsPage, fillStore } from './support/stores.js';

const scratch = mkdtempSync(join(tmpdir(), 'triggerkit-cli-retention-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const HANDLER = 'test/fixtures/handlers/slow-once.ts';

const dev = (stateDir: string, ...flags: string[]) => {
  const result = spawnSync(
    process.execPath,
    [CLI, 'dev', '--handler', HANDLER, '--port', '0', '--no-watch', '--state-dir', stateDir, ...flags],
    { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
  );
  return { code: result.status, stderr: result.stderr };
};

describe('triggerkit dev --retain-age / --retain-events', () => {
  it.each([
    [
      ['--retain-age', '7days'],
      /^triggerkit: E_CONFIG: --retain-age must be a duration such as 7d, 12h or 30m \(0 or off: keep events of any age\), got "7days"\.$/,
    ],
    [
      ['--retain-events', 'lots'],
      /^triggerkit: E_CONFIG: --retain-events must be a whole number such as 100000 \(0 or off: keep any number\), got "lots"\.$/,
    ],
  ])('%j exits 2 with one line, before it touches the state folder', (flags, message) => {
    const stateDir = join(scratch, `never-${flags[0]}`);
    const { code, stderr } = dev(stateDir, ...flags);
    expect(code).toBe(2);
    expect(stderr.trimEnd()).toMatch(message);
    expect(existsSync(stateDir)).toBe(false);
  });

  it('keeps only the newest --retain-events finished events of the state it opens', async () => {
    const stateDir = join(scratch, 'kept');
    fillStore(stateDir, 30);
    const server = startCli([
      'dev',
      ...['--handler', HANDLER, '--port', '0', '--no-watch', '--state-dir', stateDir],
      ...['--retain-events', '5', '--retain-age', 'off'],
    ]);
    try {
      await server.waitFor(/listening on/);
      const ids = () => {
        const db = new Database(join(stateDir, 'state.db'), { readonly: true });
        try {
          return db.prepare('SELECT id FROM events ORDER BY seq').pluck().all();
        } finally {
          db.close();
        }
      };
      for (let i = 0; i < 100 && ids().length > 5; i++) await new Promise((r) => setTimeout(r, 50));
      expect(ids()).toEqual(['e25', 'e26', 'e27', 'e28', 'e29']);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe('triggerkit dev on a damaged state file', () => {
  it('exits 2 with one line naming the file and how to recover, and leaves the file as it was', () => {
    const stateDir = join(scratch, 'damaged');
    fillStore(stateDir, 400);
    const file = join(stateDir, 'state.db');
    damageEventsPage(file);
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const { code, stderr } = dev(stateDir);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      new RegExp(
        `^triggerkit: E_CONFIG: The emulator's state ${file} is damaged \\(quick_check: .*\\); it was left untouched\\. Move the folder aside \\(mv ${stateDir} ${stateDir}\\.damaged\\)`,
      ),
    );
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
    // Moved aside, as the message says, its dead letters are still listed.
    cpSync(stateDir, `${stateDir}.damaged`, { recursive: true });
    const listed = spawnSync(process.execPath, [CLI, 'dlq', 'list', '--state-dir', `${stateDir}.damaged`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('bad order');
  }, 60_000);
});
