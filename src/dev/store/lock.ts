/**
 * One process at a time owns a state folder. The lock is an exclusive SQLite lock on `emulator.lock`
 * (an empty database held in an open `BEGIN EXCLUSIVE`): the operating system drops it when the process
 * ends, however it ends, so a crash never leaves a stale lock behind and a reused pid cannot fake one.
 * `emulator.json` beside it says who holds it (pid, URL) — for messages and for `triggerkit dlq redrive`,
 * which asks the running emulator instead of writing under it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TriggerError } from '../../errors.js';

export interface LockOwner {
  readonly pid: number;
  /** The emulator's URL, once it listens. */
  readonly url?: string;
  readonly since: string;
}

export interface StateLock {
  readonly dir: string;
  /** Records the URL the owner serves on, for other processes to reach it. */
  announce(url: string): void;
  release(): void;
}

/**
 * Takes the state folder's lock, or returns undefined when another process (or another emulator in this
 * one) holds it.
 */
export function tryStateLock(dir: string): StateLock | undefined {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'emulator.lock'), { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw error;
  }
  const ownerFile = join(dir, 'emulator.json');
  const since = new Date().toISOString();
  const write = (owner: LockOwner) => writeFileSync(ownerFile, `${JSON.stringify(owner)}\n`);
  write({ pid: process.pid, since });
  let held = true;
  return {
    dir,
    announce(url) {
      if (held) write({ pid: process.pid, url, since });
    },
    release() {
      if (!held) return;
      held = false;
      if (readLockOwner(dir)?.pid === process.pid) rmSync(ownerFile, { force: true });
      db.close();
    },
  };
}

/**
 * Takes the state folder's lock or throws `E_CONFIG` naming the process that holds it.
 *
 * @example
 * const lock = acquireStateLock('.triggerkit');
 * try { … } finally { lock.release(); }
 */
export function acquireStateLock(dir: string): StateLock {
  const lock = tryStateLock(dir);
  if (lock !== undefined) return lock;
  const owner = readLockOwner(dir);
  const who =
    owner === undefined ? 'another process' : `pid ${owner.pid}${owner.url ? `, ${owner.url}` : ''}`;
  throw new TriggerError(
    'E_CONFIG',
    `The state folder ${dir} is in use by another triggerkit emulator (${who}); stop it, or give this one another --state-dir.`,
    { path: dir },
  );
}

/** Who holds (or last held) the lock of `dir`, if it said. */
export function readLockOwner(dir: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(dir, 'emulator.json'), 'utf8')) as LockOwner;
    return Number.isInteger(owner?.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}
