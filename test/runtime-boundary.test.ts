/**
 * What ships inside a cloud bundle: everything `defineHandler` and the runtime adapters reach through
 * their imports. None of it may reach the dev host, the CLI, the build, or their heavy dependencies.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './support/processes.js';

const SRC = join(ROOT, 'src');
const FORBIDDEN_DIRS = ['dev', 'cli', 'build'].map((d) => join(SRC, d));
const FORBIDDEN_PACKAGES = [
  'esbuild',
  'better-sqlite3',
  'chokidar',
  'citty',
  'yaml',
  'cloudevents',
  'p-retry',
];
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every file reachable from `entries`, and the bare packages they import. */
function reach(entries: string[]) {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [...entries];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2]) as string;
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
      else if (!specifier.startsWith('node:')) packages.set(specifier, relative(ROOT, file));
    }
  }
  return { files, packages };
}

it('keeps the dev host, the CLI, the build and their dependencies out of what ships to the cloud', () => {
  const { files, packages } = reach([join(SRC, 'define-handler.ts'), ...sourcesUnder(join(SRC, 'runtime'))]);
  expect(files.size).toBeGreaterThan(50); // the walk follows imports: the adapter, pipeline, sources…
  expect(files).toContain(join(SRC, 'delivery', 'attempts.ts'));
  const leaks = [...files].filter((f) => FORBIDDEN_DIRS.some((d) => f.startsWith(`${d}/`)));
  expect(leaks.map((f) => relative(ROOT, f))).toEqual([]);
  const heavy = FORBIDDEN_PACKAGES.filter((p) => packages.has(p)).map((p) => `${p} (${packages.get(p)})`);
  expect(heavy).toEqual([]);
});
