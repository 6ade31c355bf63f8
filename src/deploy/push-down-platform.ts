/**
 * What the platform decides with a pushed-down pattern, modelled with our own matcher (event-ruler's
 * semantics) over the event the platform holds — for tests that hold push-down to its promise, and for
 * anyone who wants to see, offline, which records a mapping's filter criteria would let through.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
import { compilePattern } from '../rules/compile-pattern.js';
import { isObject } from '../sources/types.js';
import type { FilterMappingKind } from './push-down.js';

/**
 * Does an EventBridge rule with this EventPattern match the envelope `event`? (The pattern is matched as
 * written, with no renaming of envelope fields: it is nested one level down for that.)
 *
 * @example
 * eventPatternMatches({ 'detail-type': ['Order Placed'] }, { 'detail-type': 'Order Placed', detail: {} }) // true
 */
export function eventPatternMatches(pattern: Record<string, unknown>, event: unknown): boolean {
  return compilePattern({ e: pattern }, { maxPatternLength: Number.POSITIVE_INFINITY }).matches({ e: event });
}

/**
 * Would Lambda hand this record of an event source mapping to the function, given these filter patterns
 * (ORed)? As Lambda documents it: an SQS `body`, a Kinesis `data` (base64) are read as JSON, and a
 * record whose payload is not a JSON object or array fails every pattern that looks into it.
 *
 * @example
 * filterPatternsMatch([{ body: { status: ['paid'] } }], { body: '{"status":"paid"}' }, 'aws:sqs') // true
 */
export function filterPatternsMatch(
  patterns: readonly Record<string, unknown>[],
  record: unknown,
  kind: FilterMappingKind,
): boolean {
  if (!isObject(record)) return false;
  const { view, payloadKey, payload } = filterView(record, kind);
  return patterns.some((pattern) => {
    if (payloadKey !== undefined && Object.hasOwn(pattern, payloadKey) && payload === undefined) return false;
    return eventPatternMatches(pattern, view);
  });
}

interface FilterView {
  readonly view: Record<string, unknown>;
  /** The key holding the record's payload, and the payload as JSON (`undefined`: not JSON). */
  readonly payloadKey?: string;
  readonly payload?: unknown;
}

function filterView(record: Record<string, unknown>, kind: FilterMappingKind): FilterView {
  if (kind === 'aws:sqs') {
    const payload = typeof record.body === 'string' ? jsonOf(record.body) : undefined;
    return { view: { ...record, body: payload }, payloadKey: 'body', payload };
  }
  if (kind === 'aws:kinesis') {
    const kinesis = isObject(record.kinesis) ? record.kinesis : {};
    const text = typeof kinesis.data === 'string' ? Buffer.from(kinesis.data, 'base64').toString('utf8') : '';
    const payload = jsonOf(text);
    return { view: { ...record, ...kinesis, data: payload }, payloadKey: 'data', payload };
  }
  return { view: record };
}

/** The JSON object or array `text` holds; `undefined` for anything else (text, a JSON scalar, broken JSON). */
function jsonOf(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
