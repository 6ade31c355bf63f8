/**
 * The emulator's terminal lines, one per event and handler attempt, each saying what happens next:
 *
 *     trace 7 com.shop.order.created → orders-queue delivered 3.1ms
 *     trace 7 com.shop.order.created → orders-queue failed 3.1ms (handler: db down at src/orders.ts:14) — retry in 30s (attempt 2/3)
 *     trace 7 com.shop.order.created → orders-queue failed 2.9ms (handler: db down at src/orders.ts:14) — dead-lettered (retries-exhausted)
 *     refused POST /webhooks/github 401 (X-Hub-Signature-256 does not match the body: check the secret)
 *     failed POST /2015-03-31/functions/orders/invocations Unhandled (TriggerError: No known event source matches …)
 *
 * Pure formatting: the words and their order live here, the colours in `colour.ts`.
 */
import type { DeadLetterEnvelope } from '../delivery/dead-letter.js';
import type { Outcome } from '../delivery/outcome.js';
import { describeError } from '../errors.js';
import type { TraceRecord } from '../runtime/hooks.js';
import { PLAIN, type Style } from './colour.js';

/** What became of a failed attempt. */
export type Fate =
  /** Attempt `attempt` of `maxAttempts` runs in `delay` ms. */
  | { readonly retry: { readonly delay: number; readonly attempt: number; readonly maxAttempts: number } }
  /** Dead-lettered with the envelope's `dlreason`; `queue`: also sent to that local queue. */
  | { readonly deadLettered: string; readonly queue?: string }
  /** Left for the trigger to deliver again (an ordered batch that blocks). */
  | { readonly redelivered: string }
  /** Not retried here: the caller was answered (an HTTP status, or the Invoke API's error). */
  | { readonly answered: string };

/** What a line shows beside the trace: where the error was thrown, what happens next. */
export interface LineOptions {
  readonly fate?: Fate;
  /** `src/orders.ts:14`: where the handler threw. */
  readonly where?: string;
  readonly style?: Style;
}

/** One attempt of one event through one handler. */
export function formatTraceLine(trace: TraceRecord, options: LineOptions = {}): string {
  const { outcome } = trace;
  const style = options.style ?? PLAIN;
  const status = styleStatus(outcome.status, style);
  return `${head(trace.event, trace.handler)} ${status} ${trace.ms.toFixed(1)}ms${detail(outcome, options.where)}${next(options.fate, style)}`;
}

/** A dead letter no printed attempt led to (a function that no longer exists, say). */
export function formatDeadLetterLine(
  envelope: DeadLetterEnvelope,
  options: { readonly queue?: string; readonly style?: Style } = {},
): string {
  const style = options.style ?? PLAIN;
  const sent = options.queue === undefined ? '' : `, sent to queue ${options.queue}`;
  return `${head(envelope, envelope.dlhandler)} ${style.bad('dead-lettered')} (${envelope.dlreason}: ${envelope.dlerror})${sent}`;
}

/**
 * A request the emulator did not serve — refused (4xx) on a handler's path, the bus or a route that runs
 * handlers, or failed there (5xx; `Unhandled`: the function threw before any event ran) — with the
 * reason it was given and, for the HTTP sources' guard codes, what to check.
 */
export function formatRefusedLine(
  request: { readonly method: string; readonly path: string },
  status: number | string,
  reason: string,
  code?: string,
  style: Style = PLAIN,
): string {
  const hint = code === undefined ? undefined : HINTS[code];
  const why = reason.replace(/\.$/, '') + (hint === undefined ? '' : `: ${hint}`);
  const word = typeof status === 'number' && status < 500 ? 'refused' : 'failed';
  return `${style.bad(word)} ${request.method} ${request.path} ${status} (${why})`;
}

/** What to check for the refusals of the HTTP sources (`sources/http/guards.ts`, `webhooks/signature.ts`). */
const HINTS: Readonly<Record<string, string>> = {
  signature_invalid: 'check the secret',
  signature_missing: "is the sender set to sign with the source's secret?",
  signature_expired: "check the sender's clock, or resend",
  ip_denied: "see the source's allow.cidrs",
  referer_denied: "see the source's allow.referers",
  origin_denied: "see the source's allow.origins",
  body_too_large: "see the source's maxBodyBytes",
};

const head = (event: { readonly id: string; readonly type: string }, handler: string) =>
  `trace ${event.id} ${event.type} → ${handler}`;

function styleStatus(status: Outcome['status'], style: Style): string {
  if (status === 'delivered') return style.good(status);
  if (status === 'filtered') return style.dim(status);
  return style.bad(status);
}

function detail(outcome: Outcome, where: string | undefined): string {
  if (outcome.status === 'failed') {
    const at = where === undefined ? '' : ` at ${where}`;
    return ` (${outcome.stage}: ${describeError(outcome.error).message}${at})`;
  }
  return outcome.status === 'delivered' && outcome.duplicate
    ? ' (duplicate: completed within the idempotency ttl, not handled again)'
    : '';
}

function next(fate: Fate | undefined, style: Style): string {
  if (fate === undefined) return '';
  if ('retry' in fate) {
    const { delay, attempt, maxAttempts } = fate.retry;
    return ` — ${style.warn(`retry in ${formatDelay(delay)}`)} (attempt ${attempt}/${maxAttempts})`;
  }
  if ('deadLettered' in fate) {
    const sent = fate.queue === undefined ? '' : `, sent to queue ${fate.queue}`;
    return ` — ${style.bad('dead-lettered')} (${fate.deadLettered})${sent}`;
  }
  if ('redelivered' in fate) return ` — ${style.warn('redelivered')} by the trigger (${fate.redelivered})`;
  return ` — ${fate.answered}`;
}

/** `250ms`, `1.5s`, `30s`, `2m`, `1m 30s`, `1h 5m`: a delay as people say it. */
export function formatDelay(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  const seconds = Math.round(ms / 1_000);
  const minutes = Math.round(seconds / 60);
  const [big, unit, small, smallUnit] =
    seconds < 3_600
      ? [Math.floor(seconds / 60), 'm', seconds % 60, 's']
      : [Math.floor(minutes / 60), 'h', minutes % 60, 'm'];
  return small === 0 ? `${big}${unit}` : `${big}${unit} ${small}${smallUnit}`;
}
