import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionsFromServerless } from './project.js';

const root = mkdtempSync(join(tmpdir(), 'triggerkit-project-'));
mkdirSync(join(root, 'src'));
writeFileSync(join(root, 'src', 'orders.ts'), 'export const handler = 1;\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const config = (yaml: string) => {
  const path = join(root, 'serverless.yml');
  writeFileSync(path, yaml);
  return path;
};

describe('functionsFromServerless timeouts', () => {
  it('reads each function’s timeout, else the provider’s, in seconds', () => {
    const path = config(
      [
        'provider:',
        '  timeout: 10',
        'functions:',
        '  orders:',
        '    handler: src/orders.handler',
        '    timeout: 3',
        '  other:',
        '    handler: src/orders.handler',
        '  unset:',
        '    handler: src/orders.handler',
        '    timeout: ${self:custom.timeout}',
      ].join('\n'),
    );
    expect(functionsFromServerless(path, root).map((f) => [f.name, f.timeoutMs])).toEqual([
      ['orders', 3_000],
      ['other', 10_000],
      ['unset', 10_000],
    ]);
  });

  it('leaves the timeout unset when the file sets none', () => {
    const path = config('functions:\n  orders:\n    handler: src/orders.handler\n');
    expect(functionsFromServerless(path, root)[0]?.timeoutMs).toBeUndefined();
  });

  it('refuses a timeout that is not a number of seconds, naming where', () => {
    const path = config('functions:\n  orders:\n    handler: src/orders.handler\n    timeout: soon\n');
    expect(() => functionsFromServerless(path, root)).toThrow(
      /functions\.orders\.timeout must be a number of seconds such as 6, got "soon"/,
    );
  });
});
