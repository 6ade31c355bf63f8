/**
 * The event an EventBridge-form transform reads. Input transformers are written against the EventBridge
 * envelope (`$.detail.x`, `$.detail-type`, `$.resources[0]`), so a CloudEvent is shown to them as the
 * envelope it would have been — the inverse of what the EventBridge source does when it normalizes an
 * envelope (src/sources/aws/eventbridge.ts) and the same renaming filters use (src/rules/envelope.ts).
 * Anything that is not a CloudEvent (a raw EventBridge event, any JSON) is read as it stands. The
 * reserved variables (`<aws.events.rule-name>`, `<aws.events.event>`, …) are read here too.
 * @see ../../docs/transforms.md#which-event-a-transform-sees
 */

import { TriggerError } from '../errors.js';
import { envelopeResources } from '../rules/envelope.js';
import { MISSING } from './jsonpath.js';

/** What reserved variables need to know about the rule and the delivery. */
export interface TransformContext {
  readonly ruleName?: string;
  readonly ruleArn?: string;
  /** When EventBridge received the event (ISO 8601); defaults to the event's own `time`. */
  readonly ingestionTime?: string | Date;
}

/** EventBridge's predefined variables; no InputPathsMap may define them. */
export const RESERVED_VARIABLES: ReadonlySet<string> = new Set([
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event',
  'aws.events.event.json',
  'aws.events.event.ingestion-time',
]);

/** Reserved variables whose contents are JSON and not escaped: usable only as a JSON field's value. */
export const JSON_ONLY_VARIABLES: ReadonlySet<string> = new Set([
  'aws.events.event',
  'aws.events.event.json',
]);

/** True for a CloudEvent in its JSON shape: an object with its own string `specversion`. */
export function isCloudEventShape(event: unknown): event is Readonly<Record<string, unknown>> {
  return (
    typeof event === 'object' &&
    event !== null &&
    !Array.isArray(event) &&
    Object.hasOwn(event, 'specversion') &&
    typeof (event as Record<string, unknown>).specversion === 'string'
  );
}

/**
 * EventBridge envelope key ← CloudEvent attribute, in EventBridge's own key order. `version` is always "0";
 * `resources` is the list the EventBridge source kept (`awsresources`, else `[subject]`).
 */
const ENVELOPE: readonly (readonly [string, string])[] = [
  ['id', 'id'],
  ['detail-type', 'type'],
  ['source', 'source'],
  ['account', 'awsaccount'],
  ['time', 'time'],
  ['region', 'awsregion'],
];

/**
 * The EventBridge envelope view of a CloudEvent; any other value unchanged.
 *
 * @example
 * eventBridgeView({ specversion: '1.0', id: '1', source: 'shop', type: 'Order Placed', data: { total: 5 } })
 * // → { version: '0', id: '1', 'detail-type': 'Order Placed', source: 'shop', resources: [], detail: { total: 5 } }
 */
export function eventBridgeView(event: unknown): unknown {
  if (!isCloudEventShape(event)) return event;
  const view: Record<string, unknown> = { version: '0' };
  for (const [key, attribute] of ENVELOPE) {
    const value = own(event, attribute);
    if (value !== undefined) view[key] = value;
  }
  view.resources = [...(envelopeResources(event) ?? [])];
  const data = own(event, 'data');
  if (data !== undefined) view.detail = data;
  return view;
}

/**
 * `<aws.events.event>`: the envelope without `detail`. EventBridge spells `detail-type` as `detailType`
 * here and orders the keys its own way (recorded against AWS by LocalStack's parity suite,
 * tests/aws/services/events/test_events_inputs.snapshot.json).
 */
export function eventWithoutDetail(view: unknown): unknown {
  if (typeof view !== 'object' || view === null || Array.isArray(view)) return view;
  const out: Record<string, unknown> = {};
  for (const [from, to] of [
    ['id', 'id'],
    ['account', 'account'],
    ['detail-type', 'detailType'],
    ['time', 'time'],
    ['source', 'source'],
    ['region', 'region'],
    ['resources', 'resources'],
    ['version', 'version'],
  ] as const) {
    const value = own(view, from);
    if (value !== undefined) out[to] = value;
  }
  for (const key of Object.keys(view)) {
    if (key !== 'detail' && key !== 'detail-type' && !Object.hasOwn(out, key)) {
      Object.defineProperty(out, key, { value: own(view, key), enumerable: true, writable: true });
    }
  }
  return out;
}

/** A reserved variable's value for one event, or MISSING (an unknown name, or no rule name given). */
export function reservedVariable(
  name: string,
  view: unknown,
  context: TransformContext | undefined,
): unknown {
  switch (name) {
    case 'aws.events.rule-name':
      return context?.ruleName ?? MISSING;
    case 'aws.events.rule-arn':
      return context?.ruleArn ?? MISSING;
    case 'aws.events.event':
      return eventWithoutDetail(view);
    case 'aws.events.event.json':
      return view;
    case 'aws.events.event.ingestion-time':
      return ingestionTime(context, view);
    default:
      return MISSING;
  }
}

function ingestionTime(context: TransformContext | undefined, view: unknown): unknown {
  const given = context?.ingestionTime;
  if (given instanceof Date) {
    if (Number.isNaN(given.getTime())) {
      throw new TriggerError('E_TRANSFORM_FAILED', '`context.ingestionTime` is an invalid Date', {
        path: 'context.ingestionTime',
      });
    }
    return given.toISOString();
  }
  if (typeof given === 'string') return given;
  const time = typeof view === 'object' && view !== null ? own(view, 'time') : undefined;
  return typeof time === 'string' ? time : MISSING;
}

function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}
