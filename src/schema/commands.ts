/**
 * What `triggerkit schema infer` and `triggerkit schema check` do, as functions: recorded events in
 * (raw platform events — an SQS batch, an EventBridge event, an HTTP request — or CloudEvents),
 * normalized with `toCloudEvents`, and a schema or a verdict per event out. No I/O but the registry read.
 */
import type { CloudEvent } from '../cloud-event.js';
import { TriggerError } from '../errors.js';
import { toCloudEvents } from '../sources/index.js';
import { compileJsonSchemas } from './ajv-compiler.js';
import { inferSchema } from './infer.js';
import { ajvProblems, type CompiledValidate, type SchemaProblem } from './problems.js';
import { indexRegistry, readRegistry, rootLabel, TYPE_KEYWORD } from './registry.js';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/**
 * The CloudEvents of recorded events. A JSON array is a list of recorded events (a CloudEvents batch
 * reads the same way). Throws `toCloudEvents`' errors (`E_SOURCE_UNKNOWN`, `E_SOURCE_INVALID`).
 */
export function recordedEvents(recorded: readonly unknown[]): CloudEvent[] {
  return recorded.flatMap((raw) =>
    Array.isArray(raw) ? recordedEvents(raw) : toCloudEvents(raw).items.map((item) => item.event),
  );
}

/**
 * A JSON Schema for the `data` of recorded events, annotated with their CloudEvents type(s), ready to
 * review and drop into the registry (`schemas/<type>.json`).
 *
 * @example
 * inferSchemaFromEvents([sqsBatch])
 * // { $schema: '…draft-07…', 'x-cloudevents-type': 'com.amazonaws.sqs.message', type: 'object', … }
 */
export function inferSchemaFromEvents(events: readonly unknown[]): Record<string, unknown> {
  const list = recordedEvents(events);
  if (list.length === 0) {
    throw new TriggerError('E_CONFIG', 'No events to infer a schema from; pass recorded events.');
  }
  const types = [...new Set(list.map((e) => e.type))];
  const withData = list.filter((e) => e.data !== undefined);
  return {
    $schema: DRAFT_07,
    [TYPE_KEYWORD]: types.length === 1 ? types[0] : types,
    description: `Inferred by triggerkit schema infer from ${withData.length} event(s) with data; review before use.`,
    ...inferSchema(withData.map((e) => e.data)),
  };
}

/** One inferred schema per CloudEvents type, for writing `schemas/<type>.json` files. */
export function inferSchemasByType(events: readonly unknown[]): Map<string, Record<string, unknown>> {
  const byType = new Map<string, CloudEvent[]>();
  for (const event of recordedEvents(events))
    byType.set(event.type, [...(byType.get(event.type) ?? []), event]);
  return new Map([...byType].map(([type, list]) => [type, inferSchemaFromEvents(list)]));
}

/** The verdict on one recorded event. */
export interface EventCheck {
  readonly id: string;
  readonly type: string;
  /** The registry file that validated it, as shown to the user; undefined when none matched. */
  readonly schema: string | undefined;
  /** Empty when the event is valid. */
  readonly problems: readonly SchemaProblem[];
}

/**
 * Validates recorded events against the registry folder at `registryRoot`, each by its `type` (or
 * `dataschema`), as a handler with `schema: 'registry'` would. An event whose type has no schema fails.
 *
 * @example
 * const { ok, checks } = checkEventsAgainstRegistry([sqsBatch], 'schemas');
 */
export function checkEventsAgainstRegistry(
  events: readonly unknown[],
  registryRoot: string,
): { readonly ok: boolean; readonly checks: readonly EventCheck[] } {
  const entries = readRegistry(registryRoot, 'schema registry');
  const label = rootLabel(registryRoot);
  const validators = compileJsonSchemas(
    entries.map((e) => ({ key: e.file, schema: e.schema, where: `${label}${e.file}` })),
  );
  const find = indexRegistry(
    entries.map((e, i) => ({ ...e, validate: validators[i] as CompiledValidate })),
    label,
  );
  const checks = recordedEvents(events).map((event): EventCheck => {
    const entry = find(event.type, event.dataschema);
    if (typeof entry === 'string') {
      return {
        id: event.id,
        type: event.type,
        schema: undefined,
        problems: [{ pointer: '/', message: entry }],
      };
    }
    const problems = entry.validate(event.data) ? [] : ajvProblems(entry.validate);
    return { id: event.id, type: event.type, schema: `${label}${entry.file}`, problems };
  });
  return { ok: checks.every((c) => c.problems.length === 0), checks };
}
