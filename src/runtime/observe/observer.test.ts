import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { createCloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { compileDefinition } from '../../definition.js';
import { virtualRuntime } from '../../delivery/attempts.js';
import type { Outcome } from '../../delivery/outcome.js';
import { NonRetryableError } from '../../errors.js';
import { createLocalContext } from '../aws-lambda/context.js';
import { invocationObserver, type ObserverIo } from './observer.js';

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
const XRAY = 'Root=1-6569f2a1-15a8c0b42e1b7f3c9d0a1b2c;Parent=1a2b3c4d5e6f7081;Sampled=1';
const order = createCloudEvent({
  id: 'ord-7',
  source: '/shop',
  type: 'com.shop.order.created',
  data: { total: 12 },
});

// The adapter reads the process's environment once: this file's settings are these.
const saved = { ...process.env };
let lines: string[] = [];
beforeAll(() => {
  process.env.TRIGGERKIT_LOG_LEVEL = 'info';
  process.env._X_AMZN_TRACE_ID = XRAY;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
});
afterAll(() => {
  vi.restoreAllMocks();
  process.env = saved;
});

const parsed = () => {
  const out = lines.map((line) => {
    expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
    return JSON.parse(line) as Record<string, unknown>;
  });
  lines = [];
  return out;
};

function context(options: { retries?: boolean } = {}) {
  const attempts = options.retries ? () => virtualRuntime(T0) : undefined;
  return createLocalContext({
    functionName: 'orders-fn',
    requestId: 'req-1',
    ...(attempts && { hooks: { attempts, now: () => T0 } }),
  });
}

describe('the log lines of the Lambda adapter', () => {
  it('writes one JSON line per record of a batch, with the trace the record carried', async () => {
    let calls = 0;
    const handler = defineHandler({
      name: 'orders',
      sources: [{ type: 'aws:sqs' }],
      handle: () => {
        if (++calls === 2) throw new Error('db down');
      },
    });
    const raw = fixture<{ Records: unknown[] }>('sqs/trace-and-attributes.json');
    await handler(raw, context());
    const [first, second] = parsed();
    expect(first).toMatchObject({
      level: 'INFO',
      outcome: 'delivered',
      handler: 'orders',
      attempt: 1,
      transport: 'aws:sqs',
      ref: '5c1d2e3f-0009-4a5b-8c6d-7e8f9a0b1c2d',
      requestId: 'req-1',
      functionName: 'orders-fn',
      traceparent: '00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01',
      traceId: '5759e988bd862e3fe1be46a994272793',
      xrayTraceId: '1-6569f2a1-15a8c0b42e1b7f3c9d0a1b2c',
    });
    expect(first?.durationMs).toEqual(expect.any(Number));
    expect(Date.parse(String(first?.timestamp))).not.toBeNaN();
    // The second record has no Parent in its X-Ray header: the invocation's trace stands in.
    expect(second).toMatchObject({
      level: 'ERROR',
      outcome: 'failed',
      stage: 'handler',
      retryable: true,
      error: { type: 'Error', message: 'db down', stack: expect.stringContaining('db down') },
      traceparent: '00-6569f2a115a8c0b42e1b7f3c9d0a1b2c-1a2b3c4d5e6f7081-01',
    });
    expect(raw.Records).toHaveLength(2);
  });

  it('says which failures were retried and which were dead-lettered', async () => {
    const flaky = defineHandler({
      name: 'flaky',
      retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '5s' } },
      handle: (_event, ctx) => {
        if (ctx.attempt < 3) throw new Error('db down');
      },
    });
    await flaky(order, context({ retries: true }));
    expect(parsed().map((l) => [l.outcome, l.level, l.attempt, l.retryInMs])).toEqual([
      ['retry-scheduled', 'WARN', 1, 5_000],
      ['retry-scheduled', 'WARN', 2, 5_000],
      ['delivered', 'INFO', 3, undefined],
    ]);
    const poison = defineHandler({
      name: 'poison',
      handle: () => fail(new NonRetryableError('no customer')),
    });
    await poison(order, context({ retries: true }));
    expect(parsed()).toMatchObject([
      {
        outcome: 'dead-lettered',
        level: 'ERROR',
        reason: 'non-retryable',
        id: 'ord-7',
        type: 'com.shop.order.created',
        source: '/shop',
        error: { type: 'NonRetryableError', message: 'no customer', code: 'E_NON_RETRYABLE' },
      },
    ]);
  });

  it('writes nothing under a runtime that traces every attempt itself (the emulator, invoke)', async () => {
    const handler = defineHandler({ name: 'quiet', handle: () => 1 });
    const observed: unknown[] = [];
    const hooks = { observe: (t: unknown) => observed.push(t) };
    await handler(order, createLocalContext({ functionName: 'f', requestId: 'r', hooks }));
    expect(observed).toHaveLength(1);
    expect(lines).toEqual([]);
  });
});

const fail = (error: unknown) => {
  throw error;
};

describe('levels and sampling', () => {
  const lambda = createLocalContext({ functionName: 'f', requestId: 'r' });
  const definition = compileDefinition({ handle: () => 1 });
  const ctx = { attempt: 1, ref: 'ord-7', transport: 'aws:sqs' as const, lambda };
  const delivered: Outcome = { status: 'delivered', event: order, input: order, result: 1 };
  const failed: Outcome = {
    status: 'failed',
    event: order,
    stage: 'handler',
    error: new Error('x'),
    retryable: true,
  };

  function run(env: NodeJS.ProcessEnv, outcomes: Outcome[], random = () => 0.5) {
    const written: string[] = [];
    const io: ObserverIo = { env, write: (line) => written.push(line), random };
    const observer = invocationObserver(definition, undefined, lambda, 'h', io);
    for (const outcome of outcomes) {
      const seen = observer?.forEvent(order, ctx);
      seen?.attempt({ attempt: 1, at: T0, outcome, ms: 1 });
      seen?.end();
    }
    return written.map((line) => JSON.parse(line).outcome);
  }

  it('drops what is below the level', () => {
    expect(run({ TRIGGERKIT_LOG_LEVEL: 'warn' }, [delivered, failed])).toEqual(['failed']);
    expect(run({ TRIGGERKIT_LOG_LEVEL: 'info' }, [delivered, failed])).toEqual(['delivered', 'failed']);
  });

  it('samples successes per event and never drops a failure', () => {
    const env = { TRIGGERKIT_LOG_LEVEL: 'info', TRIGGERKIT_LOG_SAMPLE: '0.1' };
    expect(run(env, [delivered, failed, delivered], () => 0.5)).toEqual(['failed']);
    expect(run(env, [delivered, failed], () => 0.05)).toEqual(['delivered', 'failed']);
    expect(run({ ...env, TRIGGERKIT_LOG_SAMPLE: '0' }, [failed, failed], () => 0)).toEqual([
      'failed',
      'failed',
    ]);
  });

  it('is nothing at all when logging is off and the handler does not trace', () => {
    const io: ObserverIo = { env: { TRIGGERKIT_LOG_LEVEL: 'off' }, write: () => {}, random: Math.random };
    expect(invocationObserver(definition, undefined, lambda, 'h', io)).toBeUndefined();
    expect(invocationObserver(definition, undefined, lambda, 'h', { ...io, env: {} })).toBeUndefined();
  });
});
