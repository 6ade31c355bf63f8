/**
 * What happened to each event of an `invoke` result, in words, for the matchers' messages: delivered,
 * a duplicate, filtered (with the first part of the filter the event did not meet), failed at a stage
 * (with the error), dead-lettered, and how often it was retried.
 */
import type { CloudEvent } from '../cloud-event.js';
import type { HandlerDefinition } from '../definition.js';
import type { DeadLetterEnvelope } from '../delivery/dead-letter.js';
import type { Outcome } from '../delivery/outcome.js';
import { compilePattern } from '../rules/compile-pattern.js';
import { envelopeRename } from '../rules/envelope.js';
import type { TraceRecord } from '../runtime/hooks.js';
import { describeValue } from '../sources/kit/describe.js';
import type { InvokeResult } from './index.js';

/** The definition each result was produced with (for the filter's explanation), without widening `InvokeResult`. */
const definitions = new WeakMap<object, HandlerDefinition>();

export function rememberDefinition(result: object, definition: HandlerDefinition): void {
  definitions.set(result, definition);
}

/** One event's story. */
export interface EventStory {
  readonly id: string;
  readonly outcome: Outcome;
  /** Attempts made (1 without retries). */
  readonly attempts: number;
  readonly deadLetter: DeadLetterEnvelope | undefined;
}

/** Each record's last attempt (a record is its ref and event id), in the order the records came. */
export function finalTraces(traces: readonly TraceRecord[]): TraceRecord[] {
  const last = new Map<string, TraceRecord>();
  for (const trace of traces) {
    const key = `${trace.ref}\u0000${trace.event.id}`;
    last.delete(key);
    last.set(key, trace);
  }
  return [...last.values()];
}

export function storiesOf(result: InvokeResult): EventStory[] {
  return finalTraces(result.traces).map((trace) => ({
    id: trace.event.id,
    outcome: trace.outcome,
    attempts: result.attempts.filter((a) => a.id === trace.event.id).length,
    deadLetter: result.deadLetters.find((d) => d.id === trace.event.id),
  }));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : describeValue(error);

/**
 * What happened to the event, as a verb phrase: `was delivered`, `was filtered (the filter did not match:
 * type was "x")`, `failed at schema (…) after 3 attempts and was dead-lettered (retries-exhausted)`.
 */
export function describeStory(story: EventStory, result: InvokeResult): string {
  const { outcome } = story;
  const retried = story.attempts > 1 ? ` after ${plural(story.attempts, 'attempt')}` : '';
  if (outcome.status === 'delivered')
    return outcome.duplicate
      ? 'was a duplicate of an event already handled (idempotency), not handed to the handler'
      : `was delivered${retried}`;
  if (outcome.status === 'filtered')
    return `was filtered (${explainFilter(definitions.get(result), outcome.event)})`;
  const failed = `failed at ${outcome.stage} (${messageOf(outcome.error)})${retried}`;
  const dl = story.deadLetter;
  return dl === undefined ? failed : `${failed} and was dead-lettered (${dl.dlreason})`;
}

/** `it was filtered (…)` for one event, `ord-2 was filtered (…); ord-3 failed at …` for several. */
export function describeStories(stories: readonly EventStory[], result: InvokeResult, all: number): string {
  if (all === 0) return describeEmpty(result);
  const shown = stories.slice(0, 5).map((s) => `${all === 1 ? 'it' : s.id} ${describeStory(s, result)}`);
  return `${shown.join('; ')}${stories.length > 5 ? `; and ${stories.length - 5} more` : ''}`;
}

export { plural };

/** What the invocation did when no event reached the pipeline: the platform's answer or error. */
export function describeEmpty(result: InvokeResult): string {
  if (result.error !== undefined)
    return `no event reached the handler: the invocation threw (${messageOf(result.error)})`;
  const response = result.response as { statusCode?: unknown; body?: unknown } | undefined;
  if (typeof response?.statusCode === 'number')
    return `no event reached the handler: the request was answered ${response.statusCode}${typeof response.body === 'string' && response.body !== '' ? ` ${response.body}` : ''}`;
  return 'no event reached the handler (the input held none)';
}

/**
 * The first part of the handler's filter the event does not meet, and what the event has there:
 * `the filter did not match: type was "x"`.
 */
export function explainFilter(definition: HandlerDefinition | undefined, event: CloudEvent): string {
  const pattern = definition?.filter;
  if (pattern === undefined) return 'the filter did not match';
  const dialect = definition?.filterDialect ?? 'aws';
  const rename = envelopeRename(pattern);
  const miss = firstMiss(pattern, [], (path, value) => {
    const single = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
    try {
      return compilePattern(single, { dialect }).matches(event);
    } catch {
      return true; // a part that means nothing alone (an envelope key beside a CloudEvents one) explains nothing
    }
  });
  if (miss === undefined) return 'the filter did not match';
  const [head, ...rest] = miss;
  const alias = rename?.(head as string);
  const where = alias !== undefined && 'key' in alias ? [alias.key, ...rest] : miss;
  const value = alias !== undefined && 'constant' in alias ? alias.constant : valueAt(event, where);
  return `the filter did not match: ${miss.join('.')} was ${value === undefined ? 'missing' : describeValue(value)}`;
}

/** The path of the first leaf of `pattern` (depth first, `$or` skipped) that `meets` refuses. */
function firstMiss(
  pattern: Readonly<Record<string, unknown>>,
  path: readonly string[],
  meets: (path: readonly string[], leaf: unknown) => boolean,
): string[] | undefined {
  for (const [key, value] of Object.entries(pattern)) {
    if (key.startsWith('$')) continue;
    const at = [...path, key];
    const miss =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? firstMiss(value as Record<string, unknown>, at, meets)
        : meets(at, value)
          ? undefined
          : at;
    if (miss !== undefined) return miss;
  }
  return undefined;
}

function valueAt(event: unknown, path: readonly string[]): unknown {
  let node = event;
  for (const key of path)
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}
