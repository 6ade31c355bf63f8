/**
 * Where a dead letter goes in the emulator, for the delivery loop and the live triggers alike: the
 * store's dead letters (`triggerkit dlq list`) with a `dead-lettered` trace, and — when the handler's
 * `deadLetter.queue` names a local queue — that queue, as the envelope the Lambda adapter sends to SQS.
 * Once committed, the terminal gets its line: the one place every dead letter is printed.
 */
import { randomUUID } from 'node:crypto';
import { toStructuredJson } from '../cloud-event.js';
import type { DeadLetterEnvelope } from '../delivery/dead-letter.js';
import type { TraceRecord } from '../runtime/hooks.js';
import type { EmulatorFunction } from './run-delivery.js';
import type { DeliveryRow, Store } from './store/store.js';
import type { TraceLines } from './trace-lines.js';

/** Where the dead letter is printed: the terminal's lines, and the failed attempt that led to it (one line for both). */
export interface DeadLetterReport {
  readonly lines?: TraceLines;
  readonly failed?: TraceRecord;
}

/**
 * Records the dead letter of a delivery the store holds, in one transaction; `fn` undefined when the
 * function is gone. Returns the local queue the envelope was also sent to, if any.
 */
export function recordDeadLetter(
  store: Store,
  fn: EmulatorFunction | undefined,
  delivery: DeliveryRow,
  envelope: DeadLetterEnvelope,
  report: DeadLetterReport = {},
): string | undefined {
  const at = Date.parse(envelope.dllastattempt);
  const queue = store.transaction(() => {
    store.deadLetter(delivery, envelope, at);
    store.trace(delivery.event, delivery.handler, 'dead-lettered', at, { reason: envelope.dlreason });
    return fn && toDeadLetterQueue(store, fn, envelope, at);
  });
  report.lines?.deadLettered(envelope, report.failed, queue);
  return queue;
}

/**
 * Sends a dead letter to the local queue the handler's `deadLetter.queue` names, when that queue exists,
 * as the Lambda adapter sends it to SQS; returns the queue's name.
 */
function toDeadLetterQueue(
  store: Store,
  fn: EmulatorFunction,
  envelope: DeadLetterEnvelope,
  now: number,
): string | undefined {
  const name = fn.handler.definition.deadLetter?.queue;
  const queue = name === undefined ? undefined : localQueueName(name);
  if (queue === undefined || store.queues.getQueue(queue) === undefined) return undefined;
  const fifo = queue.endsWith('.fifo');
  store.queues.send(queue, toStructuredJson(envelope), {}, now, now, {
    ...(fifo && { groupId: envelope.dlhandler, deduplicationId: randomUUID() }),
  });
  return queue;
}

/** `orders`, `arn:aws:sqs:…:orders` or `http://…/000000000000/orders` → `orders`; a URL elsewhere: none. */
export function localQueueName(nameOrUrl: string): string | undefined {
  if (/^https?:\/\//.test(nameOrUrl)) {
    try {
      const url = new URL(nameOrUrl);
      if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return undefined;
      return url.pathname.split('/').filter(Boolean).at(-1);
    } catch {
      return undefined;
    }
  }
  return nameOrUrl.startsWith('arn:') ? nameOrUrl.slice(nameOrUrl.lastIndexOf(':') + 1) : nameOrUrl;
}
