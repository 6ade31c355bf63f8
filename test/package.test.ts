/**
 * The package split, pinned: triggerkit's `dependencies` are what a handler needs at run time; every
 * development tool is an optional peer (and a devDependency here); `triggerkit-dev` depends on exactly
 * those peers with the same ranges; and what the public entry points import — as built, in dist/ —
 * is covered by that split.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/processes.js';

const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const pkg = readJson('package.json');
const dev = readJson('packages/triggerkit-dev/package.json');
const create = readJson('packages/create-triggerkit/package.json');
const DIST = join(ROOT, 'dist');

/** The bare packages the files reachable from `entries` import, following relative imports. */
function importedPackages(entries: string[], pattern: RegExp): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((entry) => join(DIST, entry));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of withoutComments(readFileSync(file, 'utf8')).matchAll(pattern)) {
      const specifier = match.slice(1).find((group) => group !== undefined) ?? '';
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        queue.push(file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target);
      } else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
        const [scope = '', name = ''] = specifier.split('/');
        packages.add(scope.startsWith('@') ? `${scope}/${name}` : scope);
      }
    }
  }
  return packages;
}
/** JSDoc examples (`import { defineHandler } from 'triggerkit'`) are not imports. */
const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
/** `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')` in emitted JavaScript. */
const JS_IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
/** The same in declaration files, where every import is a type import. */
const DTS_IMPORT = /(?:from\s*|import\(\s*)['"]([^'"]+)['"]/g;
/** The package that brings a module's types: itself, or its `@types` package (`aws-lambda`). */
const typesOf = (name: string) => (`@types/${name}` in pkg.dependencies ? `@types/${name}` : name);

/** Optional peers a user's own code brings at run time (`triggerkit/otel`), not development tools. */
const RUNTIME_PEERS = ['@opentelemetry/api'];

describe('package.json', () => {
  const peers = Object.keys(pkg.peerDependencies);
  const tools = peers.filter((name) => !RUNTIME_PEERS.includes(name));

  it('makes every development tool an optional peer, and a devDependency of the same range', () => {
    expect(peers.length).toBeGreaterThan(0);
    for (const name of peers) {
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
      expect(pkg.devDependencies[name], name).toBe(pkg.peerDependencies[name]);
      expect(pkg.dependencies[name], name).toBeUndefined();
    }
  });

  it('gives triggerkit-dev exactly the development tools among those peers, with the same ranges, as its dependencies', () => {
    expect(dev.dependencies).toEqual(
      Object.fromEntries(tools.map((name) => [name, pkg.peerDependencies[name]])),
    );
    expect(dev.peerDependencies).toEqual({ triggerkit: `^${pkg.version}` });
    expect(dev.version).toBe(pkg.version);
    expect(existsSync(join(ROOT, 'packages/triggerkit-dev/LICENSE'))).toBe(true);
  });

  it('has create-triggerkit run the triggerkit of its own version, with the command line it needs', () => {
    expect(create.version).toBe(pkg.version);
    // Exactly this version: `npm create triggerkit@0.2.0` makes projects from 0.2.0's templates.
    expect(create.dependencies).toEqual({ triggerkit: pkg.version, citty: pkg.peerDependencies.citty });
    expect(create.bin).toEqual({ 'create-triggerkit': './index.js' });
    expect(existsSync(join(ROOT, 'packages/create-triggerkit/LICENSE'))).toBe(true);
  });
});

describe('what the entry points import (dist/, as published)', () => {
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);

  it('triggerkit and triggerkit/testing run on the dependencies alone', () => {
    const used = importedPackages(['index.js', 'testing/index.js'], JS_IMPORT);
    expect(used).toContain('@middy/core');
    expect([...used].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });

  it('triggerkit/esbuild runs on the dependencies alone: esbuild is the caller’s', () => {
    const used = importedPackages(['build/plugin.js'], JS_IMPORT);
    expect([...used].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });

  it('the public types resolve with the dependencies (esbuild’s for triggerkit/esbuild)', () => {
    const types = importedPackages(['index.d.ts', 'testing/index.d.ts'], DTS_IMPORT);
    expect(types).toContain('json-schema-to-ts');
    expect([...types].map(typesOf).filter((name) => !(name in pkg.dependencies))).toEqual([]);
    const pluginTypes = importedPackages(['build/plugin.d.ts'], DTS_IMPORT);
    expect([...pluginTypes].map(typesOf).filter((name) => !(name in pkg.dependencies))).toEqual(['esbuild']);
  });

  it('the command line and the dev host import nothing undeclared', () => {
    const used = importedPackages(['cli/main.js', 'cli/commands.js', 'cli/dev.js', 'cli/dlq.js'], JS_IMPORT);
    expect(used).toContain('better-sqlite3');
    expect([...used].filter((name) => !declared.has(name))).toEqual([]);
  });
});
