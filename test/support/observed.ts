/** What the contract suites compare across runtimes: the platform answer, and per event how it ended. */
import type { TraceRecord } from '../../src/runtime/hooks.js';

export function observed(response: unknown, traces: readonly TraceRecord[]) {
  return {
    response,
    outcomes: traces.map(({ outcome }) => ({
      status: outcome.status,
      handed: outcome.status === 'delivered' ? outcome.input : outcome.event,
      stage: outcome.status === 'failed' ? outcome.stage : undefined,
      retryable: outcome.status === 'failed' ? outcome.retryable : undefined,
      error: outcome.status === 'failed' ? (outcome.error as Error).message : undefined,
    })),
  };
}
