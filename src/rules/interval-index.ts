/**
 * Numeric intervals for the rule index: a segment tree over the elementary regions between the interval
 * bounds. Each interval is stored on O(log n) nodes; a query walks one root-to-leaf path, so its cost is
 * O(log n + matches) whatever the number of rules.
 */
import type { HitSink } from './affix-index.js';
import type { NumericRange } from './types.js';

export class IntervalIndex {
  private readonly pending: { range: NumericRange; entry: number }[] = [];
  private bounds: number[] = [];
  private nodes: (number[] | undefined)[] = [];
  private regions = 0;

  add(range: NumericRange, entry: number): void {
    this.pending.push({ range, entry });
  }

  /** Freezes the added intervals into the tree; call once after the last `add`. */
  build(): void {
    const all = new Set<number>();
    for (const { range } of this.pending) {
      if (Number.isFinite(range.lo)) all.add(range.lo + 0);
      if (Number.isFinite(range.hi)) all.add(range.hi + 0);
    }
    this.bounds = [...all].sort((a, b) => a - b);
    // Region 2i is the open gap below bounds[i], region 2i+1 is bounds[i] itself, region 2m is above the last.
    this.regions = 2 * this.bounds.length + 1;
    // Array.from gives a packed array; `new Array(n)` past ~100k elements would be a slow dictionary.
    this.nodes = Array.from({ length: 4 * this.regions }, () => undefined);
    for (const { range, entry } of this.pending) {
      const start = Number.isFinite(range.lo)
        ? 2 * this.lowerBound(range.lo) + (range.loInclusive ? 1 : 2)
        : 0;
      const end = Number.isFinite(range.hi)
        ? 2 * this.lowerBound(range.hi) + (range.hiInclusive ? 1 : 0)
        : this.regions - 1;
      if (start <= end) this.insert(1, 0, this.regions - 1, start, end, entry);
    }
  }

  /** Reports the entries of every interval containing `x`. */
  query(x: number, sink: HitSink): void {
    if (this.regions === 0 || Number.isNaN(x)) return;
    const low = this.lowerBound(x);
    const region = low < this.bounds.length && this.bounds[low] === x ? 2 * low + 1 : 2 * low;
    let node = 1;
    let from = 0;
    let to = this.regions - 1;
    for (;;) {
      const hits = this.nodes[node];
      if (hits !== undefined) sink.hits(hits);
      if (from === to) return;
      const mid = (from + to) >>> 1;
      if (region <= mid) {
        node = 2 * node;
        to = mid;
      } else {
        node = 2 * node + 1;
        from = mid + 1;
      }
    }
  }

  /** Index of the first bound not below `x`. */
  private lowerBound(x: number): number {
    const bounds = this.bounds;
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((bounds[mid] as number) < x) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private insert(node: number, from: number, to: number, start: number, end: number, entry: number): void {
    if (start <= from && to <= end) {
      const list = this.nodes[node];
      if (list === undefined) this.nodes[node] = [entry];
      else list.push(entry);
      return;
    }
    const mid = (from + to) >>> 1;
    if (start <= mid) this.insert(2 * node, from, mid, start, end, entry);
    if (end > mid) this.insert(2 * node + 1, mid + 1, to, start, end, entry);
  }
}
