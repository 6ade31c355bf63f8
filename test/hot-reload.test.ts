/** `triggerkit dev` rebuilds a changed handler with esbuild and serves it without restarting. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { post, ROOT, startCli } from './support/processes.js';

const dir = `${ROOT}/.triggerkit/test-hot-reload-${process.pid}`;
const file = `${dir}/handler.ts`;
const source = (reply: string) => `import { defineHandler } from 'triggerkit';
export const handler = defineHandler({
  name: 'hot',
  sources: [{ type: 'http', path: '/hot' }],
  handle: async () => ({ reply: '${reply}' }),
});
`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('serves the new code after the file changes, in the same process', async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, source('first'));
  const dev = startCli(['dev', '--handler', file, '--port', '0', '--state-dir', `${dir}/state`]);
  try {
    const url = (await dev.waitFor(/listening on (http:\/\/[\d.:]+)/))[1] as string;
    expect((await post(`${url}/hot`, '{}', { 'content-type': 'application/json' })).json).toEqual({
      reply: 'first',
    });
    const pid = dev.child.pid;
    writeFileSync(file, source('second'));
    await dev.waitFor(/rebuilt after a change to .*handler\.ts in \d+ms/);
    expect((await post(`${url}/hot`, '{}', { 'content-type': 'application/json' })).json).toEqual({
      reply: 'second',
    });
    expect(dev.child.pid).toBe(pid);
    expect(dev.child.exitCode).toBeNull();
  } finally {
    await dev.stop();
  }
}, 60_000);

it('keeps serving the previous handler when the change does not compile', async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, source('stable'));
  const dev = startCli(['dev', '--handler', file, '--port', '0', '--state-dir', `${dir}/state`]);
  try {
    const url = (await dev.waitFor(/listening on (http:\/\/[\d.:]+)/))[1] as string;
    writeFileSync(file, 'export const handler = defineHandler({ ');
    await dev.waitFor(/rebuild failed, keeping the previous handlers/);
    expect((await post(`${url}/hot`, '{}', { 'content-type': 'application/json' })).json).toEqual({
      reply: 'stable',
    });
  } finally {
    await dev.stop();
  }
}, 60_000);
