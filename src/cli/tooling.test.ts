import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingTool, toolingMissingMessage, toolingPackages } from './tooling.js';

/** The error Node's ESM loader throws for a package that is not installed, exactly as it words it. */
const notFound = (specifier: string) =>
  Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/node_modules/x.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });

describe('missingTool', () => {
  it("knows the tools as triggerkit's optional peers", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect([...toolingPackages()].sort()).toEqual(Object.keys(pkg.peerDependencies).sort());
    expect(toolingPackages()).toContain('better-sqlite3');
  });

  it('names a tool the import could not find, scoped or not', () => {
    expect(missingTool(notFound('better-sqlite3'))).toBe('better-sqlite3');
    expect(missingTool(notFound('@aws-sdk/client-sqs'))).toBe('@aws-sdk/client-sqs');
    const required = Object.assign(new Error("Cannot find module 'esbuild/lib/main.js'\nRequire stack:"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(missingTool(required)).toBe('esbuild');
  });

  it("leaves every other error alone: a runtime dependency, the project's own file, a tool's own dependency", () => {
    expect(missingTool(notFound('ajv'))).toBeUndefined();
    expect(missingTool(notFound('bindings'))).toBeUndefined();
    const ownFile = Object.assign(
      new Error("Cannot find module '/app/src/esbuild' imported from /app/src/handler.ts"),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
    expect(missingTool(ownFile)).toBeUndefined();
    expect(missingTool(new Error("Cannot find package 'esbuild' imported from x"))).toBeUndefined();
    expect(missingTool(undefined)).toBeUndefined();
  });
});

it('says what needs the tools, which one is missing and the install command, in one line', () => {
  expect(toolingMissingMessage('triggerkit dev', 'better-sqlite3')).toBe(
    'triggerkit dev needs the development tools (better-sqlite3 is not installed): npm install --save-dev triggerkit-dev',
  );
});
