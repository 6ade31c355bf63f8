/**
 * The Debezium change-event envelope, without its normalizer: the Kafka source looks for it in record
 * values, and a direct invoke with one envelope is the `debezium` source.
 */
import { isObject } from '../types.js';
import type { ChangeOp } from './change.js';

const OPS: ReadonlySet<string> = new Set<ChangeOp>(['c', 'u', 'd', 'r', 't', 'm']);
/** Operations whose envelope carries no row image (truncate, logical-decoding message). */
const NO_ROW: ReadonlySet<string> = new Set(['t', 'm']);

/** With `schemas.enable=true` the JSON converter wraps values and keys as `{ schema, payload }`. */
export function unwrapDebezium(value: unknown): unknown {
  return isObject(value) && 'schema' in value && 'payload' in value ? value.payload : value;
}

/**
 * True for a Debezium change-event value: `op` c/u/d/r/t/m, a `source` block naming the `connector`, and
 * `before`/`after` (except for truncate and message events), at the top level or under `payload`.
 */
export function isDebeziumEnvelope(value: unknown): value is Record<string, unknown> {
  const payload = unwrapDebezium(value);
  if (!isObject(payload) || typeof payload.op !== 'string' || !OPS.has(payload.op)) return false;
  if (!isObject(payload.source) || typeof payload.source.connector !== 'string') return false;
  return NO_ROW.has(payload.op) || 'before' in payload || 'after' in payload;
}
