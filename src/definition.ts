/** The shape of `defineHandler`'s argument, and its validation and compilation at definition time. */
import type { Context as LambdaContext } from 'aws-lambda';
import type { CloudEvent } from './cloud-event.js';
import {
  type IdempotencyOptions,
  type ResolvedIdempotency,
  resolveIdempotency,
} from './delivery/idempotency.js';
import { type ResolvedRetryPolicy, type RetryPolicy, resolveRetryPolicy } from './delivery/policy.js';
import type { RetryPresetName } from './delivery/presets.js';
import { isTriggerError, TriggerError } from './errors.js';
import { compilePattern, type Matcher, type PatternDialect } from './rules/compile-pattern.js';
import type { FcContext } from './runtime/alibaba-fc/context.js';
import type { EventTracing } from './runtime/observe/tracing.js';
import { compileSchema, type DataValidator } from './schema/compile.js';
import type { ParsedSetting, Setting } from './sources/catalog-row.js';
import {
  DECLARATION_KEYS,
  DECLARED_TYPES,
  declarationCheck,
  type KeyRule,
  type SourceDeclaration,
} from './sources/declarations.js';
import { validateHttpSourceOptions } from './sources/http/options.js';
import type { Transport } from './sources/types.js';
import { compileTransform, type Transform, type TransformSpec } from './transforms/compile.js';

/** A trigger a handler accepts. A handler that declares no `sources` listens on the emulator's bus. */
export type { SourceDeclaration } from './sources/declarations.js';

/** What the handler gets besides the event. */
export interface HandlerContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The record identity (SQS messageId, HTTP request id…). */
  readonly ref: string;
  /** The transport that delivered the event: a source kind (`aws:sqs`…), or the emulator's `bus`. */
  readonly transport: Transport;
  /**
   * For HTTP transports: the request, with lower-case header names, and the `{name}` values of the
   * declared path it matched (`/orders/{id}` → `{ id: '42' }`, percent-decoded; `{}` without variables).
   */
  readonly http?: {
    method: string;
    path: string;
    query: string;
    headers: Readonly<Record<string, string>>;
    pathParameters: Readonly<Record<string, string>>;
  };
  /**
   * The Lambda context (a stand-in offline). In Function Compute, a Lambda-shaped view of FC's context
   * (function name, request id, memory, time left), so code written against it runs there unchanged.
   */
  readonly lambda: LambdaContext;
  /** Function Compute's own context (request id, credentials, function, region, account), in FC only. */
  readonly fc?: FcContext;
}

/** An EventBridge event pattern. */
export type EventPattern = Record<string, unknown>;

/**
 * A handler definition: which events, shaped how, validated against what, retried how.
 */
export interface HandlerDefinition<
  TData = unknown,
  TResult = unknown,
  TSchema extends object | string = object | string,
> {
  /** Names the handler in traces and dead letters. Defaults to the emulator's function name. */
  name?: string;
  description?: string;
  sources?: SourceDeclaration[];
  /** EventBridge event pattern over the CloudEvent (attributes at the top, payload under `data`). */
  filter?: EventPattern;
  filterDialect?: PatternDialect;
  transform?: TransformSpec;
  /**
   * Validates `data` (after the transform): a JSON Schema object, a path to a .json file, 'registry'
   * (the schema registry, by CloudEvents type) or a Standard Schema validator (zod, valibot…).
   * See docs/schemas.md.
   */
  schema?: TSchema;
  /** A policy, or a preset name: 'lambda-async', 'eventbridge-target', 'alibaba-backoff', 'alibaba-exponential-decay'. */
  retry?: RetryPolicy | RetryPresetName;
  /**
   * Where dead letters go: a queue name (the emulator's), or in AWS an SQS queue URL. In AWS the
   * `TRIGGERKIT_DLQ_URL` environment variable, when set, wins. See docs/delivery.md.
   */
  deadLetter?: { queue: string };
  /**
   * Ordered batches (Kinesis, DynamoDB Streams, Kafka, FIFO SQS): after a record's in-process retries,
   * `'block'` (the default) stops the batch there so the platform redelivers it and what follows, in
   * order; `'dead-letter'` sends its envelope to the dead-letter queue and goes on with the next record.
   */
  onError?: OnError;
  /**
   * An event that completed is not handed to the handler again within `ttl` (default key: CloudEvents
   * `source` + `id`). Stores: SQLite in the emulator, DynamoDB in AWS (`TRIGGERKIT_IDEMPOTENCY_TABLE`),
   * memory in `invoke`. See docs/delivery.md.
   */
  idempotency?: IdempotencyOptions;
  /**
   * Traces each attempt in Lambda and FC (and wherever the handler runs): `openTelemetry()` from
   * `triggerkit/otel` makes an OpenTelemetry span per attempt, parented on the event's `traceparent`.
   * See docs/observability.md.
   */
  tracing?: EventTracing;
  /** Receives each event that passed the filter, the transform and the schema (so `data` is `TData`). */
  handle(
    event: CloudEvent<TData> & { readonly data: TData },
    ctx: HandlerContext,
  ): TResult | Promise<TResult>;
}

