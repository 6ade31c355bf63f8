/**
 * Merges the generated AWS wiring into a service's configuration (serverless.yml, resolved). What the
 * user wrote by hand stays: a hand-written event that listens to a declared source adds its settings to
 * the generated one; one that contradicts `sources` fails, naming both; resources, environment variables
 * and IAM statements written by hand win over generated ones of the same name.
 */
import { TriggerError } from '../errors.js';
import { isObject } from '../sources/types.js';
import type { FunctionEvent, Resource } from './aws/template.js';
import type { Wiring } from './aws/wiring.js';
import { HAND_WRITTEN_KINDS, identityOf } from './identity.js';

type Json = Record<string, unknown>;

/** The parts of a Serverless service the wiring touches. */
export interface ServiceConfig {
  provider: Json & { iam?: { role?: unknown } };
  functions: Record<string, Json & { events?: FunctionEvent[]; environment?: Json }>;
  resources?: Json & { Resources?: Record<string, Resource> };
}

/** Keys that say what an event listens to: matched by `identityOf` already, so not compared again. */
const IDENTITY_KEYS = new Set([
  'arn',
  'topicName',
  'type',
  'bucket',
  'path',
  'method',
  'logGroup',
  'rate',
  'eventBus',
]);

/** HTTP front doors a hand-written event may choose instead of the generated `httpApi`. */
const HTTP_KINDS = new Set(['http', 'httpApi', 'alb', 'url']);

/** `base` with `over` laid on top, objects merged key by key. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

/**
 * @param declared each function's declared source types (`[]`: it takes every trigger)
 * @throws TriggerError `E_CONFIG` for a hand-written event that contradicts the function's `sources`
 */
export function mergeWiring(
  config: ServiceConfig,
  wiring: Wiring,
  declared: Readonly<Record<string, readonly string[]>>,
): void {
  config.resources ??= {};
  const resources = config.resources.Resources ?? {};
  for (const [id, resource] of Object.entries(wiring.resources)) {
    resources[id] = resources[id] === undefined ? resource : (deepMerge(resource, resources[id]) as Resource);
  }
  config.resources.Resources = resources;

  for (const [key, generated] of Object.entries(wiring.functions)) {
    const fn = config.functions[key];
    if (fn === undefined) continue;
    fn.events = mergeEvents(
      key,
      fn.events ?? [],
      generated.events,
      generated.ownEvents,
      declared[key] ?? [],
      resources,
    );
    fn.environment = { ...generated.environment, ...fn.environment };
    if (generated.destinations !== undefined) fn.destinations ??= generated.destinations;
  }

  if (wiring.statements.length > 0) {
    config.provider.iam ??= {};
    const iam = config.provider.iam as Json;
    if (typeof iam.role === 'string') {
      throw new TriggerError(
        'E_CONFIG',
        `provider.iam.role names a role of your own (${iam.role}), so triggerkit cannot add the statements its queues and tables need; use provider.iam.role.statements instead, or give that role: ${JSON.stringify(wiring.statements)}`,
        { path: 'provider.iam.role' },
      );
    }
    iam.role ??= {};
    const role = iam.role as Json;
    const statements = Array.isArray(role.statements) ? role.statements : [];
    role.statements = [...statements, ...wiring.statements];
  }
}

function mergeEvents(
  key: string,
  hand: readonly FunctionEvent[],
  generated: readonly FunctionEvent[],
  own: number,
  declared: readonly string[],
  resources: Readonly<Record<string, Resource>>,
): FunctionEvent[] {
  const out = [...generated];
  const kept: FunctionEvent[] = [];
  const handChoosesHttp = hand.some((e) => HTTP_KINDS.has(Object.keys(e)[0] ?? ''));
  const ids = generated.map((e) => identityOf(e, resources));
  for (const [i, event] of hand.entries()) {
    const kind = Object.keys(event)[0] ?? '';
    const where = `functions.${key}.events[${i}]`;
    const identity = identityOf(event, resources) ?? kind;
    if (declared.length === 0) {
      kept.push(event);
      continue;
    }
    const needs = HAND_WRITTEN_KINDS[kind] ?? (HTTP_KINDS.has(kind) ? ['http'] : undefined);
    if (needs !== undefined && kind !== 'httpApi') {
      if (!needs.some((type) => declared.includes(type))) throw undeclared(where, identity, declared);
      kept.push(event);
      continue;
    }
    const match = ids.indexOf(identity);
    if (match !== -1) {
      out[match] = mergeEvent(where, identity, out[match] ?? {}, event);
      continue;
    }
    const sameKind = ids.slice(own).filter((id) => id?.split(' ')[0] === kind);
    if (sameKind.length === 0) throw undeclared(where, identity, declared);
    throw new TriggerError(
      'E_CONFIG',
      `${where} listens to ${identity}, but the handler's sources say ${sameKind.join(', ')}: change the source in the handler, or remove the event (triggerkit generates it from sources).`,
      { path: where },
    );
  }
  const events = handChoosesHttp
    ? out.filter((e) => Object.keys(e)[0] !== 'httpApi' || hand.includes(e))
    : out;
  return [...events, ...kept];
}

function mergeEvent(
  where: string,
  identity: string,
  generated: FunctionEvent,
  hand: FunctionEvent,
): FunctionEvent {
  const [kind = ''] = Object.keys(hand);
  const g = generated[kind];
  const h = hand[kind];
  if (!isObject(g) || !isObject(h)) return generated;
  for (const [setting, value] of Object.entries(h)) {
    if (IDENTITY_KEYS.has(setting)) continue;
    if (setting in g && JSON.stringify(g[setting]) !== JSON.stringify(value)) {
      throw new TriggerError(
        'E_CONFIG',
        `${where} (${identity}) sets ${setting} to ${JSON.stringify(value)}, but the handler's definition gives ${JSON.stringify(g[setting])}: set it in the handler (its sources or filter), the one place triggerkit reads it from, and remove it here.`,
        { path: `${where}.${kind}.${setting}` },
      );
    }
  }
  return { [kind]: { ...h, ...g } };
}

function undeclared(where: string, identity: string, declared: readonly string[]) {
  return new TriggerError(
    'E_CONFIG',
    `${where} (${identity}) is no source the handler declares (${declared.join(', ')}), so the handler would refuse its events: add it to the handler's sources, or remove the event.`,
    { path: where },
  );
}
