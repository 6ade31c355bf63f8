/**
 * The contract suite on Function Compute: the same recorded Alibaba events through the Lambda bundle,
 * the FC bundle (the event as a `Buffer`, FC's context), the emulator called both ways, and `invoke`
 * from triggerkit/testing must give the handler identical CloudEvents and end in identical outcomes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invoke } from 'triggerkit/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildForFc, buildForLambda } from '../src/build/bundle.js';
import { type DevServer, startDev } from '../src/cli/dev.js';
import { functionsFromServerless } from '../src/cli/project.js';
import type { TriggerHandler } from '../src/define-handler.js';
import { createLocalFcContext } from '../src/runtime/alibaba-fc/context.js';
import { createLocalContext } from '../src/runtime/aws-lambda/context.js';
import type { TraceRecord } from '../src/runtime/hooks.js';
import { observed } from './support/observed.js';
import { ROOT } from './support/processes.js';

// The Alibaba EventBridge rule's targets: a whole event (ORIGINAL) and a JSONPATH part checked by a schema.
const functions = functionsFromServerless(`${ROOT}/serverless.yml`, ROOT).filter((fn) =>
  ['ossArchive', 'ossImport'].includes(fn.name),
);

let dev: DevServer;
const lambdaBundles = new Map<string, TriggerHandler>();
const fcBundles = new Map<string, TriggerHandler>();

beforeAll(async () => {
  for (const [build, bundles, outdir] of [
    [buildForLambda, lambdaBundles, '.triggerkit/test-contract-fc/lambda'],
    [buildForFc, fcBundles, '.triggerkit/test-contract-fc/fc'],
  ] as const) {
    for (const b of await build(ROOT, functions, outdir))
      bundles.set(b.name, (await import(pathToFileURL(b.outfile).href)).handler);
  }
  dev = await startDev({ root: ROOT, functions, port: 0, watch: false, stateDir: ':memory:', log: () => {} });
}, 120_000);
afterAll(() => dev?.stop());

async function throughLambda(name: string, bytes: Buffer) {
  const traces: TraceRecord[] = [];
  const context = createLocalContext({
    functionName: name,
    requestId: 'contract',
    hooks: { observe: (t) => traces.push(t) },
  });
  const response = await (lambdaBundles.get(name) as TriggerHandler)(
    JSON.parse(bytes.toString('utf8')),
    context,
  );
  return observed(response, traces);
}

async function throughFc(name: string, bytes: Buffer) {
  const traces: TraceRecord[] = [];
  const context = createLocalFcContext({
    functionName: name,
    requestId: 'contract',
    hooks: { observe: (t) => traces.push(t) },
  });
  // As FC calls it: the bytes, and FC's context (which the handler tells by its shape).
  const response = await (fcBundles.get(name) as TriggerHandler)(bytes, context as never);
  return observed(response, traces);
}

async function throughEmulator(name: string, raw: unknown, platform: 'aws-lambda' | 'alibaba-fc') {
  const result = await dev.emulator.invoke(name, raw, platform);
  return observed(result.response, result.traces);
}

async function throughTesting(name: string, bytes: Buffer) {
  const entry = functions.find((f) => f.name === name);
  const module = await import(`${ROOT}/${entry?.entry}`);
  const result = await invoke(module[entry?.exportName ?? 'handler'], JSON.parse(bytes.toString('utf8')));
  return observed(result.response, result.traces);
}

describe.each([
  ['ossArchive', 'upload-imports.json'],
  ['ossImport', 'upload-imports.json'],
  ['ossImport', 'delete-imports.json'],
])('%s with %s', (name, file) => {
  it('gives identical CloudEvents and outcomes in Lambda, Function Compute, the emulator and invoke', async () => {
    const bytes = readFileSync(join(ROOT, 'examples/alibaba-eventbridge/events', file));
    const lambda = await throughLambda(name, bytes);
    expect(lambda.outcomes.length).toBeGreaterThan(0);
    const fc = await throughFc(name, bytes);
    expect(fc.outcomes).toEqual(lambda.outcomes);
    expect(await throughEmulator(name, bytes, 'alibaba-fc')).toEqual(fc);
    expect(await throughEmulator(name, JSON.parse(bytes.toString('utf8')), 'aws-lambda')).toEqual(lambda);
    expect(await throughTesting(name, bytes)).toEqual(lambda);
  });
});

/**
 * Issue 19: on FC, as on Lambda, the bundle logs one JSON line per event outcome — on by default, as FC
 * sets `FC_FUNCTION_NAME` — with the same events and outcomes as the traces of the Lambda run.
 */
describe("the FC bundle's log lines", () => {
  beforeAll(() => {
    process.env.FC_FUNCTION_NAME = 'ossImport';
  });
  afterAll(() => {
    delete process.env.FC_FUNCTION_NAME;
  });

  it.each(['upload-imports.json', 'delete-imports.json'])(
    '%s: one JSON line per event outcome',
    async (file) => {
      const bytes = readFileSync(join(ROOT, 'examples/alibaba-eventbridge/events', file));
      const written: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        written.push(String(chunk));
        return true;
      });
      try {
        const context = createLocalFcContext({ functionName: 'ossImport', requestId: 'fc-logs' });
        await (fcBundles.get('ossImport') as TriggerHandler)(bytes, context as never);
      } finally {
        spy.mockRestore();
      }
      const lines = written.map((line) => JSON.parse(line) as Record<string, unknown>);
      const traced = (await throughLambda('ossImport', bytes)).outcomes;
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.map((l) => [l.id, l.outcome, l.stage, l.requestId, l.functionName])).toEqual(
        traced.map((o) => [(o.handed as { id: string }).id, o.status, o.stage, 'fc-logs', 'ossImport']),
      );
    },
  );
});
