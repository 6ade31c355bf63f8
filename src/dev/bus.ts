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

/** A handler with no `sources` listens on the bus, as does one that declares `{ type: 'bus' }`. */
export function listensOnBus(fn: BusFunction): boolean {
  const sources = fn.handler.definition.sources ?? [];
  return sources.length === 0 || sources.some((s) => s.type === 'bus');
}

export function createBus(store: Store, onTrace: (trace: TraceRecord) => void) {
  let listeners: BusFunction[] = [];
  let index: RuleIndex = compileRuleIndex([]);
  let unfiltered = new Set<string>();

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
        matched: unfiltered.has(fn.name) || matched.has(fn.name),
      }));
      store.accept(event, now, routes);
      let received = 0;
      for (const route of routes) {
        if (route.matched) {
          received++;
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
