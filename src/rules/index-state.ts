/**
 * The built lookup structures of a rule index (see rule-index.ts): a tree of the event paths that keys
 * name, a `PathIndex` on each, partitions of such trees by a top-level exact value (path-walk.ts), and
 * per alternative the rule it belongs to and the tree left to verify.
 */
import type { CompiledPattern } from './compile-pattern.js';
import { chooseKey, countKeys, keyProof } from './key-choice.js';
import {
  buildAll,
  indexAt,
  newRoot,
  type Partition,
  type PathNode,
  partitionKey,
  probePartition,
  type WalkSink,
  walk,
} from './path-walk.js';
import { buildTree, matchAlibaba, matchAws, scanArray, type TreeInterner, type TreeNode } from './tree.js';
import type { Condition, PatternDialect, Scalar } from './types.js';

/** The built lookup structures; rebuilt after rules change, on the next match. */
export class IndexState implements WalkSink {
  private readonly ids: string[] = [];
  /**
   * Per entry (one `$or`-free alternative of a rule): its rule's slot, and what is left to verify when the
   * key's value was reached outside any array of objects (`entryDirect`) or inside one (`entryNested`).
   * `undefined` means nothing is left: the hit is a match.
   */
  private readonly entrySlot: number[] = [];
  private readonly entryDirect: (TreeNode | undefined)[] = [];
  private readonly entryNested: (TreeNode | undefined)[] = [];
  private readonly entryAlibaba: boolean[] = [];
  private readonly slotAlibaba: boolean[] = [];
  /**
   * Interned verification trees are shared by many entries (rules that differ only in their key): each
   * distinct tree is evaluated once per event and its verdict reused. -1: nothing left to verify.
   */
  private readonly entryDirectTree: number[] = [];
  private readonly entryNestedTree: number[] = [];
  private readonly treeStamp: Uint32Array;
  private readonly treeVerdict: Uint8Array;
  private readonly unindexed: number[] = [];
  private readonly root: PathNode;
  /** Partitions by `${dialect}:${field}`: rules that require an exact value of a top-level field. */
  private readonly partitions = new Map<string, Partition>();
  private readonly partitionList: Partition[] = [];
  private readonly entryStamp: Uint32Array;
  private readonly ruleStamp: Uint32Array;
  private epoch = 0;
  private event: unknown;
  /** How many arrays of objects the walk is inside. */
  arrayDepth = 0;
  /** Slots of the rules matched so far in this event; `count` of them are valid (no `length = 0` resets). */
  private readonly matched: number[] = [];
  private count = 0;

