/**
 * The integrity check of a state file at start: SQLite's `PRAGMA quick_check` (every page and record
 * readable, the b-trees well formed; it skips the index-against-table comparison of `integrity_check`,
 * which costs several times more). It runs on a read-only connection, before the store's own
 * connection is opened, so a damaged file is refused exactly as it was found: nothing writes to it,
 * and closing a read-only connection checkpoints nothing from its WAL into it.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { TriggerError } from '../../errors.js';

/** What SQLite says when a page or the header cannot be read as a database. */
const DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/;

/**
 * Throws `E_CONFIG` naming the file and how to recover when `file` exists and is damaged.
 *
 * @example
 * checkStateIntegrity('.triggerkit/state.db');
 */
export function checkStateIntegrity(file: string): void {
  if (!existsSync(file)) return;
  const findings = quickCheck(file);
  if (findings.length === 1 && findings[0] === 'ok') return;
  const dir = dirname(file);
  const aside = `${dir}.damaged`;
  const found = findings
    .join('; ')
    .replace(/\*\*\* in database main \*\*\*\s*/g, '')
    .replace(/\s+/g, ' ');
  throw new TriggerError(
    'E_CONFIG',
    `The emulator's state ${file} is damaged (quick_check: ${found.length > 160 ? `${found.slice(0, 159)}…` : found}); it was left untouched. ` +
      `Move the folder aside (mv ${dir} ${aside}) and start again with a new one; its dead letters may still be read with ` +
      `\`triggerkit dlq list --state-dir ${aside}\` or \`sqlite3 ${join(aside, basename(file))} "SELECT envelope FROM dead_letters"\`.`,
    { path: file },
  );
}

/** quick_check's findings (`['ok']` for a sound file), at most three. */
function quickCheck(file: string): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db.prepare('PRAGMA quick_check(3)').pluck().all() as string[];
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && DAMAGED.test(code)) return [`${code}: ${(error as Error).message}`];
    throw error;
  } finally {
    db?.close();
  }
}
