/**
 * `triggerkit build` writes inside `--outdir` only: it mirrors source paths there, so a handler outside the
 * project root (`../shared/orders.ts`) is refused before anything is built or written.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionFromArgument } from '../cli/project.js';
import { buildForLambda, lambdaOutfile } from './bundle.js';

const workspace = mkdtempSync(join(tmpdir(), 'triggerkit-outdir-'));
const root = join(workspace, 'project');
mkdirSync(join(root, 'src'), { recursive: true });
writeFileSync(join(root, 'src', 'orders.ts'), 'export const handler = async () => ({ ok: true });\n');
mkdirSync(join(workspace, 'shared'), { recursive: true });
writeFileSync(join(workspace, 'shared', 'audit.ts'), 'export const handler = async () => ({ ok: true });\n');

describe('lambdaOutfile', () => {
  it('mirrors a handler under the output directory', () => {
    const fn = functionFromArgument('src/orders.ts', root);
    expect(lambdaOutfile(root, fn, 'dist')).toBe(join(root, 'dist', 'src', 'orders.mjs'));
  });

  it.each([
    ['../shared/audit.ts', 'a handler beside the project'],
    ['src/../../shared/audit.ts', 'a path that climbs out'],
  ])('refuses %s (%s) with one line naming the function', (entry) => {
    const fn = { name: 'audit', entry, exportName: 'handler' };
    expect(() => lambdaOutfile(root, fn, 'dist')).toThrow(
      `Function "audit": its handler ${entry} is outside the project root`,
    );
  });
});

describe('buildForLambda', () => {
  it('writes nothing when one handler is outside the project root', async () => {
    const inside = functionFromArgument('src/orders.ts', root);
    const outside = functionFromArgument('../shared/audit.ts', root);
    await expect(buildForLambda(root, [inside, outside], 'dist')).rejects.toMatchObject({ code: 'E_CONFIG' });
    expect(existsSync(join(workspace, 'shared', 'audit.mjs'))).toBe(false);
    expect(existsSync(join(root, 'shared', 'audit.mjs'))).toBe(false);
    expect(existsSync(join(root, 'dist'))).toBe(false);
  });
});
