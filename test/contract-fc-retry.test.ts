/**
 * The retry half of the contract suite on Function Compute. FC keeps an asynchronous invocation's
 * retries: it calls the function again after a thrown error, at most `maxAsyncRetryAttempts` times (the
 * `asyncInvokeConfig` that `s.yaml` generation writes for the definition), then sends its own record to
 * the on-failure destination. Here that schedule drives the handler as FC calls it (the event as a
 * `Buffer`, FC's context), the record is written in FC's documented shape from the last error, and
 * `deadLettersOfFcRecord` reads it back. Against the emulator's delivery loop, the handler must see the
 * same events the same number of times and the dead letter must be the same envelope, apart from the
 * attempt times — and, where FC cannot be told a failure is final, the attempt count (pinned below).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../src/cloud-event.js';
import { toStructuredJson } from '../src/cloud-event.js';
import { defineHandler } from '../src/define-handler.js';
import type { HandlerDefinition } from '../src/definition.js';
import type { RetryPolicy } from '../src/delivery/policy.js';
import { asyncInvokeConfig } from '../src/deploy/alibaba/retry.js';
import { manualClock } from '../src/dev/clock.js';
import { createEmulator } from '../src/dev/emulator.js';
import { listDeadLetters } from '../src/dev/store/queries.js';
import { NonRetryableError } from '../src/errors.js';
import { createLocalFcContext } from '../src/runtime/alibaba-fc/context.js';
import { deadLettersOfFcRecord } from '../src/runtime/alibaba-fc/destination.js';
import { toCloudEvents } from '../src/sources/index.js';
import { ROOT } from './support/processes.js';

// An OSS upload as Alibaba EventBridge delivers it to a function: FC invokes it asynchronously.
const payload = readFileSync(join(ROOT, 'examples/alibaba-eventbridge/events/upload-imports.json'));
const T0 = Date.parse('2026-01-05T10:00:00Z');

interface Case {
  readonly name: string;
  readonly retry: RetryPolicy;
  readonly schema?: HandlerDefinition['schema'];
  readonly attempt: (call: number) => unknown;
  /** Handler calls, dead-letter reason, and the attempts each side counts in the envelope. */
  readonly expected: {
    calls: number;
    /** Where FC calls the handler more often than the emulator (a failure FC cannot know is final). */
    fcCalls?: number;
    reason?: string;
    emulatorAttempts?: number;
    fcAttempts?: number;
  };
}

const fail = (error: unknown) => {
  throw error;
};

const cases: Case[] = [
  {
    name: 'a handler that fails twice then succeeds',
    retry: { maxAttempts: 5 },
    attempt: (n) => (n <= 2 ? fail(new Error('db down')) : 'ok'),
    expected: { calls: 3 },
  },
  {
    name: 'retries exhausted',
    retry: { maxAttempts: 4, backoff: { type: 'fixed', initialDelay: '10s' } },
    attempt: () => fail(new Error('db down')),
    expected: { calls: 4, reason: 'retries-exhausted', emulatorAttempts: 4, fcAttempts: 4 },
  },
  {
    name: 'the Alibaba backoff preset (4 attempts)',
    retry: 'alibaba-backoff' as unknown as RetryPolicy,
    attempt: () => fail(new Error('db down')),
    expected: { calls: 4, reason: 'retries-exhausted', emulatorAttempts: 4, fcAttempts: 4 },
  },
  {
    // FC retries every failed invocation: it cannot be told that a failure is final.
    name: 'a poison event',
    retry: { maxAttempts: 3 },
    attempt: () => fail(new NonRetryableError('upload has no owner')),
    expected: { calls: 1, fcCalls: 3, reason: 'non-retryable', emulatorAttempts: 1, fcAttempts: 3 },
  },
  {
    name: 'an event its schema refuses',
    retry: { maxAttempts: 2 },
    schema: { type: 'object', required: ['invoice'] },
    attempt: () => 'never called',
    expected: { calls: 0, reason: 'invalid', emulatorAttempts: 1, fcAttempts: 2 },
  },
];

interface Run {
  readonly calls: CloudEvent[];
  readonly deadLetters: Record<string, unknown>[];
}

function handlerFor(c: Case, calls: CloudEvent[], attemptOf: (ctx: { attempt: number }) => number) {
  return defineHandler({
    name: 'imports',
    retry: c.retry,
    ...(c.schema && { schema: c.schema }),
    handle(event, ctx) {
      calls.push(event);
      return c.attempt(attemptOf(ctx));
    },
  });
}

