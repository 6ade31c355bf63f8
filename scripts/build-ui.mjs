// Builds the emulator's web UI (src/dev/ui/) into dist/ui/: index.html, app.js, app.css. Run by
// `prepare` after tsc, so the package ships it prebuilt and `triggerkit dev` needs no build step.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/ui`;
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: `${root}src/dev/ui/main.tsx` },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  outdir: out,
  logLevel: 'warning',
});
copyFileSync(`${root}src/dev/ui/index.html`, `${out}/index.html`);
