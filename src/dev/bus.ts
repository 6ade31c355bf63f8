/**
 * The emulator's event bus: which handlers listen, which of them an event matches (one rule-index
 * lookup, not a scan of every handler's filter), and durable acceptance into the store.
 */
import type { CloudEvent } from '../cloud-event.js';
import type { TriggerHandler } from '../define-handler.js';
import { compileRuleIndex, type RuleIndex } from '../rules/rule-index.js';
import type { TraceRecord } from '../runtime/hooks.js';
import type { Store } from './store/store.js';

export interface BusFunction {
  readonly name: string;
  readonly handler: TriggerHandler;
}

/**
 * A handler with no `sources` listens on the bus, as does one that declares `{ type: 'bus' }` or
 * `{ type: 'aws:eventbridge' }`: the emulator's bus is its EventBridge bus too (PutEvents lands there).
 */
export function listensOnBus(fn: BusFunction): boolean {
  const sources = fn.handler.definition.sources ?? [];
  return sources.length === 0 || sources.some((s) => s.type === 'bus' || s.type === 'aws:eventbridge');
}

/**
 * The event sources a listener takes when each way it listens names one — `{ type: 'aws:eventbridge',
 * source: 'com.shop' }` is the rule `{ source: ['com.shop'] }` — else undefined (any source).
 */
function busSources(fn: BusFunction): ReadonlySet<string> | undefined {
  const sources = fn.handler.definition.sources ?? [];
  const sourced: string[] = [];
  for (const s of sources) {
    if (s.type === 'bus' || (s.type === 'aws:eventbridge' && s.source === undefined)) return undefined;
    if (s.type === 'aws:eventbridge' && s.source !== undefined) sourced.push(s.source);
  }
  return sourced.length === 0 ? undefined : new Set(sourced);
}

/**
 * The bus over `store`; `onTrace` hears of each event a listener's filter refuses, `onReceived` of each
 * event a listener will be handed (`--record`).
 */
export function createBus(
  store: Store,
  onTrace: (trace: TraceRecord) => void,
  onReceived?: (event: CloudEvent, fn: string) => void,
) {
  let listeners: BusFunction[] = [];
  let index: RuleIndex = compileRuleIndex([]);
  let unfiltered = new Set<string>();
  let sourced = new Map<string, ReadonlySet<string>>();

  return {
    /** Rebuilds the routing table (at start and after every hot reload). */
    setFunctions(functions: readonly BusFunction[]): void {
      listeners = functions.filter(listensOnBus);
      const filtered = listeners.filter((fn) => fn.handler.definition.filter !== undefined);
      index = compileRuleIndex(
        filtered.map((fn) => ({
          id: fn.name,
          pattern: fn.handler.definition.filter,
          dialect: fn.handler.definition.filterDialect,
        })),
      );
      unfiltered = new Set(
        listeners.filter((fn) => fn.handler.definition.filter === undefined).map((fn) => fn.name),
      );
      sourced = new Map(
        listeners.flatMap((fn) => {
          const sources = busSources(fn);
          return sources === undefined ? [] : [[fn.name, sources] as const];
        }),
      );
    },
    /**
     * Stores the event with one delivery per matching listener (and a `filtered` record for the others),
     * in one transaction, before anyone is told it was accepted. Returns how many functions it matched.
     */
    accept(event: CloudEvent, now: number, only?: string): number {
      const matched = new Set(index.match(event));
      const targets = only === undefined ? listeners : listeners.filter((fn) => fn.name === only);
      const routes = targets.map((fn) => ({
        fn,
        handler: fn.name,
        matched:
          (unfiltered.has(fn.name) || matched.has(fn.name)) &&
          (sourced.get(fn.name)?.has(event.source) ?? true),
      }));
      store.accept(event, now, routes);
      let received = 0;
      for (const route of routes) {
        if (route.matched) {
          received++;
          onReceived?.(event, route.fn.name);
          continue;
        }
        const handler = route.fn.handler.definition.name ?? route.fn.name;
        onTrace({
          handler,
          transport: 'bus',
          ref: event.id,
          event,
          outcome: { status: 'filtered', event },
          ms: 0,
          attempt: 1,
          at: now,
        });
      }
      return received;
    },
    listeners: () => listeners,
  };
}
