/** The exact words of the emulator's terminal lines, and when they are coloured. */
import { describe, expect, it } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { deadLetterEnvelope } from '../delivery/dead-letter.js';
import type { Outcome } from '../delivery/outcome.js';
import { NonRetryableError } from '../errors.js';
import type { TraceRecord } from '../runtime/hooks.js';
import { COLOURED, PLAIN, useColour } from './colour.js';
import { formatDeadLetterLine, formatDelay, formatRefusedLine, formatTraceLine } from './trace-line.js';

const event = createCloudEvent({ id: 'e-7', source: '/shop', type: 'com.shop.order.created', data: {} });
const trace = (outcome: Outcome, ms = 3.14): TraceRecord => ({
  handler: 'orders-queue',
  transport: 'bus',
  ref: 'e-7',
  event,
  outcome,
  ms,
  attempt: 1,
  at: 0,
});
const failed = (error: unknown, stage: 'handler' | 'schema' = 'handler', retryable = true) =>
  trace({ status: 'failed', event, stage, error, retryable });

describe('trace lines', () => {
  it('says delivered and filtered as before', () => {
    expect(formatTraceLine(trace({ status: 'delivered', event, input: event, result: undefined }))).toBe(
      'trace e-7 com.shop.order.created → orders-queue delivered 3.1ms',
    );
    expect(formatTraceLine(trace({ status: 'filtered', event }, 0))).toBe(
      'trace e-7 com.shop.order.created → orders-queue filtered 0.0ms',
    );
  });

  it('says when a failed attempt is tried again, and which attempt that is', () => {
    const line = formatTraceLine(failed(new Error('db down')), {
      where: 'examples/orders-queue/handler.ts:14',
      fate: { retry: { delay: 30_000, attempt: 2, maxAttempts: 3 } },
    });
    expect(line).toBe(
      'trace e-7 com.shop.order.created → orders-queue failed 3.1ms (handler: db down at examples/orders-queue/handler.ts:14) — retry in 30s (attempt 2/3)',
    );
  });

  it('says dead-lettered with the reason on the last attempt, never "retryable"', () => {
    const exhausted = formatTraceLine(failed(new Error('db down')), {
      fate: { deadLettered: 'retries-exhausted', queue: 'orders-dlq' },
    });
    expect(exhausted).toBe(
      'trace e-7 com.shop.order.created → orders-queue failed 3.1ms (handler: db down) — dead-lettered (retries-exhausted), sent to queue orders-dlq',
    );
    const refused = formatTraceLine(failed(new NonRetryableError('empty order'), 'handler', false), {
      fate: { deadLettered: 'non-retryable' },
    });
    expect(refused).toBe(
      'trace e-7 com.shop.order.created → orders-queue failed 3.1ms (handler: empty order) — dead-lettered (non-retryable)',
    );
    expect(`${exhausted}\n${refused}`).not.toMatch(/retryable:|not retryable/);
  });

  it('says what the caller got when a call is not retried here, and redelivery of a blocked batch', () => {
    expect(
      formatTraceLine(failed(new Error('data/total must be number'), 'schema', false), {
        fate: { answered: 'answered 422' },
      }),
    ).toBe(
      'trace e-7 com.shop.order.created → orders-queue failed 3.1ms (schema: data/total must be number) — answered 422',
    );
    expect(formatTraceLine(failed('down'), { fate: { redelivered: "onError: 'block'" } })).toBe(
      "trace e-7 com.shop.order.created → orders-queue failed 3.1ms (handler: down) — redelivered by the trigger (onError: 'block')",
    );
  });

  it('prints a dead letter no attempt led to on a line of its own', () => {
    const envelope = deadLetterEnvelope({
      event,
      reason: 'handler-missing',
      attempts: 0,
      error: new Error('No function "gone" in the emulator any more; known: orders'),
      handler: 'gone',
      firstAttemptAt: 0,
      lastAttemptAt: 0,
    });
    expect(formatDeadLetterLine(envelope)).toBe(
      'trace e-7 com.shop.order.created → gone dead-lettered (handler-missing: No function "gone" in the emulator any more; known: orders)',
    );
  });

  it('prints a refused request with its status, reason and, for a guard code, what to check', () => {
    const request = { method: 'POST', path: '/webhooks/github' };
    expect(
      formatRefusedLine(request, 401, 'X-Hub-Signature-256 does not match the body', 'signature_invalid'),
    ).toBe(
      'refused POST /webhooks/github 401 (X-Hub-Signature-256 does not match the body: check the secret)',
    );
    expect(formatRefusedLine({ method: 'GET', path: '/nowhere' }, 404, 'No route for GET /nowhere.')).toBe(
      'refused GET /nowhere 404 (No route for GET /nowhere)',
    );
    expect(formatRefusedLine(request, 'Unhandled', 'TriggerError: no source')).toBe(
      'failed POST /webhooks/github Unhandled (TriggerError: no source)',
    );
  });

  it('writes delays as people say them', () => {
    expect([250, 1_500, 30_000, 120_000, 90_000, 3_600_000, 3_900_000, 7_199_000].map(formatDelay)).toEqual([
      '250ms',
      '1.5s',
      '30s',
      '2m',
      '1m 30s',
      '1h',
      '1h 5m',
      '2h',
    ]);
  });
});

describe('colour', () => {
  it('colours the status words only when asked', () => {
    const line = formatTraceLine(failed(new Error('db down')), {
      style: COLOURED,
      fate: { retry: { delay: 1_000, attempt: 2, maxAttempts: 3 } },
    });
    expect(line).toContain('\u001b[31mfailed\u001b[39m');
    expect(line).toContain('\u001b[33mretry in 1s\u001b[39m');
    const delivered = trace({ status: 'delivered', event, input: event, result: undefined });
    expect(formatTraceLine(delivered, { style: COLOURED })).toContain('\u001b[32mdelivered\u001b[39m');
    expect(formatTraceLine(trace({ status: 'filtered', event }), { style: COLOURED })).toContain(
      '\u001b[2mfiltered\u001b[22m',
    );
    expect(formatTraceLine(delivered, { style: PLAIN })).not.toContain('\u001b');
  });

  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: true }, { TERM: 'dumb' }, false],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    [{ isTTY: true }, { FORCE_COLOR: '0' }, false],
    [{ isTTY: true }, { FORCE_COLOR: 'false' }, false],
  ])('a stream %o with %o: colour %s', (stream, env, expected) => {
    expect(useColour(stream, env)).toBe(expected);
  });
});
