/**
 * `POST /sources/<kind>`: the raw event that source's platform would send, built around the data given
 * (`generateEvent`), delivered to every function that declares the source — as its live trigger would:
 * through the trigger host (`host.invoke`), so retries, dead letters and ordered-batch blocking are those
 * of live triggers, in batches of the declaration's `batchSize` (else the mapping's default; one message
 * per invocation for SNS, S3, EventBridge and MNS). For sources with no local broker (Kafka, Amazon MQ,
 * RocketMQ, MNS) it is the way in; `triggerkit send --as <kind>` calls it. Answers which functions got it.
 */
import type { SourceDeclaration } from '../definition.js';
import { kindsOf } from '../sources/declarations.js';
import {
  GENERATED_KINDS,
  GENERATORS,
  type GeneratedKind,
  generateEvent,
  isGeneratedKind,
} from '../testing/generate/index.js';
import { functionsNamed, knownFunctions } from './function-names.js';
import { HttpProblem, type Route, type RouteRequest, send } from './router.js';
import type { EmulatorFunction } from './run-delivery.js';
import type { TriggerHost } from './triggers/host.js';

export interface SourceRoutesContext {
  readonly host: TriggerHost;
}

/** What `POST /sources/<kind>` takes. */
export interface SendAsRequest {
  /** The records' data, in order. */
  readonly items: readonly unknown[];
  /** Only this function. */
  readonly to?: string;
  /** The generator's options (`topic`, `queue`, `partition`, `key`…); the resource one also selects functions. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** One function's share: its invocations and the records the handler reported failed. */
export interface Reached {
  readonly function: string;
  readonly invocations: number;
  readonly records: number;
  readonly failed: number;
  /** Records of an ordered batch left undelivered after a failure blocked it. */
  readonly blocked?: number;
  readonly error?: string;
}

const KINDS = GENERATED_KINDS.join(', ');

export function sourceRoutes(context: SourceRoutesContext): Route[] {
  // Kafka offsets of the records sent here grow across calls and restarts: ms × 1000, then a counter.
  let next = 0;
  const offsets = (count: number) => {
    next = Math.max(next, context.host.clock.now() * 1000);
    const first = next;
    next += count;
    return first;
  };
  return [
    {
      method: 'POST',
      path: '/sources/:kind',
      summary: `a generated raw event of a source (${KINDS}) to the functions that declare it`,
      changesState: true,
      accepts:
        'POST /sources/<kind> takes JSON: { "items": [data, …], "to"?: "<function>", "options"?: { "topic": … } }',
      handle: (request) => sendAs(context.host, offsets, request),
    },
  ];
}

/** The source declarations of `fn` that cover `kind` (`aws:kafka` covers both Kafka event sources). */
export function declarationsOf(fn: EmulatorFunction, kind: string): SourceDeclaration[] {
  return (fn.handler.definition.sources ?? []).filter((s) => kindsOf(s.type).some((k) => k === kind));
}

/** `aws:kafka topic orders`, or `aws:kafka` when the declaration names no resource. */
export function describeDeclaration(kind: GeneratedKind, declaration: SourceDeclaration): string {
  const key = GENERATORS[kind].resource;
  const value = key === undefined ? undefined : (declaration as Readonly<Record<string, unknown>>)[key];
  return typeof value === 'string' ? `${declaration.type} ${key} ${value}` : declaration.type;
}

async function sendAs(
  host: TriggerHost,
  offsets: (count: number) => number,
  { params, body, res }: RouteRequest,
): Promise<void> {
  const kind = params.kind ?? '';
  if (!isGeneratedKind(kind))
    throw new HttpProblem(
      404,
      'E_SOURCE_UNKNOWN',
      `No source kind ${JSON.stringify(kind)} to send as; the kinds are ${KINDS}.`,
    );
  const request = readRequest(body);
  const targets = targetsOf(host.functions(), kind, request);
  const reached: Reached[] = [];
  for (const { fn, declaration } of targets)
    reached.push(await deliver(host, offsets, { fn, kind, declaration, request }));
  send(res, 200, { kind, reached });
}

function readRequest(body: Buffer): SendAsRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpProblem(400, 'E_BAD_REQUEST', `The body is not JSON (${(error as Error).message}).`);
  }
  const request = parsed as SendAsRequest;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Array.isArray(request.items) ||
    request.items.length === 0
  )
    throw new HttpProblem(
      400,
      'E_BAD_REQUEST',
      "The body needs `items`: a non-empty array of the records' data.",
    );
  if (request.options !== undefined && (typeof request.options !== 'object' || request.options === null))
    throw new HttpProblem(400, 'E_BAD_REQUEST', '`options` must be an object such as { "topic": "orders" }.');
  return request;
}

