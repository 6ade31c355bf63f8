/**
 * Prefixes (or suffixes) of strings for the rule index. Each registered affix is filed under a rolling
 * hash of its characters; a probe hashes the value once, character by character, and looks up only the
 * lengths that some affix has. Cost per value: its length up to the longest affix, plus one hash lookup per
 * distinct affix length — not a node per character, and not one per rule.
 */

/** Receives the entries registered under a key, an affix or an interval. */
export interface HitSink {
  hits(entries: readonly number[]): void;
}

interface Bucket {
  readonly text: string;
  readonly entries: number[];
}

const SEED = 0x811c9dc5 | 0;

function mix(hash: number, code: number): number {
  // FNV-1a step, kept within small-integer range so Map keys stay unboxed.
  return Math.imul(hash ^ code, 0x01000193) & 0x3fffffff;
}

export class AffixIndex {
  private readonly buckets = new Map<number, Bucket[]>();
  /** `hasLength[n]`: some affix is n characters long. */
  private readonly hasLength: boolean[] = [];
  private longest = -1;
  /** One bit per hash (mod size): most lengths of most values have no affix, and skip the map lookup. */
  private filter = new Uint32Array(0);
  private mask = 0;

  /** `suffix`: affixes are matched at the end of values. */
  constructor(private readonly suffix: boolean) {}

  add(text: string, entry: number): void {
    const length = text.length;
    let hash = SEED;
    for (let i = 0; i < length; i++) hash = mix(hash, text.charCodeAt(this.suffix ? length - 1 - i : i));
    let list = this.buckets.get(hash);
    if (list === undefined) {
      list = [];
      this.buckets.set(hash, list);
    }
    let bucket = list.find((b) => b.text === text);
    if (bucket === undefined) {
      bucket = { text, entries: [] };
      list.push(bucket);
    }
    bucket.entries.push(entry);
    this.hasLength[length] = true;
    if (length > this.longest) this.longest = length;
  }

  /** Call once after the last `add`. */
  build(): void {
    let bits = 1024;
    while (bits < this.buckets.size * 16) bits *= 2;
    this.filter = new Uint32Array(bits / 32);
    this.mask = bits - 1;
    for (const hash of this.buckets.keys()) {
      const bit = hash & this.mask;
      this.filter[bit >>> 5] = (this.filter[bit >>> 5] as number) | (1 << (bit & 31));
    }
  }

  /** Reports the entries of every registered affix of `value`. */
  walk(value: string, sink: HitSink): void {
    const length = value.length;
    const last = Math.min(length, this.longest);
    let hash = SEED;
    for (let n = 0; n <= last; n++) {
      if (n > 0) hash = mix(hash, value.charCodeAt(this.suffix ? length - n : n - 1));
      if (this.hasLength[n] !== true) continue;
      const bit = hash & this.mask;
      if (this.mask !== 0 && ((this.filter[bit >>> 5] as number) & (1 << (bit & 31))) === 0) continue;
      const list = this.buckets.get(hash);
      if (list === undefined) continue;
      for (const bucket of list) {
        const text = bucket.text;
        if (text.length === n && (this.suffix ? value.endsWith(text) : value.startsWith(text)))
          sink.hits(bucket.entries);
      }
    }
  }
}
