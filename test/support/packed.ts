/**
 * The packages as npm users get them: `npm pack` of this repository (and of packages/*), installed into an
 * empty project the way `npm install triggerkit` installs it — but from a lockfile cut out of the
 * repository's own, so `npm ci --offline` takes every tarball from the npm cache the repository's install
 * filled (same versions, no registry, seconds).
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './processes.js';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
/** Long enough to block a test worker past vitest's RPC timeout if it were synchronous. */
const npmAsync = (args: string[], cwd: string) =>
  promisify(execFile)('npm', args, { cwd, encoding: 'utf8', timeout: 240_000 });

/** The packages this repository publishes, by name: the folder each is packed from. */
export const PACKAGES = {
  triggerkit: ROOT,
  'triggerkit-dev': join(ROOT, 'packages/triggerkit-dev'),
  'create-triggerkit': join(ROOT, 'packages/create-triggerkit'),
} as const;
export type PackageName = keyof typeof PACKAGES;

/** Packs one of the packages (triggerkit: dist/ as built) into `dir`; returns the tarball's path. */
export function pack(name: PackageName, dir: string): string {
  const [packed] = JSON.parse(
    npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], PACKAGES[name]),
  );
  return join(dir, (packed as { filename: string }).filename);
}

/** Packs the repository (dist/ as built) into `dir`; returns the tarball's path. */
export const packTriggerkit = (dir: string): string => pack('triggerkit', dir);

/**
 * Writes package.json and package-lock.json of a project that depends on `tarball` only, then runs
 * `npm ci --offline`. Only triggerkit's `dependencies` are installed: optional peers stay out, as npm does.
 */
export function installPacked(project: string, tarball: string): Promise<void> {
  return installOffline(project, { name: 'lambda-only', tarballs: { triggerkit: tarball } });
}

export interface OfflineProject {
  readonly name: string;
  /** The packed packages the project depends on. */
  readonly tarballs: Partial<Record<PackageName, string>>;
  /** Packages from the registry, at the versions the repository's lockfile holds (its devDependencies). */
  readonly registry?: readonly string[];
  /** `npm ci --ignore-scripts`: no install script runs (the caller provides what one would build). */
  readonly ignoreScripts?: boolean;
}

/**
 * Writes package.json and a package-lock.json cut out of the repository's (the tarballs, and every package
 * they and `registry` depend on, where the repository's install put them), then `npm ci --offline`.
 */
export async function installOffline(project: string, spec: OfflineProject): Promise<void> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const packed = new Set(Object.keys(spec.tarballs));
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
      if (packed.has(name)) continue;
      const path = find(from, name);
      if (packages[path] !== undefined) continue;
      const { dev, optional, devOptional, peer, ...entry } = lock.packages[path] as LockEntry;
      packages[path] = entry;
      add(path, entry.dependencies);
      add(path, entry.optionalDependencies);
    }
  };
  const dependencies: Record<string, string> = {};
  for (const [name, tarball] of Object.entries(spec.tarballs)) {
    const manifest = JSON.parse(readFileSync(join(PACKAGES[name as PackageName], 'package.json'), 'utf8'));
    const { version, license, bin, engines, peerDependencies, peerDependenciesMeta } = manifest;
    dependencies[name] = `file:${tarball}`;
    packages[`node_modules/${name}`] = {
      ...{ version, resolved: `file:${tarball}`, license, dependencies: manifest.dependencies, bin },
      ...{ engines, peerDependencies, peerDependenciesMeta },
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
    };
    add('', manifest.dependencies);
  }
  for (const name of spec.registry ?? []) {
    dependencies[name] = (lock.packages[`node_modules/${name}`] as LockEntry).version as string;
    add('', { [name]: dependencies[name] });
  }
  const root = { name: spec.name, dependencies };
  writeFileSync(join(project, 'package.json'), JSON.stringify({ ...root, private: true, type: 'module' }));
  writeFileSync(
    join(project, 'package-lock.json'),
    JSON.stringify({ ...root, lockfileVersion: 3, requires: true, packages: { '': root, ...packages } }),
  );
  const scripts = spec.ignoreScripts ? ['--ignore-scripts'] : [];
  await npmAsync(['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...scripts], project);
}

/** The bytes of every file under `dir`, as `du -s --apparent-size -B1` counts them. */
export function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}
