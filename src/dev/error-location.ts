/**
 * Where in the user's code an error was thrown, as `file:line` of the source they wrote. The emulator
 * runs esbuild bundles with inline source maps (`build/bundle.ts`, `devBuildContext`), so the first stack
 * frame outside Node, `node_modules` and triggerkit itself is a line of a bundle: its map gives the
 * original file and line. Reading the map here, only for errors that get printed, keeps the process's
 * stacks as they are (no `--enable-source-maps` for every error) and costs nothing on the hot path.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** triggerkit's own code (`dist/` or `src/`): its frames are the pipeline's, never the user's. */
const OWN = dirname(dirname(fileURLToPath(import.meta.url))) + sep;
const INLINE_MAP =
  /\/\/# sourceMappingURL=data:application\/json(?:;charset=[\w-]+)?;base64,([A-Za-z0-9+/=]+)\s*$/;
/** `at fn (file:///a/b.mjs?v=2:3:20)`, `at /a/b.js:3:20`: the location, its line and column. */
const FRAME = /^\s*at (?:.*? \()?((?:file:\/\/|\/|[A-Za-z]:\\).*?):(\d+):(\d+)\)?$/;

/** Source maps read so far, by module URL (a rebuilt bundle is imported under a new `?v=`). */
const maps = new Map<string, SourceMap | null>();
const MAX_MAPS = 64;

/**
 * The first frame of `error`'s stack in the user's code, mapped to its source, relative to `cwd`:
 * `examples/orders-queue/handler.ts:14`. Undefined when the stack has none (a library's error, a thrown
 * string).
 *
 * @example
 * locateError(new Error('db down')) // 'examples/orders-queue/handler.ts:14'
 */
export function locateError(error: unknown, cwd = process.cwd()): string | undefined {
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n')) {
    const frame = FRAME.exec(line);
    if (frame === null) continue;
    const [, location = '', row, column] = frame;
    const path = toPath(location);
    if (path === undefined || path.startsWith(OWN) || path.includes(`${sep}node_modules${sep}`)) continue;
    const original = mapped(location, path, Number(row), Number(column));
    const file = relative(cwd, original.file);
    return `${file.startsWith('..') || isAbsolute(file) ? original.file : file}:${original.line}`;
  }
  return undefined;
}

function toPath(location: string): string | undefined {
  if (!location.startsWith('file://')) return location;
  try {
    return fileURLToPath(location.replace(/\?[^/]*$/, ''));
  } catch {
    return undefined;
  }
}

/** The source line a bundle's line comes from, when the bundle carries an inline map; else as given. */
function mapped(url: string, path: string, line: number, column: number): { file: string; line: number } {
  const map = sourceMapOf(url, path);
  const entry = map?.findEntry(line - 1, column - 1) as
    | { originalSource?: string; originalLine?: number }
    | undefined;
  if (entry?.originalSource === undefined || entry.originalLine === undefined) return { file: path, line };
  const source = entry.originalSource.startsWith('file://')
    ? fileURLToPath(entry.originalSource)
    : resolve(dirname(path), entry.originalSource);
  return { file: source, line: entry.originalLine + 1 };
}

function sourceMapOf(url: string, path: string): SourceMap | undefined {
  let map = maps.get(url);
  if (map === undefined) {
    map = readInlineMap(path);
    if (maps.size >= MAX_MAPS) maps.delete(maps.keys().next().value as string);
    maps.set(url, map);
  }
  return map ?? undefined;
}

function readInlineMap(path: string): SourceMap | null {
  if (!/\.[cm]?js$/.test(path)) return null;
  try {
    const text = readFileSync(path, 'utf8');
    const payload = INLINE_MAP.exec(text.slice(text.lastIndexOf('//# sourceMappingURL=')))?.[1];
    return payload === undefined
      ? null
      : new SourceMap(JSON.parse(Buffer.from(payload, 'base64').toString()));
  } catch {
    return null;
  }
}
