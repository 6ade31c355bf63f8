/**
 * The integrity check at start, on a real store damaged on purpose: a page of its events table
 * overwritten, as a bad sector or a half-copied file would.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { damageEventsPage, fillStore } from '../../../test/support/stores.js';
import { isTriggerError } from '../../errors.js';
import { createEmulator } from '../emulator.js';
import { acquireStateLock } from './lock.js';
import { openStateReader } from './queries.js';
import { openStore } from './store.js';

const scratch = mkdtempSync(join(tmpdir(), 'triggerkit-integrity-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const digest = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.startsWith('state.db'))
      .map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(join(dir, name)))
          .digest('hex'),
      ]),
  );

const refusal = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
};

describe('a damaged state file', () => {
  const sound = join(scratch, 'sound');
  const damaged = join(scratch, 'damaged');
  beforeAll(() => {
    fillStore(sound, 400);
    cpSync(sound, damaged, { recursive: true });
    damageEventsPage(join(damaged, 'state.db'));
  });

  it('is refused in one line naming the file and how to recover, and left as it was', () => {
    const before = digest(damaged);
    const error = refusal(() => openStore(damaged));
    expect(isTriggerError(error) && error.code).toBe('E_CONFIG');
    const file = join(damaged, 'state.db');
    expect(error.message).toContain(`The emulator's state ${file} is damaged (quick_check: `);
    expect(error.message).toContain(`mv ${damaged} ${damaged}.damaged`);
    expect(error.message).toContain(`triggerkit dlq list --state-dir ${damaged}.damaged`);
    expect(error.message).toContain(
      `sqlite3 ${damaged}.damaged/state.db "SELECT envelope FROM dead_letters"`,
    );
    expect(error.message.split('\n')).toHaveLength(1);
    expect(digest(damaged)).toEqual(before);
    // The lock it took is released: the folder can be moved aside or opened again.
    acquireStateLock(damaged).release();
    expect(() => createEmulator({ functions: [], stateDir: damaged, log: () => {} })).toThrow(/is damaged/);
    expect(digest(damaged)).toEqual(before);
  });

  it('still gives its dead letters to `triggerkit dlq list` and to a query, as the message says', () => {
    const reader = openStateReader(damaged);
    expect(reader.deadLetters().map((d) => d.envelope.dlerror)).toEqual(['bad order']);
    reader.close();
    const db = new Database(join(damaged, 'state.db'), { readonly: true });
    const envelopes = db.prepare('SELECT envelope FROM dead_letters').pluck().all() as string[];
    expect(envelopes.map((e) => JSON.parse(e).id)).toEqual(['e7']);
    db.close();
  });

  it('is refused when it is no database at all', () => {
    const dir = join(scratch, 'garbage');
    cpSync(sound, dir, { recursive: true });
    writeFileSync(join(dir, 'state.db'), Buffer.alloc(8192, 0x42));
    expect(refusal(() => openStore(dir)).message).toMatch(
      /state\.db is damaged \(quick_check: SQLITE_NOTADB/,
    );
  });

  it('a sound copy of the same store opens', () => {
    const store = openStore(sound);
    expect(store.deliveries()).toHaveLength(400);
    store.close();
  });
});
