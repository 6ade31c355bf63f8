/** HTTP answers for webhook and CloudEvents-over-HTTP requests, the same from Lambda and the emulator. */

import type { Outcome } from '../../delivery/outcome.js';
import { describeError, type TriggerError } from '../../errors.js';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * One status for the whole request, the most severe outcome winning:
 * delivered → 200 (the handler's return value as the body, when it returns one), filtered → 202,
 * failed and not retryable (invalid data) → 422, failed and retryable → 500 so the sender retries.
 */
export function httpResponse(outcomes: readonly Outcome[]): HttpResponse {
  let statusCode = outcomes.length === 0 ? 202 : 200;
  for (const outcome of outcomes) statusCode = Math.max(statusCode, statusOf(outcome));
  if (outcomes.length === 1 && outcomes[0]?.status === 'delivered' && outcomes[0].result !== undefined) {
    return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(outcomes[0].result) };
  }
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify({ outcomes: outcomes.map(summarize) }) };
}

/** 4xx for a request that could not be read at all; the body names the problem. */
export function malformedRequest(error: TriggerError): HttpResponse {
  const status = (error.details as { status?: number } | undefined)?.status ?? 400;
  return {
    statusCode: status,
    headers: JSON_HEADERS,
    body: JSON.stringify({ error: error.code, message: error.message }),
  };
}

function statusOf(outcome: Outcome): number {
  if (outcome.status === 'delivered') return 200;
  if (outcome.status === 'filtered') return 202;
  return outcome.retryable ? 500 : 422;
}

export function summarize(outcome: Outcome) {
  if (outcome.status !== 'failed') return { id: outcome.event.id, outcome: outcome.status };
  return {
    id: outcome.event.id,
    outcome: outcome.status,
    stage: outcome.stage,
    error: describeError(outcome.error),
  };
}
