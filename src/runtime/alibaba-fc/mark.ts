/**
 * FC reports a thrown error to the destination by its name and message only. A triggerkit error's
 * message gains its code, so the dead letter read back from FC's record (`destination.ts`) says why.
 * A module of its own: the adapter needs this, not the record reader.
 */
import { isTriggerError, TriggerError } from '../../errors.js';

export const MARK = / \[(E_[A-Z_]+)\]$/;

/**
 * The error FC should report for a failed invocation: a triggerkit error's message gains its code, as
 * ` [E_VALIDATION_FAILED]`, so that the dead letter FC writes says why; any other error is FC's as it is.
 */
export function markFinal(error: unknown): unknown {
  if (!isTriggerError(error) || MARK.test(error.message)) return error;
  const marked = new TriggerError(error.code, `${error.message} [${error.code}]`, {
    cause: error.cause,
    path: error.path,
    eventId: error.eventId,
    details: error.details,
  });
  marked.name = error.name;
  if (error.stack !== undefined) marked.stack = error.stack;
  return marked;
}
