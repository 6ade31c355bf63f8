#!/usr/bin/env node
/**
 * `npm create triggerkit@latest my-app -- --template s3` runs `create-triggerkit my-app --template s3`:
 * triggerkit's own `triggerkit new`, on the triggerkit this package depends on (the same version), so the
 * project's templates and version ranges are that release's. Without a folder: the usage line, exit 2.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const triggerkit = dirname(createRequire(import.meta.url).resolve('triggerkit/package.json'));
const args = process.argv.slice(2);

/** The folder argument: the first one that is neither an option nor the value of `--template`/`-t`. */
function folderOf(argv) {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--template' || arg === '-t') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

const help = args.includes('--help') || args.includes('-h');
if (help || folderOf(args) === undefined) {
  const templates = readdirSync(join(triggerkit, 'templates'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const usage = `Usage: npm create triggerkit@latest <dir> -- --template <${templates.join('|')}>\n`;
  (help ? process.stdout : process.stderr).write(usage);
  process.exit(help ? 0 : 2);
}

const cli = spawnSync(process.execPath, [join(triggerkit, 'bin/triggerkit.js'), 'new', ...args], {
  stdio: 'inherit',
});
process.exit(cli.status ?? 1);
