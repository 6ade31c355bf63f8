/**
 * With no serverless.yml, `triggerkit dev` and `build` find the handlers themselves: every
 * `export const X = defineHandler(` of the source files under `src/` (a text scan, not a module load;
 * test files and declaration files are skipped).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FunctionEntry } from './project.js';

const SOURCE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
const SKIPPED = /\.(?:test|spec)\.[cm]?[jt]sx?$|\.d\.[cm]?ts$/;
const EXPORT = /export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*defineHandler\s*[(<]/g;

/** The `defineHandler` exports of the files under `<root>/<dir>`, in path order. */
export function discoverHandlers(root: string, dir = 'src'): FunctionEntry[] {
  const found: { entry: string; exportName: string }[] = [];
  for (const file of sourceFiles(join(root, dir))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('defineHandler')) continue;
    for (const match of text.matchAll(EXPORT))
      found.push({ entry: relative(root, file), exportName: match[1] as string });
  }
  const perFile = new Map<string, number>();
  for (const { entry } of found) perFile.set(entry, (perFile.get(entry) ?? 0) + 1);
  // A file's only handler is named after the file (src/orders.ts: orders); several are file-export.
  const named = found.map(({ entry, exportName }) => {
    const base = entry.replace(/^.*\//, '').replace(SOURCE, '');
    return { name: perFile.get(entry) === 1 ? base : `${base}-${exportName}`, entry, exportName };
  });
  // Same-named files in different folders: the path below `dir` names them instead.
  return named.map((fn) =>
    named.filter((other) => other.name === fn.name).length === 1
      ? fn
      : {
          ...fn,
          name:
            fn.entry
              .slice(dir.length + 1)
              .replace(SOURCE, '')
              .replaceAll('/', '-') + (perFile.get(fn.entry) === 1 ? '' : `-${fn.exportName}`),
        },
  );
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((item) => {
      const path = join(dir, item.name);
      if (item.isDirectory())
        return item.name === 'node_modules' || item.name.startsWith('.') ? [] : sourceFiles(path);
      return SOURCE.test(item.name) && !SKIPPED.test(item.name) ? [path] : [];
    });
}
