/**
 * Many rules, one pass per event. Each rule is compiled once; each of its `$or`-free alternatives is filed
 * under one *key condition* — the required condition whose lookup is expected to report the fewest
 * alternatives (exact values, ignore-case text, prefixes, suffixes, wildcard literals, numeric intervals,
 * `exists: true`) — within a *partition* when many rules require the same exact top-level value (the
 * rules of one `source`, or one `type`): the key is then chosen among those rules only, and the event's
 * value there picks the one partition to look in. Matching walks only the event paths that some key names,
 * looks each value up (hash, affix index or interval tree), and verifies just the candidates it finds with
 * their compiled trees. The cost per event follows the candidates, not the number of rules. Alternatives with no indexable condition
 * (only `anything-but`, `exists: false`, `cidr`, …) are checked on every event.
 * @see ../../docs/patterns.md#matching-many-rules
 */
import { isTriggerError, TriggerError } from '../errors.js';
import {
  type CompiledPattern,
  type CompilePatternOptions,
  compilePatternBranches,
} from './compile-pattern.js';
import { withResources } from './envelope.js';
import { IndexState } from './index-state.js';
import type { PatternDialect } from './types.js';

/** A rule for the index: an id and an event pattern. */
export interface IndexedRule {
  readonly id: string;
  readonly pattern: unknown;
  /** Overrides the index's dialect for this rule. */
  readonly dialect?: PatternDialect;
}

/** Rules matched together against each event. */
export interface RuleIndex {
  /** Compiles and adds a rule; throws `E_RULE_INVALID` for a bad pattern or an id already present. */
  add(rule: IndexedRule): void;
  /** Removes a rule; false when there was none with that id. */
  remove(id: string): boolean;
  has(id: string): boolean;
  readonly size: number;
  /** Ids of the matching rules, in the order they were added. Never throws on a JSON event. */
  match(event: unknown): string[];
}

/**
 * An empty index to add rules to.
 *
 * @example
 * const index = createRuleIndex();
 * index.add({ id: 'large-orders', pattern: { type: ['order.created'], data: { total: [{ numeric: ['>', 100] }] } } });
 * index.match({ type: 'order.created', data: { total: 250 } }) // ['large-orders']
 */
export function createRuleIndex(options: CompilePatternOptions = {}): RuleIndex {
  const rules = new Map<string, CompiledPattern>();
  let state: IndexState | undefined;
  // Rules written against the EventBridge envelope that name `resources` read the event's resource list.
  let readsResources = false;
  return {
    add(rule) {
      if (typeof rule?.id !== 'string') {
        throw new TriggerError(
          'E_RULE_INVALID',
          'A rule needs a string `id`, such as { id: "orders", pattern: { … } }.',
        );
      }
      if (rules.has(rule.id)) {
        throw new TriggerError(
          'E_RULE_INVALID',
          `Rule "${rule.id}" is already in the index; remove it first or use another id.`,
          {
            details: { ruleId: rule.id },
          },
        );
      }
      const compiled = compileRule(rule, options);
      rules.set(rule.id, compiled);
      readsResources ||= compiled.readsResources;
      state = undefined;
    },
    remove(id) {
      const removed = rules.delete(id);
      if (removed) {
        state = undefined;
        readsResources = [...rules.values()].some((r) => r.readsResources);
      }
      return removed;
    },
    has: (id) => rules.has(id),
    get size() {
      return rules.size;
    },
    match(event) {
      state ??= new IndexState(rules);
      return state.match(readsResources ? withResources(event) : event);
    },
  };
}

/**
 * An index over a list of rules.
 *
 * @example
 * const index = compileRuleIndex([{ id: 'eu', pattern: { data: { currency: ['EUR'] } } }]);
 * index.match({ type: 'order.created', data: { currency: 'EUR' } }) // ['eu']
 */
export function compileRuleIndex(
  rules: readonly IndexedRule[],
  options: CompilePatternOptions = {},
): RuleIndex {
  const index = createRuleIndex(options);
  for (const rule of rules) index.add(rule);
  return index;
}

function compileRule(rule: IndexedRule, options: CompilePatternOptions): CompiledPattern {
  try {
    return compilePatternBranches(rule.pattern, { ...options, dialect: rule.dialect ?? options.dialect });
  } catch (error) {
    if (!isTriggerError(error)) throw error;
    throw new TriggerError('E_RULE_INVALID', `Rule "${rule.id}": ${error.message}`, {
      path: error.path,
      cause: error,
      details: { ruleId: rule.id },
    });
  }
}
