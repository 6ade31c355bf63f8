/**
 * One `$or`-free alternative of a pattern as a tree over the event, and its evaluation.
 *
 * AWS (event-ruler's JSON matcher): arrays are transparent, and the conditions below an object that sits in
 * an event array must all hold in the *same* element — so the tree descends into each element in turn.
 * Alibaba: arrays of scalars are value lists; arrays of objects are not traversed (JsonPath lookups).
 * @see ../../docs/patterns.md#arrays
 */
import { compileLeaf, type Leaf } from './leaf.js';
import type { Condition, PatternDialect, Scalar } from './types.js';

/** Conditions on the fields of one event object. */
export interface TreeNode {
  readonly children: readonly TreeChild[];
}

/** One field: leaf conditions on its values, and conditions on its own fields. */
export interface TreeChild {
  readonly key: string;
  /** The key also names an `Object.prototype` member, so lookups must check own properties. */
  readonly guarded: boolean;
  readonly leaves: readonly Leaf[];
  readonly node: TreeNode | undefined;
}

/** Shares identical leaves and subtrees between the trees of many rules (the rule index uses one). */
export interface TreeInterner {
  readonly leaves: Map<string, { leaf: Leaf; id: number }>;
  readonly nodes: Map<string, TreeNode>;
}

interface Draft {
  readonly children: { key: string; leaves: { leaf: Leaf; id: number }[]; node: Draft | undefined }[];
}

/** Builds the tree of a conjunction (conditions with a constant value must have been settled). */
export function buildTree(
  conditions: readonly Condition[],
  dialect: PatternDialect,
  interner?: TreeInterner,
): TreeNode {
  const root: Draft = { children: [] };
  for (const condition of conditions) {
    let node = root;
    const last = condition.path.length - 1;
    for (const [depth, key] of condition.path.entries()) {
      let child = node.children.find((c) => c.key === key);
      if (child === undefined) {
        child = { key, leaves: [], node: undefined };
        node.children.push(child);
      }
      if (depth === last) child.leaves.push(leafFor(condition, dialect, interner));
      else node = child.node ??= { children: [] };
    }
  }
  return freeze(root, interner)[0];
}

function leafFor(condition: Condition, dialect: PatternDialect, interner: TreeInterner | undefined) {
  if (interner === undefined) return { leaf: compileLeaf(condition.matchers, dialect), id: 0 };
  const key = `${dialect}:${condition.source}`;
  let entry = interner.leaves.get(key);
  if (entry === undefined) {
    entry = { leaf: compileLeaf(condition.matchers, dialect), id: interner.leaves.size };
    interner.leaves.set(key, entry);
  }
  return entry;
}

function freeze(draft: Draft, interner: TreeInterner | undefined): [TreeNode, string] {
  const children: TreeChild[] = [];
  const signatures: string[] = [];
  const ordered =
    interner === undefined ? draft.children : [...draft.children].sort((a, b) => (a.key < b.key ? -1 : 1));
  for (const child of ordered) {
    const [node, signature] = child.node === undefined ? [undefined, ''] : freeze(child.node, interner);
    children.push({
      key: child.key,
      guarded: child.key in Object.prototype,
      leaves: child.leaves.map((l) => l.leaf),
      node,
    });
    if (interner !== undefined) {
      signatures.push(`${JSON.stringify(child.key)}(${child.leaves.map((l) => l.id).join(',')})${signature}`);
    }
  }
  if (interner === undefined) return [{ children }, ''];
  const signature = `{${signatures.join(';')}}`;
  let node = interner.nodes.get(signature);
  if (node === undefined) {
    node = { children };
    interner.nodes.set(signature, node);
  }
  return [node, signature];
}

/** Reads a field of an event object: own properties only, never a prototype member. */
export function field(object: object, key: string, guarded: boolean): unknown {
  if (guarded && !Object.hasOwn(object, key)) return undefined;
  return (object as Record<string, unknown>)[key];
}

const FOUND = 2;
const NOT_FOUND = 1;
const EMPTY = 0;

/**
 * Visits the non-array elements of `array`, flattening nested arrays without recursion (a hostile event
 * may nest arrays deeper than the stack). `visit` returns FOUND to stop, NOT_FOUND for "a value that did
 * not match", EMPTY for "not a value". Returns FOUND, NOT_FOUND if some visit said so, else EMPTY.
 */
export function scanArray<C>(
  array: readonly unknown[],
  context: C,
  visit: (c: C, e: unknown) => number,
): number {
  let result = EMPTY;
  let current = array;
  let index = 0;
  // Allocated only when an array nests another one.
  let stack: { array: readonly unknown[]; index: number }[] | undefined;
  for (;;) {
    if (index < current.length) {
      const element = current[index++];
      if (Array.isArray(element)) {
        stack ??= [];
        stack.push({ array: current, index });
        current = element;
        index = 0;
        continue;
      }
      const r = visit(context, element);
      if (r === FOUND) return FOUND;
      if (r === NOT_FOUND) result = NOT_FOUND;
      continue;
    }
    const parent = stack?.pop();
    if (parent === undefined) return result;
    current = parent.array;
    index = parent.index;
  }
}

function leafVisit(leaf: Leaf, element: unknown): number {
  if (typeof element === 'object' && element !== null) return EMPTY;
  return leaf.accepts(element as Scalar) ? FOUND : NOT_FOUND;
}

function awsLeaf(leaf: Leaf, value: unknown): boolean {
  if (value === undefined) return leaf.onMissing;
  if (typeof value !== 'object' || value === null) return leaf.accepts(value as Scalar);
  if (!Array.isArray(value)) return leaf.onMissing;
  const r = scanArray(value, leaf, leafVisit);
  return r === FOUND || (r === EMPTY && leaf.onMissing);
}

function awsElementVisit(node: TreeNode, element: unknown): number {
  return matchAws(node, element) ? FOUND : NOT_FOUND;
}

/** AWS evaluation of a tree against an event value. Never throws on JSON input. */
export function matchAws(node: TreeNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    const r = scanArray(value, node, awsElementVisit);
    return r === FOUND || (r === EMPTY && matchAws(node, undefined));
  }
  const object = typeof value === 'object' && value !== null ? value : undefined;
  for (const child of node.children) {
    const v = object === undefined ? undefined : field(object, child.key, child.guarded);
    for (const leaf of child.leaves) if (!awsLeaf(leaf, v)) return false;
    if (child.node !== undefined && !matchAws(child.node, v)) return false;
  }
  return true;
}

function alibabaLeaf(leaf: Leaf, value: unknown): boolean {
  if (value === undefined) return leaf.onMissing;
  if (typeof value !== 'object' || value === null) return leaf.accepts(value as Scalar);
  // rocketmq-eventbridge: objects, empty arrays and arrays holding objects satisfy no condition, not even exists.
  if (!Array.isArray(value)) return false;
  for (const element of value) if (typeof element === 'object' && element !== null) return false;
  for (const element of value) if (leaf.accepts(element as Scalar)) return true;
  return false;
}

/** Alibaba evaluation of a tree against an event value. */
export function matchAlibaba(node: TreeNode, value: unknown): boolean {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  for (const child of node.children) {
    const v = object === undefined ? undefined : field(object, child.key, child.guarded);
    for (const leaf of child.leaves) if (!alibabaLeaf(leaf, v)) return false;
    if (child.node !== undefined && !matchAlibaba(child.node, v)) return false;
  }
  return true;
}
