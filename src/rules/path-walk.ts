/**
 * How the rule index visits an event: a tree of the event paths that keys name, each with a `PathIndex`,
 * walked through objects and arrays; and *partitions*, trees of the same kind filed under one value of a
 * top-level field (`source`, `type`, …), walked only for the value the event has there.
 */
import type { HitSink } from './affix-index.js';
import { alibabaText } from './anything-but.js';
import { canonicalIPv6 } from './ip.js';
import { PathIndex } from './path-index.js';
import { field, scanArray } from './tree.js';
import type { Condition, PatternDialect, Scalar } from './types.js';

/** Receives candidates, and knows how many arrays of objects the walk is inside. */
export interface WalkSink extends HitSink {
  arrayDepth: number;
}

export interface PathNode {
  readonly key: string;
  readonly guarded: boolean;
  readonly children: PathNode[];
  index: PathIndex | undefined;
  readonly owner: WalkSink;
}

/**
 * Path trees by the value of one top-level field that every rule filed here requires exactly: the
 * event's value(s) there pick the one tree to walk, so rules of other values cost nothing.
 */
export interface Partition {
  readonly key: string;
  readonly guarded: boolean;
  readonly alibaba: boolean;
  readonly roots: Map<unknown, PathNode>;
  /** The event being matched, while it is. */
  event: unknown;
}

export function newRoot(owner: WalkSink): PathNode {
  return { key: '', guarded: false, children: [], index: undefined, owner };
}

/** The node of `path` under `root`, created as needed, with its `PathIndex`. */
export function indexAt(root: PathNode, path: readonly string[]): PathIndex {
  let node = root;
  for (const key of path) {
    let child = node.children.find((c) => c.key === key);
    if (child === undefined) {
      child = { key, guarded: key in Object.prototype, children: [], index: undefined, owner: root.owner };
      node.children.push(child);
    }
    node = child;
  }
  node.index ??= new PathIndex();
  return node.index;
}

/** Visits the values at every indexed path under `node`, through objects and arrays. */
export function walk(node: PathNode, value: unknown): void {
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

/** Freezes every `PathIndex` under `node`; call once after the last `add`. */
export function buildAll(node: PathNode): void {
  node.index?.build();
  for (const child of node.children) buildAll(child);
}

const ALIBABA_NULL = Symbol('null');

/**
 * The partition key of a value: AWS compares exact values by type (`5` ≠ `"5"`, as Map keys do),
 * Alibaba by text (`5` = `"5"`), with `null` only equal to itself.
 */
export function partitionKey(value: Scalar, alibaba: boolean): unknown {
  if (!alibaba) return typeof value === 'number' ? value + 0 : value;
  return value === null ? ALIBABA_NULL : alibabaText(value);
}

/**
 * The values of a condition that can partition rules: a top-level field whose matchers are all exact
 * values (a few of them). AWS strings that are IPv6 addresses are compared as addresses, not as keys:
 * such a condition does not partition.
 */
export function partitionValues(condition: Condition, dialect: PatternDialect): Scalar[] | undefined {
  const matchers = condition.matchers;
  if (condition.path.length !== 1 || matchers.length === 0 || matchers.length > 8) return undefined;
  const values: Scalar[] = [];
  for (const m of matchers) {
    if (m.kind !== 'exact') return undefined;
    if (
      dialect === 'aws' &&
      typeof m.value === 'string' &&
      m.value.includes(':') &&
      canonicalIPv6(m.value) !== undefined
    ) {
      return undefined;
    }
    values.push(m.value);
  }
  return values;
}

/** Walks the trees that the event's value(s) at the partition's field select. */
export function probePartition(partition: Partition, event: unknown): void {
  if (typeof event !== 'object' || event === null) return;
  const value = field(event, partition.key, partition.guarded);
  if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) return;
  // The trees' paths are absolute: each walk starts at the event again.
  partition.event = event;
  if (Array.isArray(value)) scanArray(value, partition, partitionElement);
  else partitionElement(partition, value);
  partition.event = undefined;
}

function partitionElement(partition: Partition, element: unknown): number {
  if (typeof element !== 'object' || element === null) {
    const root = partition.roots.get(partitionKey(element as Scalar, partition.alibaba));
    if (root !== undefined) walk(root, partition.event);
  }
  return 0;
}
