/**
 * The development tools (the emulator's SQLite and watchers, the bundler, the CLI parser…) are optional
 * peers of triggerkit, so a Lambda-only install stays small; `triggerkit-dev` installs them all. When
 * one is missing, a tooling entry point says so in one line instead of a stack trace.
 */
import { readFileSync } from 'node:fs';

/** The install command that brings every tool; the README's "Install" section says the same. */
export const INSTALL_TOOLS = 'npm install --save-dev triggerkit-dev';

let peers: ReadonlySet<string> | undefined;

/** triggerkit's optional peers, read from its package.json (the one list, which triggerkit-dev mirrors). */
export function toolingPackages(): ReadonlySet<string> {
  if (peers === undefined) {
    // dist/cli/tooling.js and src/cli/tooling.ts both sit two folders below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      peerDependencies?: Record<string, string>;
    };
    peers = new Set(Object.keys(pkg.peerDependencies ?? {}));
  }
  return peers;
}

/**
 * The tool whose absence `error` reports (Node's `ERR_MODULE_NOT_FOUND` for an `import`, `MODULE_NOT_FOUND`
 * for a `require`), or undefined for any other error — a missing file of the project, a tool's own broken
 * install — which keeps its stack.
 *
 * @example
 * await import('./dev.js').catch((error) => { if (missingTool(error) === undefined) throw error; … });
 */
export function missingTool(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return undefined;
  const specifier =
    code === 'ERR_MODULE_NOT_FOUND'
      ? /^Cannot find package '([^']+)' imported from /.exec(message)?.[1]
      : code === 'MODULE_NOT_FOUND'
        ? /^Cannot find module '([^'./][^']*)'/.exec(message)?.[1]
        : undefined;
  if (specifier === undefined) return undefined;
  const [scope = '', name = ''] = specifier.split('/');
  const pkg = scope.startsWith('@') ? `${scope}/${name}` : scope;
  return toolingPackages().has(pkg) ? pkg : undefined;
}

/**
 * The one line for `what` (a command, an entry point) whose tool `pkg` is not installed.
 *
 * @example
 * toolingMissingMessage('triggerkit dev', 'better-sqlite3')
 * // 'triggerkit dev needs the development tools (better-sqlite3 is not installed): npm install --save-dev triggerkit-dev'
 */
export function toolingMissingMessage(what: string, pkg: string): string {
  return `${what} needs the development tools (${pkg} is not installed): ${INSTALL_TOOLS}`;
}