/** What an ordered batch does with a record that failed: Alibaba's `ErrorsTolerance` NONE / ALL. */
export type OnError = 'block' | 'dead-letter';

/** A definition checked and compiled once: what the pipeline runs. */
export interface CompiledDefinition {
  readonly name: string | undefined;
  readonly sources: readonly SourceDeclaration[];
  readonly matcher: Matcher | undefined;
  readonly transform: Transform | undefined;
  readonly validate: DataValidator | undefined;
  readonly retry: ResolvedRetryPolicy;
  readonly deadLetter: { readonly queue: string } | undefined;
  readonly onError: OnError;
  readonly idempotency: ResolvedIdempotency | undefined;
  readonly tracing?: EventTracing;
  readonly handle: (event: CloudEvent, ctx: HandlerContext) => unknown;
}

const KEYS = [
  'name',
  'description',
  'sources',
  'filter',
  'filterDialect',
  'transform',
  'schema',
  'retry',
  'deadLetter',
  'onError',
  'idempotency',
  'tracing',
  'handle',
] as const;

/** Validates a definition and compiles its stages. Throws `TriggerError` (`E_CONFIG`, `E_RULE_INVALID`, …). */
export function compileDefinition(definition: HandlerDefinition): CompiledDefinition {
  if (typeof definition !== 'object' || definition === null) {
    throw config('', 'defineHandler expects an object such as { handle(event) { … } }');
  }
  const label = typeof definition.name === 'string' ? `handler "${definition.name}"` : 'handler';
  for (const key of Object.keys(definition)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      const near = KEYS.find((k) => k.toLowerCase() === key.toLowerCase() || k.startsWith(key.slice(0, 4)));
      throw config(
        key,
        `${label}: unknown key \`${key}\`${near ? `; did you mean \`${near}\`?` : ''} Valid keys: ${KEYS.join(', ')}`,
      );
    }
  }
  if (typeof definition.handle !== 'function') {
    throw config(
      'handle',
      `${label}: \`handle\` is missing; add handle(event, ctx) { … } to receive the CloudEvents`,
    );
  }
  if (
    definition.name !== undefined &&
    (typeof definition.name !== 'string' || !/^[\w.-]{1,64}$/.test(definition.name))
  ) {
    throw config(
      'name',
      `${label}: \`name\` must be 1-64 letters, digits, '.', '_' or '-', got ${JSON.stringify(definition.name)}`,
    );
  }
  if (definition.deadLetter !== undefined && typeof definition.deadLetter?.queue !== 'string') {
    throw config('deadLetter', `${label}: \`deadLetter\` must be { queue: '<queue name>' }`);
  }
  if (definition.onError !== undefined && !['block', 'dead-letter'].includes(definition.onError)) {
    throw config(
      'onError',
      `${label}: \`onError\` must be 'block' (stop an ordered batch at a failed record, the default) or 'dead-letter' (dead-letter it and go on), got ${JSON.stringify(definition.onError)}`,
    );
  }
  if (definition.tracing !== undefined && typeof definition.tracing?.attempt !== 'function') {
    throw config(
      'tracing',
      `${label}: \`tracing\` must be an event tracer such as openTelemetry() from 'triggerkit/otel'`,
    );
  }
  const filter = definition.filter;
  if (filter !== undefined && (typeof filter !== 'object' || filter === null || Array.isArray(filter))) {
    throw config(
      'filter',
      `${label}: \`filter\` must be an event pattern object such as { type: ['com.shop.order.created'] }`,
    );
  }
  const { idempotency, transform } = definition;
  return Object.freeze({
    name: definition.name,
    sources: Object.freeze(checkSources(definition.sources, label)),
    matcher:
      filter === undefined
        ? undefined
        : naming(label, () =>
            compilePattern(filter, { dialect: definition.filterDialect ?? 'aws', cloudEventKeys: true }),
          ),
    transform: transform === undefined ? undefined : naming(label, () => compileTransform(transform)),
    validate: definition.schema === undefined ? undefined : compileSchema(definition.schema),
    retry: naming(label, () => resolveRetryPolicy(definition.retry)),
    deadLetter: definition.deadLetter && Object.freeze({ queue: definition.deadLetter.queue }),
    onError: definition.onError ?? 'block',
    idempotency: idempotency === undefined ? undefined : naming(label, () => resolveIdempotency(idempotency)),
    ...(definition.tracing !== undefined && { tracing: definition.tracing }),
    handle: definition.handle as CompiledDefinition['handle'],
  });
}