  constructor(rules: ReadonlyMap<string, CompiledPattern>) {
    this.root = newRoot(this);
    const counts = countKeys(
      [...rules.values()].flatMap((p) =>
        p.branches.map((b) => ({ conditions: b.conditions, dialect: p.dialect })),
      ),
    );
    // Trees left to verify are hash-consed: rules that differ only in their key share one hot tree.
    const interner: TreeInterner = { leaves: new Map(), nodes: new Map() };
    for (const [id, pattern] of rules) {
      const slot = this.ids.push(id) - 1;
      this.slotAlibaba.push(pattern.dialect === 'alibaba');
      const dialect = pattern.dialect;
      for (const branch of pattern.branches) {
        const entry = this.entrySlot.push(slot) - 1;
        this.entryAlibaba.push(dialect === 'alibaba');
        const conditions = branch.conditions;
        const { key, by, byValues } = chooseKey(conditions, dialect, counts);
        const proof = key === undefined ? 'never' : keyProof(key, conditions, dialect);
        if (key === undefined) this.unindexed.push(entry);
        else {
          const roots = by === undefined ? [this.root] : this.partitionRoots(by, byValues ?? [], dialect);
          for (const root of roots) {
            const index = indexAt(root, key.path);
            for (const m of key.matchers) index.add(m, dialect, entry);
          }
        }
        // AWS: an exact top-level value is compared alone, so the partition's lookup has proven it.
        const settled = dialect === 'aws' ? by : undefined;
        const rest = conditions.filter((c) => c !== settled && (proof === 'never' || c !== key));
        const direct = rest.length === 0 ? undefined : buildTree(rest, dialect, interner);
        this.entryDirect.push(direct);
        this.entryNested.push(
          proof === 'outside-arrays' ? buildTree(without(conditions, settled), dialect, interner) : direct,
        );
      }
    }
    buildAll(this.root);
    for (const partition of this.partitionList) for (const root of partition.roots.values()) buildAll(root);
    const treeIds = [new Map<TreeNode, number>(), new Map<TreeNode, number>()];
    const treeId = (tree: TreeNode | undefined, alibaba: boolean): number => {
      if (tree === undefined) return -1;
      const ids = treeIds[alibaba ? 1 : 0] as Map<TreeNode, number>;
      let id = ids.get(tree);
      if (id === undefined) {
        id = (treeIds[0]?.size ?? 0) + (treeIds[1]?.size ?? 0);
        ids.set(tree, id);
      }
      return id;
    };
    for (let e = 0; e < this.entrySlot.length; e++) {
      const alibaba = this.entryAlibaba[e] === true;
      this.entryDirectTree.push(treeId(this.entryDirect[e], alibaba));
      this.entryNestedTree.push(treeId(this.entryNested[e], alibaba));
    }
    const trees = (treeIds[0]?.size ?? 0) + (treeIds[1]?.size ?? 0);
    this.treeStamp = new Uint32Array(trees);
    this.treeVerdict = new Uint8Array(trees);
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
      // Few matches per event: an insertion sort beats Array#sort with a comparator by far.
      const slots = matched.slice(0, count);
      for (let i = 1; i < count; i++) {
        const v = slots[i] as number;
        let j = i - 1;
        while (j >= 0 && (slots[j] as number) > v) {
          slots[j + 1] = slots[j] as number;
          j--;
        }
        slots[j + 1] = v;
      }
      for (let i = 0; i < count; i++) out[i] = this.ids[slots[i] as number] as string;
    }
    return out;
  }

  /** Adds the slots of the rules matching `event` (not an array) to `matched`. */
  private collect(event: unknown): void {
    if (this.epoch === 0xffffffff) {
      this.entryStamp.fill(0);
      this.ruleStamp.fill(0);
      this.treeStamp.fill(0);
      this.epoch = 0;
    }
    this.epoch++;
    this.event = event;
    walk(this.root, event);
    const partitions = this.partitionList;
    for (let i = 0; i < partitions.length; i++) probePartition(partitions[i] as Partition, event);
    this.hits(this.unindexed);
    this.event = undefined;
  }

  /**
   * An event that is itself an array matches an aws rule when one of its elements does (event-ruler);
   * an alibaba rule reads no field of an array, as of a missing event.
   */
  private matchElements(event: readonly unknown[]): void {
    const slots = new Set<number>();
    let seen = false;
    scanArray(event, this, (state, element) => {
      seen = true;
      state.collect(element);
      for (let i = 0; i < state.count; i++) {
        const slot = state.matched[i] as number;
        if (state.slotAlibaba[slot] !== true) slots.add(slot);
      }
      state.count = 0;
      return 0;
    });
    this.collect(undefined);
    for (let i = 0; i < this.count; i++) {
      const slot = this.matched[i] as number;
      if (!seen || this.slotAlibaba[slot] === true) slots.add(slot);
    }
    this.count = 0;
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
      const id = (this.arrayDepth === 0 ? this.entryDirectTree[e] : this.entryNestedTree[e]) as number;
      let verdict = true;
      if (id >= 0) {
        if (this.treeStamp[id] === epoch) verdict = this.treeVerdict[id] === 1;
        else {
          const tree = (this.arrayDepth === 0 ? this.entryDirect[e] : this.entryNested[e]) as TreeNode;
          verdict = this.entryAlibaba[e] ? matchAlibaba(tree, this.event) : matchAws(tree, this.event);
          this.treeStamp[id] = epoch;
          this.treeVerdict[id] = verdict ? 1 : 0;
        }
      }
      if (verdict) {
        this.ruleStamp[slot] = epoch;
        this.matched[this.count++] = slot;
      }
    }
  }

  /** The path trees of a partition for each of `values`, created as needed. */
  private partitionRoots(by: Condition, values: readonly Scalar[], dialect: PatternDialect): PathNode[] {
    const field = by.path[0] as string;
    const name = `${dialect}:${field}`;
    let partition = this.partitions.get(name);
    if (partition === undefined) {
      partition = {
        key: field,
        guarded: field in Object.prototype,
        alibaba: dialect === 'alibaba',
        roots: new Map(),
        event: undefined,
      };
      this.partitions.set(name, partition);
      this.partitionList.push(partition);
    }
    const roots: PathNode[] = [];
    for (const value of values) {
      const k = partitionKey(value, partition.alibaba);
      let root = partition.roots.get(k);
      if (root === undefined) {
        root = newRoot(this);
        partition.roots.set(k, root);
      }
      if (!roots.includes(root)) roots.push(root);
    }
    return roots;
  }
}

function without(conditions: readonly Condition[], settled: Condition | undefined): readonly Condition[] {
  return settled === undefined ? conditions : conditions.filter((c) => c !== settled);
}
