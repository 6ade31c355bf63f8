/**
 * What an attempt's trace keeps of its outcome, for `GET /events/<id>` and the web UI's event page: the
 * outcome and duration; for a failure its stage, message, the schema problems by JSON pointer, the stack
 * and where in the user's (source-mapped) code it was thrown; for a transform, what the handler got.
 */
import type { Outcome } from '../delivery/outcome.js';
import { locateError } from './error-location.js';

/** Longest stack and transform result kept, in characters: a trace row stays small. */
const MAX_TEXT = 4_000;

export function outcomeDetail(outcome: Outcome, ms: number): Record<string, unknown> {
  const detail: Record<string, unknown> = { outcome: outcome.status, ms: Math.round(ms * 10) / 10 };
  if (outcome.status === 'delivered') {
    if (outcome.duplicate) detail.duplicate = true;
    // A transform (or a Standard Schema's output) replaced the data: keep what the handler received.
    if (outcome.input !== outcome.event && outcome.input.data !== outcome.event.data)
      detail.input = clip(JSON.stringify(outcome.input.data) ?? 'undefined');
  }
  if (outcome.status !== 'failed') return detail;
  const error = outcome.error as { message?: unknown; stack?: unknown; details?: unknown } | undefined;
  detail.stage = outcome.stage;
  detail.error = String(error?.message ?? outcome.error);
  const problems = schemaProblems(error?.details);
  if (problems !== undefined) detail.problems = problems;
  if (outcome.stage === 'handler' && typeof error?.stack === 'string') {
    detail.stack = clip(error.stack);
    const location = locateError(error);
    if (location !== undefined) detail.location = location;
  }
  return detail;
}

/** The `{ pointer, message }` list a validation error carries (pipeline.ts), if it is one. */
function schemaProblems(details: unknown): { pointer: string; message: string }[] | undefined {
  if (!Array.isArray(details)) return undefined;
  const problems = details.filter(
    (p): p is { pointer: string; message: string } =>
      typeof p?.pointer === 'string' && typeof p?.message === 'string',
  );
  return problems.length > 0 ? problems.map(({ pointer, message }) => ({ pointer, message })) : undefined;
}

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);
