// TEMPORARY (not committed): replaced by the push-down branch.
export interface PushedDown<T> {
  readonly value: T;
  readonly exact: boolean;
}
const MAP: Record<string, string> = {
  type: 'detail-type',
  data: 'detail',
  source: 'source',
  id: 'id',
  time: 'time',
};
export function toEventPattern(
  filter: Readonly<Record<string, unknown>> | undefined,
  _d?: string,
): PushedDown<Record<string, unknown>> | undefined {
  if (filter === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter)) if (MAP[k]) out[MAP[k]] = v;
  return Object.keys(out).length === 0 ? undefined : { value: out, exact: false };
}
export function toFilterPatterns(
  _f: unknown,
  _k: string,
  _d?: string,
): PushedDown<Record<string, unknown>[]> | undefined {
  return undefined;
}
