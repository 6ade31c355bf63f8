/**
 * The contract suite: the same recorded events through the three runtimes — the Lambda bundle that
 * `triggerkit build` ships, the emulator (`triggerkit dev`), and `invoke` from triggerkit/testing —
 * must give the handler identical CloudEvents and end in identical outcomes and platform responses.
 */
import { pathToFileURL } from 'node:url';
import { invoke } from 'triggerkit/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

/**
 * Issue 19: in the cloud (no runtime observing the attempts) the bundle writes one JSON line per event
 * outcome to stdout, with the emulator trace's fields — checked against the emulator's trace of the
 * same recorded event.
 */
describe("the Lambda bundle's log lines", () => {
  const level = process.env.TRIGGERKIT_LOG_LEVEL;
  beforeAll(() => {
    // As Lambda sets it; the bundle reads its environment at its first unobserved invocation.
    process.env.TRIGGERKIT_LOG_LEVEL = 'info';
  });
  afterAll(() => {
    if (level === undefined) delete process.env.TRIGGERKIT_LOG_LEVEL;
    else process.env.TRIGGERKIT_LOG_LEVEL = level;
  });

  async function linesOf(name: string, raw: unknown): Promise<string[]> {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const handler = lambdaBundles.get(name) as TriggerHandler;
      await handler(raw, createLocalContext({ functionName: name, requestId: 'contract-logs' }));
    } finally {
      spy.mockRestore();
    }
    return written;
  }

  it.each([
    ['ordersQueue', 'sqs/orders-batch.json'],
    ['ordersWebhook', 'apigw-http/order-webhook.json'],
    ['ordersWebhook', 'apigw-http/order-webhook-invalid.json'],
  ])('%s with %s: one valid JSON line per event outcome, as the emulator traces it', async (name, path) => {
    const raw = fixture(path);
    const written = await linesOf(name, raw);
    for (const line of written) expect(line).toMatch(/^\{[^\n]*\}\n$/);
    const lines = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    const emulated = (await dev.emulator.invoke(name, raw)).traces;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines).toHaveLength(emulated.length);
    const fields = (l: Record<string, unknown>) => ({
      id: l.id,
      type: l.type,
      source: l.source,
      outcome: l.outcome,
      attempt: l.attempt,
      stage: l.stage,
      error: (l.error as { message?: string } | undefined)?.message,
    });
    expect(lines.map(fields)).toEqual(
      emulated.map((t) =>
        fields({
          ...t.event,
          outcome: t.outcome.status,
          attempt: t.attempt,
          stage: t.outcome.status === 'failed' ? t.outcome.stage : undefined,
          error: t.outcome.status === 'failed' ? { message: (t.outcome.error as Error).message } : undefined,
        }),
      ),
    );
    for (const line of lines) {
      expect(line).toMatchObject({
        level: line.outcome === 'delivered' || line.outcome === 'filtered' ? 'INFO' : 'ERROR',
        requestId: 'contract-logs',
        durationMs: expect.any(Number),
        handler: expect.any(String),
        transport: expect.any(String),
      });
      expect(new Date(String(line.timestamp)).toISOString()).toBe(line.timestamp);
    }
  });
});
