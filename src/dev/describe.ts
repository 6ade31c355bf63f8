/**
 * What each function listens to in the emulator, said once for the `triggerkit dev` banner and `GET /`:
 * the bus (and EventBridge, whose PutEvents lands there), the paths it declares, and — for every other
 * source, which has no live trigger here — the Invoke API, with the resource the declaration names, or
 * "any" of it when it names none.
 */
import type { TriggerHandler } from '../define-handler.js';
import type { SourceDeclaration } from '../definition.js';
import { DECLARATION_KEYS } from '../sources/declarations.js';
import { methodsOf } from '../sources/http/guards.js';
import type { Route } from './router.js';
import type { Feed } from './triggers/types.js';

function describeSource(source: SourceDeclaration): string {
  if (source.type === 'bus') return 'bus';
  // PutEvents lands on the bus (src/dev/eventbridge/).
  if (source.type === 'aws:eventbridge') return `aws:eventbridge ${source.source ?? 'any source'} (bus)`;
  if (source.type === 'http') return `${methodsOf(source)?.join(',') ?? 'ANY'} ${source.path}`;
  // The declaration's resource is its first key (queue, topic, bucket, stream, table, logGroup, source).
  // A first key that picks among fixed values (an EventBridge `stream`) names no resource when absent.
  const keys = (DECLARATION_KEYS[source.type] ?? {}) as Readonly<Record<string, object>>;
  const key = Object.keys(keys)[0];
  const value = key === undefined ? undefined : (source as Readonly<Record<string, unknown>>)[key];
  const choice = key !== undefined && 'values' in (keys[key] ?? {});
  const resource =
    key === undefined ? '' : typeof value === 'string' ? ` ${key} ${value}` : choice ? '' : ` any ${key}`;
  return `${source.type}${resource} (Invoke API)`;
}

/**
 * One line: `bus`, `POST /webhooks/orders`, `aws:sqs shop-orders` (a live trigger feeds it),
 * `aws:sqs any queue (Invoke API)` (none does: only the Invoke API reaches it).
 */
export function describeSources(
  fn: { name: string; handler: TriggerHandler },
  feeds: readonly Feed[],
): string {
  const sources = fn.handler.definition.sources ?? [];
  if (sources.length === 0) return 'bus';
  return sources
    .map(
      (source) => feeds.find((f) => f.fn === fn.name && f.source === source)?.label ?? describeSource(source),
    )
    .join(', ');
}

/** `POST /events/<id>` from a route's pattern, with its condition and summary. */
export function describeRoute(route: Route): string {
  const path = route.path.replace(/:(\w+)/g, '<$1>').replace(/\*(\w+)/g, '<$1…>');
  const when = route.header === undefined ? '' : ` with ${route.header}`;
  return `${route.method} ${path}${when}: ${route.summary}`;
}
