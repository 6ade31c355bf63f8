/**
 * `triggerkit new`: every template becomes a project whose own checks pass offline — its typecheck, its
 * tests (with `triggerkit` linked to this checkout, as an install would place it) and `triggerkit dev`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkCheckout } from './support/linked.js';
import { CLI, ROOT, startCli } from './support/processes.js';

const TEMPLATES = ['cdc', 'eventbridge', 'fork', 's3', 'sqs', 'webhook'];
/** The function each template's serverless.yml lists, as `triggerkit dev` prints it. */
const FUNCTIONS: Record<string, RegExp> = {
  cdc: /orderChanges \(order-changes\): aws:dynamodb table orders/,
  eventbridge: /bigOrders \(big-orders\): aws:eventbridge com\.example\.shop/,
  fork: /backup: aws:sns orders[\s\S]*indexer: aws:sns orders/,
  s3: /reports: aws:s3 uploads/,
  sqs: /orders: aws:sqs orders/,
  webhook: /issues: POST \/webhooks\/github/,
};
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const work = mkdtempSync(join(tmpdir(), 'triggerkit-new-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The nested vitest must not think it is a worker of this one.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
const run = (args: string[], cwd = work) =>
  spawnSync(process.execPath, args, { cwd, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8' });
const output = (result: ReturnType<typeof run>) => `${result.stdout}${result.stderr}`;

describe.each(TEMPLATES)('triggerkit new --template %s', (template) => {
  const dir = join(work, `${template}-app`);

  it('creates the project, named after its folder, on this version of triggerkit', () => {
    const result = run([CLI, 'new', `${template}-app`, '--template', template]);
    expect(output(result)).toContain(`Next: cd ${template}-app && npm install && npm test`);
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.name).toBe(`${template}-app`);
    expect(manifest.dependencies).toEqual({ triggerkit: `^${version}` });
    expect(manifest.devDependencies['triggerkit-dev']).toBe(`^${version}`);
    expect(manifest.scripts).toEqual({
      dev: 'triggerkit dev',
      test: 'vitest run',
      build: 'triggerkit build',
    });
    expect(readdirSync(join(dir, 'events')).length).toBeGreaterThan(0);
    // The wiring is generated: the deploy config names the functions (and a table a stream reads).
    const [wiring = ''] = readFileSync(join(dir, 'serverless.yml'), 'utf8').split('\nresources:');
    expect(wiring.trim().split('\n').length).toBeLessThanOrEqual(15);
    linkCheckout(dir);
  });

  it('typechecks and passes its own tests', () => {
    const tsc = run([join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir], dir);
    expect(output(tsc)).toBe('');
    const vitest = run([join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir], dir);
    expect(output(vitest), output(vitest)).toMatch(/Tests\s+\d+ passed/);
    expect(vitest.status).toBe(0);
  }, 120_000);

  it('starts triggerkit dev, which lists its function', async () => {
    const dev = startCli(['dev', '--port', '0'], {
      cwd: dir,
      env: { GITHUB_WEBHOOK_SECRET: 'local-secret' },
    });
    try {
      await dev.waitFor(FUNCTIONS[template] as RegExp, 60_000);
    } finally {
      await dev.stop();
    }
  }, 90_000);
});

describe('triggerkit new refuses', () => {
  it('a folder with files in it, in one line, exit 2', () => {
    mkdirSync(join(work, 'taken'));
    writeFileSync(join(work, 'taken/notes.txt'), 'mine');
    const result = run([CLI, 'new', 'taken']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'triggerkit: E_CONFIG: taken is not empty; give triggerkit new a new or empty folder (its files are never overwritten).\n',
    );
    expect(readdirSync(join(work, 'taken'))).toEqual(['notes.txt']);
  });

  it('an unknown template, with the closest name and the list, exit 2', () => {
    const result = run([CLI, 'new', 'app', '--template', 'sqss']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `triggerkit: E_CONFIG: No template "sqss"; did you mean sqs? Templates: ${TEMPLATES.join(', ')} (triggerkit new <dir> --template <name>).\n`,
    );
  });

  it('nothing with no --template: the sqs worker is the default', () => {
    const result = run([CLI, 'new', 'plain']);
    expect(result.status).toBe(0);
    expect(readFileSync(join(work, 'plain/src/orders.ts'), 'utf8')).toContain("type: 'aws:sqs'");
  });
});
