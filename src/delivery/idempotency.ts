/**
 * Idempotency: an event that completed is not handed to the handler again within `ttl`. The key comes
 * from the event (by default CloudEvents `source` + `id`, which producers must keep unique); a store
 * keeps one record per handler and key. The steps, whatever the store:
 *
 * 1. `claim` — no record, or one whose `expiresAt` has passed: the claim is ours (`fresh`) and the
 *    record is in progress until `now + lockMs` (the invocation's time left), so a crashed attempt's
 *    claim can be taken over once it expires. A live in-progress record: `in-progress` (a concurrent
 *    duplicate; the attempt fails retryably). A live completed record: `completed`.
 * 2. The handler runs. It throws: `release` deletes our claim, so a retry runs the handler again.
 * 3. It returns: `complete` marks the record completed until `now + ttl`, with the handler's result.
 *
 * Pure apart from the store and the clock, which are passed in.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#id
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CloudEvent } from '../cloud-event.js';
import { isTriggerError, TriggerError } from '../errors.js';
import { compilePath, MISSING } from '../transforms/jsonpath.js';
import { type Duration, parseDuration } from './policy.js';

/**
 * A handler's idempotency setting.
 *
 * @example
 * idempotency: { key: '$.data.orderId', ttl: '1h' }
 */
export interface IdempotencyOptions {
  /**
   * What makes two events the same: a JSONPath over the CloudEvent (`'$.data.orderId'`), or a function
   * of the event. Default: the CloudEvents `source` and `id`.
   */
  key?: string | ((event: CloudEvent) => string);
  /** How long after it completed an event is recognised as a duplicate: `'1h'`, `'1d'`, or ms. */
  ttl: Duration;
}

export interface ResolvedIdempotency {
  /** The key of an event; throws `E_IDEMPOTENCY_KEY` when the event has none. */
  readonly keyOf: (event: CloudEvent) => string;
  readonly ttl: number;
}

/** A record's state as a claim finds it. */
export type Claim =
  | { readonly status: 'fresh'; readonly token: string }
  | { readonly status: 'in-progress'; readonly expiresAt: number }
  | {
      readonly status: 'completed';
      readonly completedAt: number;
      readonly expiresAt: number;
      /** The handler's result as JSON, when it had one small enough to keep. */
      readonly result?: string;
    };

/** Where idempotency records live: in memory (`invoke`), SQLite (the emulator), DynamoDB (Lambda). */
export interface IdempotencyStore {
  /** Claims `key` for `lockMs` unless a live record holds it (atomically). */
  claim(key: string, now: number, lockMs: number): Promise<Claim>;
  /** Marks the claim completed until `now + ttlMs`. */
  complete(key: string, token: string, now: number, ttlMs: number, result: string | undefined): Promise<void>;
  /** Deletes the claim, if it is still this token's, so a retry may run. */
  release(key: string, token: string): Promise<void>;
}

/** A handler result is kept for duplicates when its JSON is at most this long (DynamoDB items: 400 KB). */
export const MAX_RESULT_CHARS = 65_536;
/** Longer keys are hashed, so any key fits a DynamoDB partition key (2,048 bytes) and an index. */
const MAX_KEY_CHARS = 512;

/**
 * Validates a definition's `idempotency` and compiles its key. Throws `E_CONFIG` naming the option path;
 * `defineHandler` prefixes the handler it belongs to.
 */
export function resolveIdempotency(option: unknown, where = 'idempotency'): ResolvedIdempotency {
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw config(
      where,
      `Expected \`${where}\` to be an object such as { ttl: '1h' } or { key: '$.data.orderId', ttl: '1d' }`,
    );
  }
  const { key, ttl, ...rest } = option as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined)
    throw config(
      `${where}.${extra}`,
      `Unknown key \`${where}.${extra}\`; \`${where}\` takes only \`key\` (what makes two events the same) and \`ttl\` (how long a completed event is remembered)`,
    );
  if (ttl === undefined)
    throw config(
      `${where}.ttl`,
      `\`${where}.ttl\` is missing: say how long a completed event is remembered, e.g. ttl: '1h'`,
    );
  const ms = parseDuration(ttl, `${where}.ttl`);
  if (ms <= 0)
    throw config(
      `${where}.ttl`,
      `Expected \`${where}.ttl\` to be longer than 0, got ${JSON.stringify(ttl)}; say how long a completed event is remembered, e.g. ttl: '1h'`,
    );
  return Object.freeze({ keyOf: compileKey(key, `${where}.key`), ttl: ms });
}

