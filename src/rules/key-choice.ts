/**
 * How the rule index picks, for each alternative of a rule, the one condition it files the alternative
 * under, and whether a hit on that key already proves the condition.
 */
import { isIndexable, lookupKey } from './path-index.js';
import type { Condition, PatternDialect } from './types.js';

/** How many conditions share each (path, lookup key), and each path: the index's selectivity estimate. */
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

/** The required, indexable condition expected to report the fewest candidates. */
export function chooseKey(
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
