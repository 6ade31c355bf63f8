/**
 * Many rules, one pass per event. Each rule is compiled once; each of its `$or`-free alternatives is filed
 * under one *key condition* — the required condition whose lookup is expected to report the fewest
 * alternatives (exact values, ignore-case text, prefixes, suffixes, wildcard literals, numeric intervals,
 * `exists: true`). Matching walks only the event paths that some key names, looks each value up (hash,
 * trie or interval tree), and verifies just the candidates it finds with their compiled trees. The cost per
 * event follows the candidates, not the number of rules. Alternatives with no indexable condition
 * (only `anything-but`, `exists: false`, `cidr`, …) are checked on every event.
 * @see ../../docs/patterns.md#matching-many-rules
 */
import { isTriggerError, TriggerError } from '../errors.js';
import type { HitSink } from './affix-index.js';
import {
  type CompiledPattern,
  type CompilePatternOptions,
  compilePatternBranches,
} from './compile-pattern.js';
import { isIndexable, lookupKey, PathIndex } from './path-index.js';
import {
  buildTree,
  field,
  matchAlibaba,
  matchAws,
  scanArray,
  type TreeInterner,
  type TreeNode,
} from './tree.js';
import type { Condition, PatternDialect, Scalar } from './types.js';

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

interface PathNode {
  readonly key: string;
  readonly guarded: boolean;
  readonly children: PathNode[];
  index: PathIndex | undefined;
  readonly owner: IndexState;
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
      rules.set(rule.id, compileRule(rule, options));
      state = undefined;
    },
    remove(id) {
      const removed = rules.delete(id);
      if (removed) state = undefined;
      return removed;
    },
    has: (id) => rules.has(id),
    get size() {
      return rules.size;
    },
    match(event) {
      state ??= new IndexState(rules);
      return state.match(event);
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

/** The built lookup structures; rebuilt after rules change, on the next match. */
class IndexState implements HitSink {
  private readonly ids: string[] = [];
  /** Per entry (one `$or`-free alternative of a rule): its rule's slot, and what is left to verify. */
  private readonly entrySlot: number[] = [];
  private readonly entryTree: (TreeNode | undefined)[] = [];
  private readonly entryAlibaba: boolean[] = [];
  private readonly unindexed: number[] = [];
  private readonly root: PathNode;
  private readonly entryStamp: Uint32Array;
  private readonly ruleStamp: Uint32Array;
  private epoch = 0;
  private event: unknown;
  /** Slots of the rules matched so far in this event; `count` of them are valid (no `length = 0` resets). */
  private readonly matched: number[] = [];
  private count = 0;

  constructor(rules: ReadonlyMap<string, CompiledPattern>) {
    this.root = { key: '', guarded: false, children: [], index: undefined, owner: this };
    const counts = new Map<string, number>();
    for (const pattern of rules.values()) {
      for (const branch of pattern.branches) {
        for (const c of branch.conditions) {
          const path = pathKey(c.path);
          for (const m of c.matchers) bump(counts, `${path}\u0000${lookupKey(m, pattern.dialect)}`);
          bump(counts, path);
        }
      }
    }
    // Trees left to verify are hash-consed: rules that differ only in their key share one hot tree.
    const interner: TreeInterner = { leaves: new Map(), nodes: new Map() };
    for (const [id, pattern] of rules) {
      const slot = this.ids.push(id) - 1;
      const dialect = pattern.dialect;
      for (const branch of pattern.branches) {
        const entry = this.entrySlot.push(slot) - 1;
        this.entryAlibaba.push(dialect === 'alibaba');
        const key = chooseKey(branch.conditions, dialect, counts);
        let rest = branch.conditions;
        if (key === undefined) this.unindexed.push(entry);
        else {
          const node = this.nodeFor(key.path);
          node.index ??= new PathIndex();
          for (const m of key.matchers) node.index.add(m, dialect, entry);
          if (lookupProves(key, branch.conditions, dialect)) rest = rest.filter((c) => c !== key);
        }
        this.entryTree.push(rest.length === 0 ? undefined : buildTree(rest, dialect, interner));
      }
    }
    buildAll(this.root);
    this.entryStamp = new Uint32Array(this.entrySlot.length);
    this.ruleStamp = new Uint32Array(this.ids.length);
  }

  match(event: unknown): string[] {
    this.count = 0;
    if (Array.isArray(event)) this.matchElements(event);
    else this.collect(event);
    const count = this.count;
    const matched = this.matched;
    if (count === 1) return [this.ids[matched[0] as number] as string];
    const out = new Array<string>(count);
    if (count > 1) {
      const slots = matched.slice(0, count).sort(ascending);
      for (let i = 0; i < count; i++) out[i] = this.ids[slots[i] as number] as string;
    }
    return out;
  }

  /** Adds the slots of the rules matching `event` (not an array) to `matched`. */
  private collect(event: unknown): void {
    if (this.epoch === 0xffffffff) {
      this.entryStamp.fill(0);
      this.ruleStamp.fill(0);
      this.epoch = 0;
    }
    this.epoch++;
    this.event = event;
    walk(this.root, event);
    this.hits(this.unindexed);
    this.event = undefined;
  }

  /** An event that is itself an array matches a rule when one of its elements does (event-ruler). */
  private matchElements(event: readonly unknown[]): void {
    const slots = new Set<number>();
    let seen = false;
    scanArray(event, this, (state, element) => {
      seen = true;
      state.collect(element);
      for (let i = 0; i < state.count; i++) slots.add(state.matched[i] as number);
      state.count = 0;
      return 0;
    });
    if (!seen) this.collect(undefined);
    for (const slot of slots) this.matched[this.count++] = slot;
  }

  /** Verifies candidate entries (each at most once per event, and none of an already matched rule). */
  hits(candidates: readonly number[]): void {
    const epoch = this.epoch;
    for (let i = 0; i < candidates.length; i++) {
      const e = candidates[i] as number;
      if (this.entryStamp[e] === epoch) continue;
      this.entryStamp[e] = epoch;
      const slot = this.entrySlot[e] as number;
      if (this.ruleStamp[slot] === epoch) continue;
      const tree = this.entryTree[e];
      if (
        tree === undefined ||
        (this.entryAlibaba[e] ? matchAlibaba(tree, this.event) : matchAws(tree, this.event))
      ) {
        this.ruleStamp[slot] = epoch;
        this.matched[this.count++] = slot;
      }
    }
  }

  private nodeFor(path: readonly string[]): PathNode {
    let node = this.root;
    for (const key of path) {
      let child = node.children.find((c) => c.key === key);
      if (child === undefined) {
        child = { key, guarded: key in Object.prototype, children: [], index: undefined, owner: this };
        node.children.push(child);
      }
      node = child;
    }
    return node;
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}

/** Visits the values at every indexed path under `node`, through objects and arrays. */
function walk(node: PathNode, value: unknown): void {
  if (typeof value !== 'object' || value === null) {
    if (value !== undefined && node.index !== undefined) node.index.probe(value as Scalar, node.owner);
    return;
  }
  if (Array.isArray(value)) {
    scanArray(value, node, walkElement);
    return;
  }
  for (const child of node.children) walk(child, field(value, child.key, child.guarded));
}

function walkElement(node: PathNode, element: unknown): number {
  walk(node, element);
  return 0;
}

function buildAll(node: PathNode): void {
  node.index?.build();
  for (const child of node.children) buildAll(child);
}

/**
 * Does a hit on the key prove the key condition, so verification can skip it? Only when every lookup is
 * exact (a wildcard is filed under its literal prefix, so it is not), the dialect is aws, and no other
 * condition shares the key's first field: below a shared field, event arrays tie conditions to one element.
 */
function lookupProves(key: Condition, conditions: readonly Condition[], dialect: PatternDialect): boolean {
  if (dialect !== 'aws' || key.matchers.some((m) => m.kind === 'wildcard')) return false;
  if (key.path.length === 1) return true;
  return !conditions.some((c) => c !== key && c.path[0] === key.path[0]);
}

/** The required, indexable condition expected to report the fewest candidates. */
function chooseKey(
  conditions: readonly Condition[],
  dialect: PatternDialect,
  counts: ReadonlyMap<string, number>,
): Condition | undefined {
  let best: Condition | undefined;
  let bestCost = Infinity;
  for (const c of conditions) {
    if (!c.matchers.every((m) => isIndexable(m, dialect))) continue;
    const path = pathKey(c.path);
    let cost = 0;
    for (const m of c.matchers) {
      const same = counts.get(`${path}\u0000${lookupKey(m, dialect)}`) ?? 1;
      if (m.kind === 'exact' || m.kind === 'equals-ignore-case') cost += same;
      else if (m.kind === 'numeric') cost += 1 + same / 4;
      else if (m.kind === 'exists') cost += 2 + (counts.get(path) ?? 1);
      else cost += 1 + same;
    }
    if (cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  return best;
}

function pathKey(path: readonly string[]): string {
  return path.join('\u0001');
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