/** FC's asynchronous invocation of the function, then its record sent to the on-failure destination. */
async function throughFc(c: Case): Promise<Run> {
  const calls: CloudEvent[] = [];
  // FC does not tell the function which attempt a call is: count the calls.
  const handler = handlerFor(c, calls, () => calls.length);
  const { maxAsyncRetryAttempts } = asyncInvokeConfig({ retry: c.retry } as never, 'imports-dlq');
  let invocations = 0;
  let last: Error | undefined;
  while (invocations <= maxAsyncRetryAttempts) {
    invocations++;
    const context = createLocalFcContext({ functionName: 'imports-fn', requestId: 'async-1' });
    try {
      await handler(Buffer.from(payload), context as never);
      return { calls, deadLetters: [] };
    } catch (error) {
      last = error as Error;
    }
  }
  const record = {
    timestamp: T0,
    requestContext: {
      requestId: 'async-1',
      functionArn: 'acs:fc:cn-hangzhou:1000000000000000:functions/imports-fn',
      condition: 'UnhandledInvocationError',
      approximateInvokeCount: invocations,
    },
    requestPayload: payload.toString('utf8'),
    responseContext: { statusCode: 200, functionError: 'UnhandledInvocationError' },
    responsePayload: JSON.stringify({
      errorMessage: last?.message,
      errorType: last?.name,
      stackTrace: last?.stack?.split('\n').slice(1) ?? [],
    }),
  };
  const deadLetters = deadLettersOfFcRecord(JSON.parse(JSON.stringify(record)), { handler: 'imports' });
  return { calls, deadLetters: deadLetters.map((e) => JSON.parse(toStructuredJson(e))) };
}

/** The same event through the emulator's bus and delivery loop, on a manual clock. */
async function throughEmulator(c: Case): Promise<Run> {
  const clock = manualClock(T0);
  const calls: CloudEvent[] = [];
  const emulator = createEmulator({
    functions: [{ name: 'imports', handler: handlerFor(c, calls, (ctx) => ctx.attempt) }],
    clock,
    log: () => {},
    onTrace: () => {},
  });
  try {
    for (const { event } of toCloudEvents(JSON.parse(payload.toString('utf8'))).items)
      emulator.publish(event);
    await emulator.runUntilIdle((at) => clock.set(at));
    const deadLetters = listDeadLetters(emulator.store).map((row) =>
      JSON.parse(toStructuredJson(row.envelope)),
    );
    return { calls, deadLetters };
  } finally {
    await emulator.close();
  }
}

/** The attempt times: the one part of an envelope each platform stamps itself. */
const untimed = ({ dlfirstattempt, dllastattempt, ...rest }: Record<string, unknown>) => rest;

describe.each(cases)('$name', (c) => {
  it('calls the handler with the same events, and dead-letters the same envelope, on FC and in the emulator', async () => {
    const fc = await throughFc(c);
    const emulated = await throughEmulator(c);
    expect(emulated.calls).toHaveLength(c.expected.calls);
    expect(fc.calls).toHaveLength(c.expected.fcCalls ?? c.expected.calls);
    // Every call gets the same CloudEvent (one event, retried), on both.
    expect(new Set([...fc.calls, ...emulated.calls].map((e) => JSON.stringify(e))).size).toBe(
      c.expected.calls === 0 ? 0 : 1,
    );
    expect(fc.deadLetters.map((d) => d.dlreason)).toEqual(c.expected.reason ? [c.expected.reason] : []);
    expect(emulated.deadLetters.map((d) => d.dlattempts)).toEqual(
      c.expected.emulatorAttempts ? [c.expected.emulatorAttempts] : [],
    );
    expect(fc.deadLetters.map((d) => d.dlattempts)).toEqual(
      c.expected.fcAttempts ? [c.expected.fcAttempts] : [],
    );
    expect(fc.deadLetters.map((d) => untimed({ ...d, dlattempts: 0 }))).toEqual(
      emulated.deadLetters.map((d) => untimed({ ...d, dlattempts: 0 })),
    );
  });
});

describe('deadLettersOfFcRecord', () => {
  it('says in one line what is missing from a record that is not FC’s', () => {
    expect(() => deadLettersOfFcRecord({ timestamp: 1 })).toThrow(
      /^This is not a Function Compute destination record: requestContext.functionArn is missing\. Pass the JSON/,
    );
  });

  it('takes the function name from an FC 2.0 ARN and the attempts FC counted', () => {
    const [envelope] = deadLettersOfFcRecord({
      timestamp: T0,
      requestContext: {
        requestId: 'r',
        functionArn: 'acs:fc:cn-hangzhou:1:services/shop/functions/imports-fn',
        condition: 'UnhandledInvocationError',
        approximateInvokeCount: 3,
      },
      requestPayload: payload.toString('utf8'),
      responsePayload: '{"errorMessage":"db down","errorType":"Error"}',
    });
    expect(envelope).toMatchObject({
      dlhandler: 'imports-fn',
      dlattempts: 3,
      dlreason: 'retries-exhausted',
      dlerrortype: 'Error',
      dlerror: 'db down',
      dllastattempt: new Date(T0).toISOString(),
    });
  });
});
