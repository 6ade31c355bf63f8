/**
 * The package as npm users get it: `npm pack` of this repository, installed into an empty project the way
 * `npm install triggerkit` installs it — but from a lockfile cut out of the repository's own, so `npm ci
 * --offline` takes every tarball from the npm cache the repository's install filled (same versions, no
 * registry, a few seconds).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

/** Packs the repository (dist/ as built) into `dir`; returns the tarball's path. */
export function packTriggerkit(dir: string): string {
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT));
  return join(dir, (packed as { filename: string }).filename);
}

/**
 * Writes package.json and package-lock.json of a project that depends on `tarball` only, then runs
 * `npm ci --offline`. Only triggerkit's `dependencies` are installed: optional peers stay out, as npm does.
 */
export function installPacked(project: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const packages: Record<string, LockEntry> = {};
  /** Node's lookup, on the lock's paths: the nearest node_modules/<name> above `from`. */
  const find = (from: string, name: string): string => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules')))) {
      const path = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
      if (lock.packages[path] !== undefined) return path;
      if (dir === '') throw new Error(`package-lock.json has no ${name} for ${from || 'the root'}`);
    }
  };
  const add = (from: string, dependencies: Record<string, string> = {}) => {
    for (const name of Object.keys(dependencies)) {
      const path = find(from, name);
      if (packages[path] !== undefined) continue;
      const { dev, optional, devOptional, peer, ...entry } = lock.packages[path] as LockEntry;
      packages[path] = entry;
      add(path, entry.dependencies);
      add(path, entry.optionalDependencies);
    }
  };
  add('', pkg.dependencies);
  const spec = `file:${tarball}`;
  const { version, license, dependencies, bin, engines, peerDependencies, peerDependenciesMeta } = pkg;
  packages['node_modules/triggerkit'] = {
    ...{
      version,
      resolved: spec,
      license,
      dependencies,
      bin,
      engines,
      peerDependencies,
      peerDependenciesMeta,
    },
    integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
  };
  const root = { name: 'lambda-only', dependencies: { triggerkit: spec } };
  writeFileSync(join(project, 'package.json'), JSON.stringify({ ...root, private: true, type: 'module' }));
  writeFileSync(
    join(project, 'package-lock.json'),
    JSON.stringify({ ...root, lockfileVersion: 3, requires: true, packages: { '': root, ...packages } }),
  );
  npm(['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
}

/** The bytes of every file under `dir`, as `du -s --apparent-size -B1` counts them. */
export function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}