/**
 * Runs a stage's own validator (retry, idempotency, HTTP source options, a stage `triggerkit build` left
 * out) and prefixes the handler's label to an `E_CONFIG` it throws. Those validators know only the option
 * path; naming the handler here, in one place, gives every definition error the same `handler "…": `
 * start without threading the handler through modules that are also used on their own.
 */
function naming<T>(label: string, compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    if (!isTriggerError(error) || error.code !== 'E_CONFIG') throw error;
    throw new TriggerError('E_CONFIG', `${label}: ${error.message}`, {
      path: error.path,
      details: error.details,
      cause: error,
    });
  }
}

function checkSources(sources: unknown, label: string): SourceDeclaration[] {
  if (sources === undefined) return [];
  if (!Array.isArray(sources))
    throw config(
      'sources',
      `${label}: \`sources\` must be an array such as [{ type: 'http', path: '/hook' }]`,
    );
  return sources.map((s: unknown, i) => {
    const where = `sources[${i}]`;
    const source = s as Record<string, unknown>;
    if (typeof s !== 'object' || s === null)
      throw config(where, `${label}: \`${where}\` must be an object with a \`type\``);
    if (!DECLARED_TYPES.includes(source.type as string)) {
      throw config(
        `${where}.type`,
        `${label}: \`${where}.type\` must be one of ${DECLARED_TYPES.join(', ')}; got ${JSON.stringify(source.type)}`,
      );
    }
    if (source.type === 'http')
      return Object.freeze({
        ...naming(label, () => validateHttpSourceOptions(source, where)),
        type: 'http',
      }) as SourceDeclaration;
    const keys = DECLARATION_KEYS[source.type as string] ?? {};
    for (const [key, value] of Object.entries(source)) {
      if (key === 'type') continue;
      if (!Object.hasOwn(keys, key)) {
        const names = Object.keys(keys);
        throw config(
          `${where}.${key}`,
          `${label}: unknown key \`${where}.${key}\` for a ${String(source.type)} source; ${names.length > 0 ? `it takes ${names.join(', ')}` : 'it takes no other keys'}`,
        );
      }
      const problem = keyProblem(keys[key], value);
      if (problem !== undefined)
        throw config(
          `${where}.${key}`,
          `${label}: \`${where}.${key}\` must be ${problem === 'name' ? `a non-empty string naming the ${key}, e.g. { type: '${String(source.type)}', ${key}: 'orders' }` : problem}; got ${JSON.stringify(value)}`,
        );
    }
    for (const [key, rule] of Object.entries(keys)) {
      if (!isRequired(rule) || Object.hasOwn(source, key)) continue;
      throw config(
        `${where}.${key}`,
        `${label}: \`${where}\` needs \`${key}\`, e.g. { type: '${String(source.type)}', ${key}: '${rule.example}' }`,
      );
    }
    const problem = declarationCheck(source.type as string)?.(source);
    if (problem !== undefined) throw config(where, `${label}: \`${where}\`: ${problem}`);
    return Object.freeze({ ...source }) as SourceDeclaration;
  });
}

/** A key every declaration of its type must give (`aws:schedule`'s `expression`). */
const isRequired = (rule: KeyRule): rule is ParsedSetting =>
  rule !== undefined && !Array.isArray(rule) && (rule as Setting).kind === 'parsed';

/** What `value` should have been for a declaration key (`name`: a non-empty string), or undefined if it is. */
function keyProblem(rule: KeyRule, value: unknown): string | undefined {
  if (rule === undefined) return typeof value === 'string' && value !== '' ? undefined : 'name';
  if (Array.isArray(rule))
    return rule.includes(value as string) ? undefined : rule.map((v) => `'${v}'`).join(' or ');
  const setting = rule as Setting;
  if (setting.kind === 'boolean') return typeof value === 'boolean' ? undefined : 'true or false';
  if (setting.kind === 'parsed') return setting.check(value);
  return Number.isInteger(value) && (value as number) >= setting.min && (value as number) <= setting.max
    ? undefined
    : `a whole number of ${setting.unit} from ${setting.min} to ${setting.max}`;
}

function config(path: string, message: string): TriggerError {
  return new TriggerError('E_CONFIG', `${message}.`, { path });
}
