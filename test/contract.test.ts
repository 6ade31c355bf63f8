/**
 * The contract suite: the same recorded events through the three runtimes — the Lambda bundle that
 * `triggerkit build` ships, the emulator (`triggerkit dev`), and `invoke` from triggerkit/testing —
 * must give the handler identical CloudEvents and end in identical outcomes and platform responses.
 */
import { pathToFileURL } from 'node:url';
import { invoke } from 'triggerkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildForLambda } from '../src/build/bundle.js';
import { type DevServer, startDev } from '../src/cli/dev.js';
import { functionsFromServerless } from '../src/cli/project.js';
import type { TriggerHandler } from '../src/define-handler.js';
import { createLocalContext } from '../src/runtime/aws-lambda/context.js';
import type { TraceRecord } from '../src/runtime/hooks.js';
import { fixture } from './support/fixtures.js';
import { observed } from './support/observed.js';
import { ROOT } from './support/processes.js';

// The functions the suite runs: each bundle is built, and imported through vitest's transform.
const functions = functionsFromServerless(`${ROOT}/serverless.yml`, ROOT).filter((fn) =>
  ['ordersQueue', 'ordersWebhook'].includes(fn.name),
);

let dev: DevServer;
const devTraces: TraceRecord[] = [];
const lambdaBundles = new Map<string, TriggerHandler>();

beforeAll(async () => {
  const built = await buildForLambda(ROOT, functions, '.triggerkit/test-contract');
  for (const b of built) lambdaBundles.set(b.name, (await import(pathToFileURL(b.outfile).href)).handler);
  dev = await startDev({
    root: ROOT,
    functions,
    port: 0,
    watch: false,
    stateDir: ':memory:',
    log: () => {},
    onTrace: (t) => devTraces.push(t),
  });
});
afterAll(() => dev?.stop());

async function throughLambda(name: string, raw: unknown) {
  const traces: TraceRecord[] = [];
  const handler = lambdaBundles.get(name) as TriggerHandler;
  const context = createLocalContext({
    functionName: name,
    requestId: 'contract',
    hooks: { observe: (t) => traces.push(t) },
  });
  return observed(await handler(raw, context), traces);
}

async function throughEmulator(name: string, raw: unknown) {
  const result = await dev.emulator.invoke(name, raw);
  return observed(result.response, result.traces);
}

async function throughTesting(name: string, raw: unknown) {
  const entry = functions.find((f) => f.name === name);
  const module = await import(`${ROOT}/${entry?.entry}`);
  const result = await invoke(module[entry?.exportName ?? 'handler'], raw);
  return observed(result.response, result.traces);
}

describe.each([
  ['ordersQueue', 'sqs/orders-batch.json'],
  ['ordersWebhook', 'apigw-http/order-webhook.json'],
  ['ordersWebhook', 'apigw-http/order-webhook-invalid.json'],
])('%s with %s', (name, path) => {
  it('gives identical CloudEvents, outcomes and responses in Lambda, the emulator and invoke', async () => {
    const raw = fixture(path);
    const lambda = await throughLambda(name, raw);
    expect(lambda.outcomes.length).toBeGreaterThan(0);
    expect(await throughEmulator(name, raw)).toEqual(lambda);
    expect(await throughTesting(name, raw)).toEqual(lambda);
  });
});

describe('a live HTTP request to the emulator', () => {
  it('reaches the handler as the same CloudEvent the recorded Lambda request gives, but for id and time', async () => {
    const recorded = fixture<{ body: string }>('apigw-http/order-webhook.json');
    const lambda = await throughLambda('ordersWebhook', recorded);
    devTraces.length = 0;
    const response = await fetch(`${dev.url}/webhooks/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: recorded.body,
    });
    expect(response.status).toBe(200);
    const live = observed(undefined, devTraces).outcomes[0];
    const { id: _a, time: _b, ...liveEvent } = (live?.handed ?? {}) as Record<string, unknown>;
    const {
      id: _c,
      time: _d,
      ...lambdaEvent
    } = (lambda.outcomes[0]?.handed ?? {}) as Record<string, unknown>;
    expect(liveEvent).toEqual(lambdaEvent);
    expect(live?.status).toBe('delivered');
  });
});
