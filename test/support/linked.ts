/** A project's `node_modules` as `npm install` would leave it, without an install: links into this checkout. */
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

/** Creates `dir/node_modules` linking every package of the repository's, and this checkout as `triggerkit`. */
export function linkCheckout(dir: string): void {
  mkdirSync(join(dir, 'node_modules'));
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    symlinkSync(join(ROOT, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  symlinkSync(ROOT, join(dir, 'node_modules/triggerkit'));
}
