/**
 * The web UI's files (`dist/ui/`: index.html, app.js, app.css, built by `scripts/build-ui.mjs` when the
 * package is built) served at `/ui/`, with their content types and a strict Content-Security-Policy:
 * scripts, styles and requests only from the emulator itself, no inline code, no framing.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpProblem, type RouteRequest } from '../router.js';

/** `<package>/dist/ui`, whether this module runs from `dist/dev/web/` or from `src/dev/web/`. */
export const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../dist/ui');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

export const UI_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Serves `/ui/<file>`; the page itself for `/ui/` (the UI routes with `#/…`, so no other path is a page). */
export function serveUiFile(dir: string, { res, params }: RouteRequest): void {
  const name = params.file === '' || params.file === undefined ? 'index.html' : params.file;
  const type = /^[\w-]+(\.[\w-]+)*$/.test(name) ? TYPES[name.slice(name.lastIndexOf('.'))] : undefined;
  let body: Buffer;
  try {
    if (type === undefined) throw new Error('not a UI file');
    body = readFileSync(join(dir, name));
  } catch {
    if (name === 'index.html')
      throw new HttpProblem(
        404,
        'E_UI_NOT_BUILT',
        `The web UI is not built (no ${join(dir, 'index.html')}); run \`npm run prepare\` in the triggerkit checkout.`,
      );
    throw new HttpProblem(404, 'E_NOT_FOUND', `No file ${JSON.stringify(name)} in the web UI.`);
  }
  res.writeHead(200, {
    ...UI_HEADERS,
    'content-type': type as string,
    'content-length': body.length,
    'cache-control': 'no-cache',
  });
  res.end(body);
}
