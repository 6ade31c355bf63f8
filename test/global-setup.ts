/**
 * Tests that run the CLI or bundles, or drive the web UI, need `dist/` to match the sources: build it once per run.
 * Type errors are `npm run typecheck`'s to report (it runs before the tests); tsc emits regardless.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'ignore',
  });
  // The web UI's bundle (dist/ui/), as `prepare` builds it.
  spawnSync(process.execPath, ['scripts/build-ui.mjs'], { cwd: root, stdio: 'ignore' });
  if (!existsSync(`${root}/dist/cli/main.js`))
    throw new Error('tsc did not emit dist/: run `npm run prepare` to see why');
}
