/** A handler's error, thrown inside an emulator bundle, located in the source file it was written in. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { devBuildContext } from '../build/bundle.js';
import { locateError } from './error-location.js';

const ROOT = join(import.meta.dirname, '../..');
// Inside the project, so the bundle's `triggerkit` import resolves as it does under `triggerkit dev`.
const outdir = join(ROOT, '.triggerkit', `test-error-location-${process.pid}`);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/**
 * Builds `entry` as `triggerkit dev` does, then, in a plain Node process (vitest would map the stack
 * itself), calls its handler and reports the stack and `locateError`'s answer (from `dist/`).
 */
async function thrownBy(entry: string): Promise<{ stack: string; at: string | undefined }> {
  mkdirSync(outdir, { recursive: true });
  const build = await devBuildContext(ROOT, { name: 'db-down', entry, exportName: 'handler' }, outdir);
  try {
    await build.rebuild();
  } finally {
    await build.dispose();
  }
  const locate = pathToFileURL(join(ROOT, 'dist/dev/error-location.js')).href;
  const script = `
    import { locateError } from ${JSON.stringify(locate)};
    const { handler } = await import(${JSON.stringify(`${pathToFileURL(build.outfile).href}?v=2`)});
    try {
      await handler.definition.handle({ id: 'e-1', source: '/t', type: 'x', data: {} }, {});
    } catch (error) {
      console.log(JSON.stringify({ stack: error.stack, at: locateError(error, ${JSON.stringify(ROOT)}) }));
    }`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0 || child.stdout === '') throw new Error(`${entry} did not throw: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

describe('locateError', () => {
  it("maps the bundle's frame to the handler's own file and line", async () => {
    const { stack, at } = await thrownBy('test/fixtures/handlers/db-down.ts');
    // The stack names the bundle (under a rebuild's `?v=`); the location names what the user wrote.
    expect(stack).toMatch(/at reserve \(file:\/\/.*db-down\.mjs\?v=2:\d+:\d+\)/);
    expect(at).toBe('test/fixtures/handlers/db-down.ts:6');
  });

  it('gives an absolute path outside the working folder, and nothing for errors without user frames', () => {
    const error = new Error('x');
    error.stack = `Error: x\n    at reserve (${pathToFileURL('/srv/app/handler.mjs').href}?v=3:10:5)`;
    expect(locateError(error, ROOT)).toBe('/srv/app/handler.mjs:10');
    const library = new Error('y');
    library.stack = `Error: y\n    at q (${join(ROOT, 'node_modules', 'pg', 'index.js')}:1:1)\n    at node:internal/x:1:1`;
    expect(locateError(library, ROOT)).toBeUndefined();
    expect(locateError('a thrown string', ROOT)).toBeUndefined();
  });
});
