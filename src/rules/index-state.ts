/**
 * The built lookup structures of a rule index (see rule-index.ts): a tree of the event paths that keys
 * name, a `PathIndex` on each, and per alternative the rule it belongs to and the tree left to verify.
 */
import type { HitSink } from './affix-index.js';
import type { CompiledPattern } from './compile-pattern.js';
import { chooseKey, countKeys, keyProof } from './key-choice.js';
import { PathIndex } from './path-index.js';
import {
  buildTree,
  field,
  matchAlibaba,
  matchAws,
  scanArray,
  type TreeInterner,
  type TreeNode,
} from './tree.js';
import type { Scalar } from './types.js';

interface PathNode {
  readonly key: string;
  readonly guarded: boolean;
  readonly children: PathNode[];
  index: PathIndex | undefined;
  readonly owner: IndexState;
}

/** The built lookup structures; rebuilt after rules change, on the next match. */
export class IndexState implements HitSink {
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
    this.root = { key: '', guarded: false, children: [], index: undefined, owner: this };
    const counts = countKeys(
      [...rules.values()].flatMap((p) =>
        p.branches.map((b) => ({ conditions: b.conditions, dialect: p.dialect })),
      ),
    );
    // Trees left to verify are hash-consed: rules that differ only in their key share one hot tree.
    const interner: TreeInterner = { leaves: new Map(), nodes: new Map() };
    for (const [id, pattern] of rules) {
      const slot = this.ids.push(id) - 1;
      const dialect = pattern.dialect;
      for (const branch of pattern.branches) {
        const entry = this.entrySlot.push(slot) - 1;
        this.entryAlibaba.push(dialect === 'alibaba');
        const conditions = branch.conditions;
        const key = chooseKey(conditions, dialect, counts);
        const proof = key === undefined ? 'never' : keyProof(key, conditions, dialect);
        if (key === undefined) this.unindexed.push(entry);
        else {
          const node = this.nodeFor(key.path);
          node.index ??= new PathIndex();
          for (const m of key.matchers) node.index.add(m, dialect, entry);
        }
        const rest = proof === 'never' ? conditions : conditions.filter((c) => c !== key);
        const direct = rest.length === 0 ? undefined : buildTree(rest, dialect, interner);
        this.entryDirect.push(direct);
        this.entryNested.push(proof === 'outside-arrays' ? buildTree(conditions, dialect, interner) : direct);
      }
    }
    buildAll(this.root);
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
  if (typeof element === 'object' && element !== null) {
    node.owner.arrayDepth++;
    walk(node, element);
    node.owner.arrayDepth--;
  } else walk(node, element);
  return 0;
}

function buildAll(node: PathNode): void {
  node.index?.build();
  for (const child of node.children) buildAll(child);
}
