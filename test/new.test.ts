/**
 * `triggerkit new`: every template becomes a project named after its folder, on this version; bad input is
 * refused in one line. That each project's typecheck, `npm test` and `npm run dev` pass, on the packed
 * packages, is new-packed.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from './support/processes.js';

const TEMPLATES = ['alibaba-fc', 'cdc', 'eventbridge', 'fork', 's3', 'sqs', 'webhook'];
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const work = mkdtempSync(join(tmpdir(), 'triggerkit-new-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (args: string[], cwd = work) =>
  spawnSync(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
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
      build: template === 'alibaba-fc' ? 'triggerkit build --target alibaba-fc' : 'triggerkit build',
    });
    expect(readdirSync(join(dir, 'events')).length).toBeGreaterThan(0);
    if (template === 'alibaba-fc') {
      // Function Compute: the build writes s.yaml from the definitions; there is no serverless.yml.
      expect(output(result)).toContain('npm run build (the Function Compute bundle and .triggerkit/s.yaml)');
      expect(readdirSync(dir)).not.toContain('serverless.yml');
      return;
    }
    // The wiring is generated: the deploy config names the functions (and a table a stream reads).
    const [wiring = ''] = readFileSync(join(dir, 'serverless.yml'), 'utf8').split('\nresources:');
    expect(wiring.trim().split('\n').length).toBeLessThanOrEqual(15);
  });
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
