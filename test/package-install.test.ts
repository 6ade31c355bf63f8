/**
 * `npm install triggerkit` for a Lambda-only project: the packed tarball in an empty project holds no
 * development tool and stays under 10 MB; a handler type-checks against the published types and runs
 * with node; the command line names the missing tool in one line; `triggerkit/esbuild` needs only
 * esbuild; every shipped source map carries its sources.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture } from './support/fixtures.js';
import { bytesUnder, installPacked, packTriggerkit } from './support/packed.js';
import { ROOT } from './support/processes.js';

const HANDLER = `import { defineHandler, NonRetryableError } from 'triggerkit';

const orderSchema = {
  type: 'object',
  required: ['orderId', 'total'],
  properties: { orderId: { type: 'string' }, total: { type: 'number', minimum: 0 } },
} as const;

export const handler = defineHandler({
  name: 'orders',
  sources: [{ type: 'aws:sqs', queue: 'shop-orders' }],
  schema: orderSchema,
  async handle(event) {
    // @ts-expect-error the schema makes \`total\` a number: the published types infer it (an \`any\` would not fail)
    const wrong: string = event.data.total;
    if (event.data.total > 1000) throw new NonRetryableError(\`order \${event.data.orderId} is too large \${wrong}\`);
    return { reserved: event.data.orderId };
  },
});
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    strict: true,
    skipLibCheck: false,
    outDir: 'out',
    // A Node.js project has @types/node; it is taken from the repository so the install stays triggerkit's.
    typeRoots: [join(ROOT, 'node_modules/@types')],
    types: ['node'],
  },
  files: ['handler.ts'],
};

const LAMBDA_CONTEXT = "{ functionName: 'orders', getRemainingTimeInMillis: () => 3000 }";
const scratch = mkdtempSync(join(tmpdir(), 'tk-package-install-'));
const project = join(scratch, 'app');
const node = (args: string[]) =>
  spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', timeout: 120_000 });
// tsc over a project, esbuild with a probe: seconds alone, and a busy test run can multiply them.
const SLOW = 150_000;

beforeAll(async () => {
  mkdirSync(project);
  await installPacked(project, packTriggerkit(scratch));
  writeFileSync(join(project, 'handler.ts'), HANDLER);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  writeFileSync(join(project, 'batch.json'), JSON.stringify(fixture('sqs/orders-batch.json')));
}, SLOW);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('installs no development tool, in under 10 MB', () => {
  const lock = JSON.parse(readFileSync(join(project, 'node_modules/.package-lock.json'), 'utf8'));
  const installed = Object.keys(lock.packages).map((path) => path.replace(/^.*node_modules\//, ''));
  const { peerDependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  expect(installed.filter((name) => name in peerDependencies)).toEqual([]);
  expect(installed).toContain('ajv');
  expect(installed.length).toBeLessThan(20);
  expect(bytesUnder(join(project, 'node_modules'))).toBeLessThan(10_000_000);
});

it(
  'type-checks a Lambda-only handler against the published types, and runs it with node',
  () => {
    const tsc = node([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const run = node([
      '--input-type=module',
      '-e',
      `const { handler } = await import('./out/handler.js');
     const batch = JSON.parse((await import('node:fs')).readFileSync('batch.json', 'utf8'));
     process.stdout.write(JSON.stringify(await handler(batch, ${LAMBDA_CONTEXT})));`,
    ]);
    expect(run.stderr).toBe('');
    // ord-1003 sends its total as a string: the schema refuses it, and only it is reported failed.
    expect(JSON.parse(run.stdout)).toEqual({
      batchItemFailures: [{ itemIdentifier: '9f5b4e3c-7d8a-4b0f-9c2d-3e4f5a6b7c8d' }],
    });
  },
  SLOW,
);

it(
  'has the command line name the missing tool and the install command in one line, without a stack',
  () => {
    const cli = node([join(project, 'node_modules/triggerkit/bin/triggerkit.js'), 'dev', '--port', '0']);
    expect(cli.stderr).toBe(
      'triggerkit dev needs the development tools (citty is not installed): npm install --save-dev triggerkit-dev\n',
    );
    expect(cli.status).toBe(2);
  },
  SLOW,
);

it(
  'bundles with triggerkit/esbuild when esbuild is the only tool installed',
  () => {
    symlinkSync(join(ROOT, 'node_modules/esbuild'), join(project, 'node_modules/esbuild'));
    const build = node([
      '--input-type=module',
      '-e',
      `const esbuild = await import('esbuild');
     const { triggerkitPlugin } = await import('triggerkit/esbuild');
     await esbuild.build({ entryPoints: ['handler.ts'], outfile: 'bundle/handler.mjs', bundle: true,
       platform: 'node', format: 'esm', minify: true, logLevel: 'error', plugins: [triggerkitPlugin()] });
     const { handler } = await import('./bundle/handler.mjs');
     const batch = JSON.parse((await import('node:fs')).readFileSync('batch.json', 'utf8'));
     process.stdout.write(JSON.stringify(await handler(batch, ${LAMBDA_CONTEXT})));`,
    ]);
    expect(build.stderr).toBe('');
    expect(JSON.parse(build.stdout).batchItemFailures).toHaveLength(1);
    const bundle = readFileSync(join(project, 'bundle/handler.mjs'), 'utf8');
    expect(bundle).not.toContain('addMetaSchema'); // precompiled validators, not ajv's compiler
  },
  SLOW,
);

it('ships source maps that carry their sources', () => {
  const dist = join(project, 'node_modules/triggerkit/dist');
  const maps = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js.map'));
  expect(maps.length).toBeGreaterThan(100);
  for (const file of maps) {
    const map = JSON.parse(readFileSync(join(dist, file), 'utf8'));
    expect(map.sourcesContent?.length, file).toBe(map.sources.length);
    expect(
      map.sourcesContent.every((text: unknown) => typeof text === 'string' && text.length > 0),
      file,
    ).toBe(true);
  }
});