/** Every function (or `to`) with a declaration of `kind` that accepts the resource the options name. */
function targetsOf(functions: readonly EmulatorFunction[], kind: GeneratedKind, request: SendAsRequest) {
  const key = GENERATORS[kind].resource;
  const wanted = key === undefined ? undefined : request.options?.[key];
  // Named by its key or its handler's name (function-names.ts).
  const named = request.to === undefined ? functions : functionsNamed(functions, request.to);
  if (request.to !== undefined && named.length === 0)
    throw new HttpProblem(
      404,
      'E_NO_FUNCTION',
      `No function ${JSON.stringify(request.to)} in the emulator; it runs ${knownFunctions(functions)}.`,
    );
  const targets = named.flatMap((fn) => {
    const declaration = declarationsOf(fn, kind).find((d) => {
      const declared = key === undefined ? undefined : (d as Readonly<Record<string, unknown>>)[key];
      return wanted === undefined || declared === undefined || declared === wanted;
    });
    return declaration === undefined ? [] : [{ fn, declaration }];
  });
  if (targets.length > 0) return targets;
  const declaring = functions.flatMap((fn) =>
    declarationsOf(fn, kind).map((d) => `${fn.name} (${describeDeclaration(kind, d)})`),
  );
  const what = `${kind}${wanted === undefined ? '' : ` ${key} ${String(wanted)}`}`;
  const who = request.to === undefined ? 'No function declares' : `${request.to} does not declare`;
  const instead =
    declaring.length > 0
      ? `declaring ${kind}: ${declaring.join(', ')}`
      : `add { type: '${kind}' } to a handler's sources`;
  throw new HttpProblem(404, 'E_NO_FUNCTION', `${who} ${what}; ${instead}.`);
}

interface Delivery {
  readonly fn: EmulatorFunction;
  readonly kind: GeneratedKind;
  readonly declaration: SourceDeclaration;
  readonly request: SendAsRequest;
}

/** The items to one function, a batch per invocation, in order. */
async function deliver(
  host: TriggerHost,
  offsets: (count: number) => number,
  { fn, kind, declaration, request }: Delivery,
): Promise<Reached> {
  const key = GENERATORS[kind].resource;
  const declared = key === undefined ? undefined : (declaration as Readonly<Record<string, unknown>>)[key];
  const size = Number((declaration as { batchSize?: number }).batchSize ?? GENERATORS[kind].perInvocation);
  const ordered = kind === 'aws:kafka' || kind === 'aws:kinesis' || kind === 'aws:dynamodb';
  let invocations = 0;
  let failed = 0;
  let error: string | undefined;
  for (let at = 0; at < request.items.length; at += size) {
    const items = request.items.slice(at, at + size);
    const options: Record<string, unknown> = { ...request.options, items };
    if (key !== undefined && options[key] === undefined && typeof declared === 'string')
      options[key] = declared;
    if (kind === 'aws:kafka')
      options.offset =
        request.options?.offset === undefined ? offsets(items.length) : Number(request.options.offset) + at;
    let raw: unknown;
    try {
      raw = generateEvent(kind, options);
    } catch (problem) {
      throw new HttpProblem(400, 'E_BAD_REQUEST', (problem as Error).message);
    }
    const invocation = await host.invoke(fn, raw, kind);
    invocations++;
    const failures = (invocation.response as { batchItemFailures?: unknown[] } | undefined)
      ?.batchItemFailures;
    failed += failures?.length ?? 0;
    if (invocation.error !== undefined)
      error = String((invocation.error as Error)?.message ?? invocation.error);
    // A stream's failed batch blocks what follows it; with no broker here, nothing redelivers it.
    if (ordered && (failures?.length || error !== undefined)) {
      const blocked = request.items.length - at - items.length;
      return {
        function: fn.name,
        invocations,
        records: at + items.length,
        failed,
        blocked,
        ...(error && { error }),
      };
    }
  }
  return { function: fn.name, invocations, records: request.items.length, failed, ...(error && { error }) };
}
