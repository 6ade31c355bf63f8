/**
 * `triggerkit build --target alibaba-fc` output, loaded in a plain Node process and called as FC calls
 * it — the event as a Buffer (CBOR for Tablestore), FC's context — handles every recorded FC event.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { toCloudEvents } from '../src/sources/index.js';
import { FC_EVENTS, fcEventBytes } from './support/fc-events.js';
import { fixture } from './support/fixtures.js';
import { CLI, ROOT } from './support/processes.js';

const work = mkdtempSync(join(tmpdir(), 'triggerkit-fc-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// FC's Node.js runtime in miniature: import the handler file, call it with the bytes and a context.
const CALLER = `
import { readFileSync } from 'node:fs';
const [bundle, eventsFile] = process.argv.slice(2);
const { handler } = await import(bundle);
const context = {
  requestId: 'c2f5a0e1-4c3b-4d9e-8a10-000000000001',
  credentials: { accessKeyId: 'STS.key', accessKeySecret: 'secret', securityToken: 'token' },
  function: { name: 'fc-all-triggers', handler: 'handler.handler', memory: 512, timeout: 60 },
  region: 'cn-hangzhou',
  accountId: '1649015465570000',
  logger: console,
};
const answers = [];
for (const base64 of JSON.parse(readFileSync(eventsFile, 'utf8'))) {
  answers.push(await handler(Buffer.from(base64, 'base64'), context));
}
process.stdout.write(JSON.stringify(answers));
`;

it('builds an FC bundle (node20, pruned) that a plain Node process calls as FC does, for every trigger', () => {
  const outdir = join(work, 'build');
  const out = execFileSync(
    process.execPath,
    [
      CLI,
      'build',
      '--target',
      'alibaba-fc',
      '--outdir',
      outdir,
      '--handler',
      'test/fixtures/handlers/fc-all-triggers.ts',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(out).toMatch(
    /handler: test\/fixtures\/handlers\/fc-all-triggers\.handler, code: .*build, runtime: nodejs20/,
  );
  const bundle = join(outdir, 'test/fixtures/handlers/fc-all-triggers.mjs');
  expect(statSync(bundle).size).toBeGreaterThan(0);
  const code = readFileSync(bundle, 'utf8');
  // Self-contained (no import of the library), and pruned: the normalizers of the sources it declares
  // are in it, those of sources it does not declare (Kinesis) are not.
  expect(code.match(/import\s*\{[^}]*\}\s*from\s*["']triggerkit["']/)).toBeNull();
  expect(code.includes('is not a Tablestore row change')).toBe(true);
  expect(code.includes('is not a Kinesis record')).toBe(false);

  const eventsFile = join(work, 'events.json');
  writeFileSync(eventsFile, JSON.stringify(FC_EVENTS.map((e) => fcEventBytes(e).toString('base64'))));
  writeFileSync(join(work, 'caller.mjs'), CALLER);
  const answers = JSON.parse(
    execFileSync(process.execPath, [join(work, 'caller.mjs'), bundle, eventsFile], { encoding: 'utf8' }),
  ) as unknown[];

  expect(answers).toHaveLength(FC_EVENTS.length);
  for (const [i, recorded] of FC_EVENTS.entries()) {
    const ids = toCloudEvents(fixture(recorded.path)).items.map((item) => item.event.id);
    const answer = answers[i] as Record<string, unknown>;
    if (recorded.kind === 'alibaba:fc-http') {
      expect(answer).toMatchObject({ statusCode: 200, isBase64Encoded: false });
      expect(JSON.parse(String(answer.body))).toMatchObject({
        id: ids[0],
        function: 'fc-all-triggers',
        region: 'cn-hangzhou',
      });
    } else {
      expect(answer, recorded.path).toEqual({ outcomes: ids.map((id) => ({ id, outcome: 'delivered' })) });
    }
  }
});
