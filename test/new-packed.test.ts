/**
 * "In an empty folder: `npm create triggerkit my-app -- --template s3` (or `npx triggerkit new`), then
 * `npm test` passes and `npm run dev` serves" — for every template, on the packages as published:
 * triggerkit, triggerkit-dev and create-triggerkit packed and installed with npm (offline, from the cache
 * the repository's install filled) once, into a folder the projects are made beneath. A project's own
 * `npm install` would fetch the same packages again (and serverless, for the deploy); npm's scripts, Node
 * and TypeScript find them in the parent's node_modules, as in a workspace.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOffline, pack } from './support/packed.js';
import { ROOT, start } from './support/processes.js';

const TEMPLATES = ['alibaba-fc', 'cdc', 'eventbridge', 'fork', 's3', 'sqs', 'webhook'];
/** The functions of each template (its serverless.yml, or found under src/), as `triggerkit dev` prints them. */
const FUNCTIONS: Record<string, RegExp> = {
  'alibaba-fc': /thumbnails: alibaba:oss uploads/,
  cdc: /orderChanges \(order-changes\): aws:dynamodb table orders/,
  eventbridge: /bigOrders \(big-orders\): aws:eventbridge com\.example\.shop/,
  fork: /backup: aws:sns orders[\s\S]*indexer: aws:sns orders/,
  s3: /reports: aws:s3 uploads/,
  sqs: /orders: aws:sqs orders/,
  webhook: /issues: POST \/webhooks\/github/,
};
const BINDING = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
const work = mkdtempSync(join(tmpdir(), 'triggerkit-new-packed-'));
const parent = join(work, 'projects');

// The nested vitest must not think it is a worker of this one; npm never asks the registry.
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST'))),
  NO_COLOR: '1',
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
};
interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}
/** Asynchronous: a test worker blocked for minutes misses vitest's own messages. */
const npm = (args: string[], cwd = parent) =>
  new Promise<Ran>((resolve) => {
    const options = { cwd, env, encoding: 'utf8', timeout: 120_000 } as const;
    execFile('npm', ['--loglevel=error', ...args], options, (error, stdout, stderr) =>
      resolve({
        status: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
        stdout,
        stderr,
      }),
    );
  });
const output = (result: Ran) => `${result.stdout}${result.stderr}`;

beforeAll(async () => {
  mkdirSync(parent);
  const tarballs = {
    triggerkit: pack('triggerkit', work),
    'triggerkit-dev': pack('triggerkit-dev', work),
    'create-triggerkit': pack('create-triggerkit', work),
  };
  const registry = ['typescript', 'vitest', '@types/node'];
  await installOffline(parent, { name: 'projects', tarballs, registry, ignoreScripts: true });
  // The one install script that builds: better-sqlite3's binding, taken from the repository's install
  // (the same version, for the same Node) instead of compiled again for minutes.
  cpSync(join(ROOT, BINDING), join(parent, BINDING));
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('npm create triggerkit without a folder prints the usage line naming every template', async () => {
  const result = await npm(['create', 'triggerkit']);
  expect(result.stderr).toContain(
    `Usage: npm create triggerkit@latest <dir> -- --template <${TEMPLATES.join('|')}>\n`,
  );
  expect(result.status).not.toBe(0);
  expect(readdirSync(parent).sort()).toEqual(['node_modules', 'package-lock.json', 'package.json']);
});

describe.each(TEMPLATES)('npm create triggerkit --template %s', (template) => {
  const dir = join(parent, `${template}-app`);

  it('creates the project on the installed triggerkit', async () => {
    const result = await npm(['create', 'triggerkit', `${template}-app`, '--', '--template', template]);
    expect(output(result)).toContain(`Created ${template}-app from the ${template} template`);
    expect(result.status).toBe(0);
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies).toEqual({
      triggerkit: `^${version}`,
    });
  });

  it('typechecks, and npm test passes', async () => {
    const tsc = await npm(['exec', '--', 'tsc', '--noEmit'], dir);
    expect(output(tsc)).toBe('');
    const test = await npm(['test'], dir);
    expect(output(test), output(test)).toMatch(/Tests\s+\d+ passed/);
    expect(test.status).toBe(0);
  }, 120_000);

  it('npm run dev serves, listing its functions', async () => {
    const dev = start('npm', ['run', 'dev', '--', '--port', '0'], {
      cwd: dir,
      env: { ...env, GITHUB_WEBHOOK_SECRET: 'local-secret' },
    });
    try {
      const [, url] = await dev.waitFor(/listening on (http:\/\/\S+)/, 60_000);
      await dev.waitFor(FUNCTIONS[template] as RegExp, 10_000);
      // An answer from the emulator itself: a body that is no CloudEvent is refused.
      const answer = await fetch(`${url}/events`, { method: 'POST', body: 'hello' });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    } finally {
      await dev.stop();
    }
  }, 90_000);
});

it('npx triggerkit new makes the same project as npm create triggerkit', async () => {
  const result = await npm(['exec', '--', 'triggerkit', 'new', 's3-npx', '--template', 's3']);
  expect(result.status, output(result)).toBe(0);
  const files = (name: string) =>
    readdirSync(join(parent, name), { recursive: true, encoding: 'utf8' })
      .filter((file) => !/^(node_modules|\.triggerkit)/.test(file) && file !== 'package.json')
      .sort();
  expect(files('s3-npx')).toEqual(files('s3-app'));
  for (const file of files('s3-npx').filter((f) => f.includes('.')))
    expect(readFileSync(join(parent, 's3-npx', file), 'utf8')).toBe(
      readFileSync(join(parent, 's3-app', file), 'utf8'),
    );
});
