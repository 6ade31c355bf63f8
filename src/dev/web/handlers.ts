/**
 * The web UI's handlers page and send form, as data: each function with its sources and live triggers,
 * filter, schema, retry policy and delivery counts; and for each source kind a handler declares, the
 * sample payload the event generator starts from (`triggerkit generate-event`).
 */
import { resolveRetryPolicy } from '../../delivery/policy.js';
import { kindsOf } from '../../sources/declarations.js';
import { isGeneratedKind } from '../../testing/generate/index.js';
import { SAMPLES } from '../../testing/generate/samples.js';
import { listensOnBus } from '../bus.js';
import { handlerNameOf } from '../function-names.js';
import type { EmulatorFunction } from '../run-delivery.js';

export interface HandlerInfo {
  readonly name: string;
  readonly handler: string;
  readonly listensTo: string;
  readonly bus: boolean;
  readonly sources: readonly unknown[];
  readonly filter: unknown;
  readonly schema: unknown;
  readonly retry: unknown;
  readonly deadLetter: unknown;
  readonly counts: Readonly<Record<string, number>>;
}

export function describeHandlers(
  functions: readonly EmulatorFunction[],
  listensTo: (fn: EmulatorFunction) => string,
  counts: Map<string, Record<string, number>>,
): HandlerInfo[] {
  return functions.map((fn) => {
    const definition = fn.handler.definition;
    let retry: unknown;
    try {
      retry = resolveRetryPolicy(definition.retry);
    } catch (error) {
      retry = { error: (error as Error).message };
    }
    return {
      name: fn.name,
      handler: handlerNameOf(fn),
      listensTo: listensTo(fn),
      bus: listensOnBus(fn),
      sources: definition.sources ?? [{ type: 'bus' }],
      filter: definition.filter ?? null,
      schema: describeSchema(definition.schema),
      retry,
      deadLetter: definition.deadLetter ?? null,
      counts: counts.get(fn.name) ?? {},
    };
  });
}

/** A JSON Schema as it is; a file by its path; a Standard Schema validator (zod, valibot) by its vendor. */
function describeSchema(schema: unknown): unknown {
  if (schema === undefined) return null;
  const standard = (schema as { '~standard'?: { vendor?: string } })['~standard'];
  if (standard !== undefined) return `a ${standard.vendor ?? 'Standard Schema'} validator`;
  return typeof schema === 'string' || typeof schema === 'object' ? schema : String(schema);
}

export interface SendChoice {
  /** `bus`, or the source kind (`aws:sqs`) `POST /sources/<kind>` takes. */
  readonly kind: string;
  readonly label: string;
  /** The functions it reaches. */
  readonly functions: readonly string[];
  /** The sample: a whole CloudEvent for the bus, the record's data for a source kind. */
  readonly sample: unknown;
}

/** What the send form offers: the bus (when a function listens there) and every kind a handler declares. */
export function sendChoices(functions: readonly EmulatorFunction[], now: number): SendChoice[] {
  const choices: SendChoice[] = [];
  const onBus = functions.filter(listensOnBus).map((fn) => fn.name);
  const cloudevent = SAMPLES.find((s) => s.name === 'cloudevents')?.defaults ?? {};
  choices.push({
    kind: 'bus',
    label: 'the bus (POST /events, a CloudEvent)',
    functions: onBus,
    sample: {
      specversion: '1.0',
      id: `ui-${now.toString(36)}`,
      source: cloudevent.source ?? '/shop/orders',
      type: cloudevent.type ?? 'com.example.order.created',
      datacontenttype: 'application/json',
      data: cloudevent.data ?? {},
    },
  });
  const byKind = new Map<string, string[]>();
  for (const fn of functions)
    for (const source of fn.handler.definition.sources ?? [])
      for (const kind of kindsOf(source.type))
        if (isGeneratedKind(kind)) byKind.set(kind, [...(byKind.get(kind) ?? []), fn.name]);
  for (const [kind, names] of byKind) {
    const sample = SAMPLES.find((s) => s.name === kind);
    choices.push({
      kind,
      label: `${kind}: ${sample?.description ?? 'raw event'}`,
      functions: [...new Set(names)],
      sample: sample?.defaults.data ?? {},
    });
  }
  return choices;
}