function compileKey(key: unknown, where: string): (event: CloudEvent) => string {
  if (key === undefined) return (event) => JSON.stringify([event.source, event.id]);
  if (typeof key === 'function') {
    return (event) => {
      const value = (key as (event: CloudEvent) => unknown)(event);
      if (typeof value === 'string' && value !== '') return value;
      throw missingKey(
        where,
        event,
        `the key function returned ${describe(value)}; it must return a non-empty string`,
      );
    };
  }
  if (typeof key !== 'string') {
    throw config(
      where,
      `Expected \`${where}\` to be a JSONPath such as '$.data.orderId' or a function (event) => string, got ${describe(key)}`,
    );
  }
  let path: ReturnType<typeof compilePath>;
  try {
    path = compilePath(key, 'aws', where);
  } catch (error) {
    throw config(where, isTriggerError(error) ? error.message.replace(/\.$/, '') : String(error));
  }
  if (!path.definite)
    throw config(
      where,
      `\`${where}\` must name one value; ${JSON.stringify(key)} has a wildcard: use a path to one field such as '$.data.orderId', or a function (event) => string`,
    );
  return (event) => {
    const value = path.read(event);
    if ((typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)))
      return String(value);
    throw missingKey(where, event, `${key} is ${describe(value)}; it must be a non-empty string or a number`);
  };
}

/** The store key of an event for a handler: readable when short, hashed when long. */
export function recordKey(handler: string, key: string): string {
  const full = `${handler}#${key}`;
  return full.length <= MAX_KEY_CHARS
    ? full
    : `${handler}#sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** The handler's result as kept for duplicates: its JSON, when it has one of at most `MAX_RESULT_CHARS`. */
export function storedResult(result: unknown): string | undefined {
  if (result === undefined) return undefined;
  try {
    const json = JSON.stringify(result);
    return json !== undefined && json.length <= MAX_RESULT_CHARS ? json : undefined;
  } catch {
    return undefined; // Not JSON (a cycle, a BigInt): the duplicate's result is undefined.
  }
}

/** A new claim token: `complete` and `release` act only on the claim they were given. */
export const newToken = (): string => randomUUID();

interface MemoryRecord {
  token: string;
  status: 'in-progress' | 'completed';
  completedAt: number;
  expiresAt: number;
  result?: string;
}

/**
 * A store in memory, for one process: what `invoke` uses unless it is given another.
 *
 * @example
 * const store = createMemoryIdempotencyStore();
 * await invoke(handler, raw, { idempotency: store });
 * await invoke(handler, raw, { idempotency: store }); // a duplicate now
 */
export function createMemoryIdempotencyStore(): IdempotencyStore {
  const records = new Map<string, MemoryRecord>();
  return {
    async claim(key, now, lockMs) {
      const record = records.get(key);
      if (record === undefined || record.expiresAt <= now) {
        const token = newToken();
        records.set(key, { token, status: 'in-progress', completedAt: 0, expiresAt: now + lockMs });
        return { status: 'fresh', token };
      }
      if (record.status === 'in-progress') return { status: 'in-progress', expiresAt: record.expiresAt };
      return {
        status: 'completed',
        completedAt: record.completedAt,
        expiresAt: record.expiresAt,
        result: record.result,
      };
    },
    async complete(key, token, now, ttlMs, result) {
      records.set(key, { token, status: 'completed', completedAt: now, expiresAt: now + ttlMs, result });
    },
    async release(key, token) {
      if (records.get(key)?.token === token) records.delete(key);
    },
  };
}

function missingKey(where: string, event: CloudEvent, why: string): TriggerError {
  return new TriggerError(
    'E_IDEMPOTENCY_KEY',
    `Event ${event.id} has no idempotency key: ${why}. Fix \`${where}\`, or make the producer send it.`,
    { path: where, eventId: event.id },
  );
}

function config(path: string, message: string): TriggerError {
  return new TriggerError('E_CONFIG', `${message}.`, { path });
}

function describe(value: unknown): string {
  if (value === undefined || value === MISSING) return 'missing';
  return typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value));
}
