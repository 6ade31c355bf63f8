/**
 * How the rule index picks, for each alternative of a rule, the one condition it files the alternative
 * under, and whether a hit on that key already proves the condition.
 */
import { isIndexable, lookupKey } from './path-index.js';
import { partitionValues } from './path-walk.js';
import type { Condition, PatternDialect, Scalar } from './types.js';

/**
 * How many conditions share each (path, lookup key), and each path: the index's selectivity estimate.
 * Also per value of a top-level exact condition (see `partitionValues`), the same counts among the
 * other conditions of the alternatives that require that value: what a key costs inside a partition.
 */
export function countKeys(
  alternatives: Iterable<{ conditions: readonly Condition[]; dialect: PatternDialect }>,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { conditions, dialect } of alternatives) {
    for (const c of conditions) {
      const path = pathKey(c.path);
      for (const m of c.matchers) bump(counts, `${path}\u0000${lookupKey(m, dialect)}`);
      bump(counts, path);
    }
    for (const by of conditions) {
      const values = partitionValues(by, dialect);
      if (values === undefined) continue;
      for (const v of values) {
        const scope = partitionScope(by, v, dialect);
        for (const c of conditions) {
          if (c === by || pathKey(c.path) === pathKey(by.path)) continue;
          const path = `${scope}${pathKey(c.path)}`;
          for (const m of c.matchers) bump(counts, `${path}\u0000${lookupKey(m, dialect)}`);
          bump(counts, path);
        }
      }
    }
  }
  return counts;
}

/**
 * When does a hit on the key prove the key condition, so that verification can skip it?
 * - `never`: some lookup is not exact (a wildcard is filed under its literal prefix), or the dialect is
 *   alibaba (arrays of objects are not traversed there, the walk does traverse them).
 * - `always`: the key is a top-level field, or no other condition shares its first field.
 * - `outside-arrays`: other conditions share the key's first field. Below a shared field, an array of
 *   objects ties conditions to one element — but when the key's value was reached without passing through
 *   such an array, the key is independent of the rest.
 */
export type KeyProof = 'never' | 'always' | 'outside-arrays';

export function keyProof(
  key: Condition,
  conditions: readonly Condition[],
  dialect: PatternDialect,
): KeyProof {
  if (dialect !== 'aws' || key.matchers.some((m) => m.kind === 'wildcard')) return 'never';
  if (key.path.length === 1) return 'always';
  return conditions.some((c) => c !== key && c.path[0] === key.path[0]) ? 'outside-arrays' : 'always';
}

/**
 * Where an alternative is filed: `key`, the required, indexable condition expected to report the fewest
 * candidates — within the partition of `by`'s values when `by` (a top-level exact condition) is set.
 */
export interface KeyChoice {
  readonly key: Condition | undefined;
  readonly by?: Condition;
  readonly byValues?: readonly Scalar[];
}

/** Picks the key (and the partition, when one lowers the expected candidates) of an alternative. */
export function chooseKey(
  conditions: readonly Condition[],
  dialect: PatternDialect,
  counts: ReadonlyMap<string, number>,
): KeyChoice {
  let best: KeyChoice = { key: undefined };
  let bestCost = Infinity;
  for (const c of conditions) {
    const cost = keyCost(c, dialect, counts, '');
    if (cost < bestCost) {
      best = { key: c };
      bestCost = cost;
    }
  }
  for (const by of conditions) {
    const values = partitionValues(by, dialect);
    if (values === undefined) continue;
    for (const c of conditions) {
      if (c === by || pathKey(c.path) === pathKey(by.path)) continue;
      let cost = 0;
      for (const v of values) cost += keyCost(c, dialect, counts, partitionScope(by, v, dialect));
      if (cost < bestCost) {
        best = { key: c, by, byValues: values };
        bestCost = cost;
      }
    }
  }
  return best;
}

/** Expected candidates of a key condition (Infinity: not indexable), among rules of `scope`. */
function keyCost(
  c: Condition,
  dialect: PatternDialect,
  counts: ReadonlyMap<string, number>,
  scope: string,
): number {
  if (!c.matchers.every((m) => isIndexable(m, dialect))) return Infinity;
  const path = `${scope}${pathKey(c.path)}`;
  let cost = 0;
  for (const m of c.matchers) {
    const same = counts.get(`${path}\u0000${lookupKey(m, dialect)}`) ?? 1;
    if (m.kind === 'exact' || m.kind === 'equals-ignore-case') cost += same;
    else if (m.kind === 'numeric') cost += 1 + same / 4;
    else if (m.kind === 'exists') cost += 2 + (counts.get(path) ?? 1);
    else cost += 1 + same;
  }
  return cost;
}

function partitionScope(by: Condition, value: Scalar, dialect: PatternDialect): string {
  return `${pathKey(by.path)}\u0002${lookupKey({ kind: 'exact', value }, dialect)}\u0002`;
}

function pathKey(path: readonly string[]): string {
  return path.join('\u0001');
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
