/** One readable line per event and handler: id, type, handler, outcome, milliseconds. */
import { describeError } from '../errors.js';
import type { TraceRecord } from '../runtime/hooks.js';

export function formatTraceLine(trace: TraceRecord): string {
  const { outcome } = trace;
  const detail =
    outcome.status === 'failed'
      ? ` (${outcome.stage}, ${outcome.retryable ? 'retryable' : 'not retryable'}: ${describeError(outcome.error).message})`
      : outcome.status === 'delivered' && outcome.duplicate
        ? ' (duplicate: completed within the idempotency ttl, not handled again)'
        : '';
  return `trace ${trace.event.id} ${trace.event.type} → ${trace.handler} ${outcome.status} ${trace.ms.toFixed(1)}ms${detail}`;
}
