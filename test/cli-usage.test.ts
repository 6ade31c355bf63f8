/** The command line explains itself: version, help, unknown words refused, one-line errors that name the fix. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from './support/processes.js';

const run = (cwd: string, ...args: string[]) => {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
const inRoot = (...args: string[]) => run(ROOT, ...args);

const empty = mkdtempSync(join(tmpdir(), 'triggerkit-empty-'));
// Projects that import triggerkit live inside the package, where `triggerkit` resolves to itself.
const projects = join(ROOT, '.triggerkit', `test-cli-usage-${process.pid}`);
const project = (name: string, files: Record<string, string>) => {
  const dir = join(projects, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
};
afterAll(() => {
  rmSync(empty, { recursive: true, force: true });
  rmSync(projects, { recursive: true, force: true });
});

const sqsHandler = (queue: string, name = 'handler', head = '') =>
  `import { defineHandler } from 'triggerkit';\n${head}\nexport const ${name} = defineHandler({ sources: [{ type: 'aws:sqs', queue: '${queue}' }], async handle() {} });\n`;

describe('version and help', () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

  it.each(['--version', '-v'])('%s prints the package version', (flag) => {
    expect(run(empty, flag)).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it.each([['help'], ['help', 'dev'], ['dev', '--help'], ['help', 'dlq', 'list']])(
    'triggerkit %s prints usage and exits 0',
    (...args) => {
      const { code, stdout } = run(empty, ...args);
      expect(code).toBe(0);
      expect(stdout).toContain('USAGE');
      if (args.includes('dev')) expect(stdout).toContain('--port');
    },
  );
});

describe('unknown words', () => {
  it('refuses an unknown option with the closest one, before doing anything (exit 2)', () => {
    const { code, stderr } = run(empty, 'dev', '--prot', '3001');
    expect(code).toBe(2);
    expect(stderr).toBe('triggerkit dev: unknown option --prot; did you mean --port?\n');
  });

  it('takes declared options in the --name=value form too', () => {
    const { code, stderr } = run(empty, 'test-pattern', '--pattern={"a":[1]}', '--event', '{"a":1}');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(inRoot('build', '--outdri', 'x')).toMatchObject({
      code: 2,
      stderr: 'triggerkit build: unknown option --outdri; did you mean --outdir?\n',
    });
  });

  it('refuses an unknown command, and an unknown sub-command, with the closest one', () => {
    expect(run(empty, 'dve')).toMatchObject({
      code: 2,
      stderr: 'triggerkit: unknown command dve; did you mean dev? (see triggerkit --help for the commands)\n',
    });
    expect(run(empty, 'dlq', 'lst')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^triggerkit dlq: unknown command lst; did you mean list\? /),
    });
  });
});

describe('everyday failures in one line', () => {
  it.each(['dev', 'build'])(
    '%s with no serverless.yml and no handlers under src/ says what to pass',
    (command) => {
      const { code, stderr } = run(empty, command);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `triggerkit ${command}: no serverless.yml here: pass --handler <file>[:export], or write a serverless.yml, or export a defineHandler from a file under src/\n`,
      );
    },
  );

  it('names a busy port and the way out', async () => {
    const busy: Server = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const { port } = busy.address() as AddressInfo;
    try {
      const { code, stderr } = inRoot(
        'dev',
        '--handler',
        'examples/orders-queue/handler.ts',
        '--state-dir',
        ':memory:',
        '--port',
        String(port),
      );
      expect(code).toBe(2);
      expect(stderr).toBe(
        `triggerkit: E_CONFIG: Port ${port} on 127.0.0.1 is in use (another triggerkit dev?): pass --port 0 for any free port, or stop what uses it.\n`,
      );
    } finally {
      busy.close();
    }
  });

  it('send and replay with no emulator say to start one (exit 1)', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    const url = `http://127.0.0.1:${port}`;
    const fix = `no emulator at ${url}: start one with triggerkit dev (or pass --url)\n`;
    expect(run(empty, 'send', '--type', 'com.example.x', '--url', `${url}/events`)).toMatchObject({
      code: 1,
      stderr: `triggerkit send: ${fix}`,
    });
    expect(run(empty, 'replay', '--from', '2020-01-01T00:00:00Z', '--url', url)).toMatchObject({
      code: 1,
      stderr: `triggerkit replay: ${fix}`,
    });
  });

  it('shows a syntax error and an unresolved import as file:line:col lines, no stack (exit 1)', () => {
    const dir = project('broken', {
      'src/syntax.ts': 'export const y = (;\n',
      'src/missing.ts': "import x from 'no-such-package-here';\nexport const y = x;\n",
    });
    const syntax = run(dir, 'build', '--handler', 'src/syntax.ts');
    expect(syntax).toMatchObject({ code: 1, stderr: 'src/syntax.ts:1:19: Unexpected ";"\n' });
    const missing = run(dir, 'build', '--handler', 'src/missing.ts');
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'src/missing.ts:1:15: Could not resolve "no-such-package-here"\n',
    });
  });
});

describe('build', () => {
  it('finds the defineHandler exports under src/ with no serverless.yml, says so, and prints each handler string', () => {
    const dir = project('discover', {
      'src/orders.ts': sqsHandler('orders'),
      'src/jobs/two.ts': `${sqsHandler('a', 'first')}${sqsHandler('b', 'second').replace(/^import .*\n/, '')}`,
      'src/orders.test.ts': sqsHandler('not-a-function'),
      'src/util.ts': 'export const three = 3;\n',
    });
    const { code, stdout, stderr } = run(dir, 'build');
    expect(stderr).toBe(
      'triggerkit build: no serverless.yml; found 3 handler(s) under src/: two-first (src/jobs/two.ts:first), two-second (src/jobs/two.ts:second), orders (src/orders.ts:handler)\n',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^orders: \.triggerkit\/build\/src\/orders\.mjs \(\d+\.\d KiB\), handler: \.triggerkit\/build\/src\/orders\.handler$/m,
    );
    expect(stdout).toMatch(/^two-second: .*, handler: \.triggerkit\/build\/src\/jobs\/two\.second$/m);
  });

  it('leaves @aws-sdk/* to the runtime unless --bundle-aws-sdk, and --external packages out', () => {
    const dir = project('external', {
      'src/sdk.ts': sqsHandler(
        'q',
        'handler',
        "import { SQSClient } from '@aws-sdk/client-sqs';\nimport { parse } from 'yaml';\nexport const both = [SQSClient, parse];",
      ),
    });
    const bundle = () => readFileSync(join(dir, '.triggerkit/build/src/sdk.mjs'), 'utf8');
    expect(run(dir, 'build').code).toBe(0);
    expect(bundle()).toMatch(/from\s*"@aws-sdk\/client-sqs"/);
    expect(bundle()).not.toMatch(/from\s*"yaml"/);
    expect(run(dir, 'build', '--bundle-aws-sdk', '--external', 'yaml').code).toBe(0);
    expect(bundle()).not.toMatch(/from\s*"@aws-sdk\/client-sqs"/);
    expect(bundle()).toMatch(/from\s*"yaml"/);
  });

  it('builds a webhook whose secret is read from an unset variable; the bundle checks it as it loads', async () => {
    const dir = project('secret', {
      'src/hook.ts': `import { defineHandler } from 'triggerkit';
export const handler = defineHandler({
  sources: [{ type: 'http', path: '/hook', verify: { provider: 'github', secret: process.env.TK_TEST_UNSET_SECRET } }],
  async handle() {},
});
`,
    });
    const { code, stderr } = run(dir, 'build', '--handler', 'src/hook.ts');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const load = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "await import('./.triggerkit/build/src/hook.mjs')"],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(load.status).toBe(1);
    expect(load.stderr).toContain(
      'handler: Expected `sources[0].verify.secret` to be a non-empty secret string (is the environment variable set?), got nothing.',
    );
  });
});
