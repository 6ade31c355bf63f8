/**
 * The rule index's lookup structures for one event path: exact values by type, equals-ignore-case by folded
 * text, prefix and suffix tries (plain and folded), numeric intervals, and "has a value" (`exists: true`).
 * A probe reports the entries whose key matcher may accept the value; the index then verifies them.
 */

import { AffixIndex, type HitSink } from './affix-index.js';
import { alibabaText } from './anything-but.js';
import { fold } from './fold.js';
import { IntervalIndex } from './interval-index.js';
import { canonicalIPv6 } from './ip.js';
import type { MatcherSpec, PatternDialect, Scalar } from './types.js';
import { globPrefix, globSuffix } from './wildcard.js';

/** Can the index look this matcher up (rather than scan for it)? */
export function isIndexable(m: MatcherSpec, dialect: PatternDialect): boolean {
  switch (m.kind) {
    case 'exact':
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      return true;
    case 'wildcard':
      return globPrefix(m.glob) !== '' || globSuffix(m.glob) !== '';
    case 'numeric':
      return m.range !== undefined && dialect === 'aws';
    case 'exists':
      return m.value;
    default:
      return false;
  }
}

/** Groups matchers that land on the same lookup key, to estimate how many entries a probe reports. */
export function lookupKey(m: MatcherSpec, dialect: PatternDialect): string {
  switch (m.kind) {
    case 'exact':
      return dialect === 'alibaba'
        ? `=${alibabaText(m.value) ?? '\u0000null'}`
        : `=${typeof m.value}:${String(m.value)}`;
    case 'prefix':
    case 'suffix':
      return `${m.kind}:${m.ignoreCase ? fold(m.value) : m.value}`;
    case 'equals-ignore-case':
      return `i:${fold(m.value)}`;
    case 'wildcard':
      return globPrefix(m.glob) !== '' ? `prefix:${globPrefix(m.glob)}` : `suffix:${globSuffix(m.glob)}`;
    case 'numeric':
      return 'numeric';
    default:
      return 'exists';
  }
}

/**
 * Maps are made on first use: at 10,000 rules most of an index's path indexes hold one kind of key, and a
 * probe that finds no map reads nothing but this object (fewer cache lines touched per event).
 */
export class PathIndex {
  private strings: Map<string, number[]> | undefined;
  /** Alibaba exact values, by text form: 5, "5" and the like share a key (those entries are verified). */
  private texts: Map<string, number[]> | undefined;
  private numbers: Map<number, number[]> | undefined;
  private literals: Map<boolean | null, number[]> | undefined;
  private folded: Map<string, number[]> | undefined;
  /** Prefixes, suffixes, folded prefixes, folded suffixes. */
  private readonly affixes: (AffixIndex | undefined)[] = [undefined, undefined, undefined, undefined];
  private ranges: IntervalIndex | undefined;
  private present: number[] | undefined;
  /** Some exact value is an IPv6 address: string values are also looked up in canonical form. */
  private ipv6 = false;
  private needsFold = false;

  add(m: MatcherSpec, dialect: PatternDialect, entry: number): void {
    switch (m.kind) {
      case 'exact': {
        const text = dialect === 'alibaba' ? alibabaText(m.value) : undefined;
        if (dialect === 'alibaba' && text !== undefined) this.texts = push(this.texts, text, entry);
        else if (typeof m.value === 'string') {
          const strings = push(this.strings, m.value, entry);
          this.strings = strings;
          const canonical = m.value.includes(':') ? canonicalIPv6(m.value) : undefined;
          if (canonical !== undefined) {
            this.ipv6 = true;
            if (canonical !== m.value) push(strings, canonical, entry);
          }
        } else if (typeof m.value === 'number') this.numbers = push(this.numbers, m.value + 0, entry);
        else this.literals = push(this.literals, m.value, entry);
        return;
      }
      case 'equals-ignore-case':
        this.needsFold = true;
        this.folded = push(this.folded, fold(m.value), entry);
        return;
      case 'prefix':
      case 'suffix':
        this.addAffix(m.kind, m.ignoreCase ? fold(m.value) : m.value, m.ignoreCase, entry);
        return;
      case 'wildcard': {
        const head = globPrefix(m.glob);
        if (head !== '') this.addAffix('prefix', head, false, entry);
        else this.addAffix('suffix', globSuffix(m.glob), false, entry);
        return;
      }
      case 'numeric':
        if (m.range !== undefined) {
          this.ranges ??= new IntervalIndex();
          this.ranges.add(m.range, entry);
        }
        return;
      default:
        this.present ??= [];
        this.present.push(entry);
    }
  }

  private addAffix(kind: 'prefix' | 'suffix', text: string, ignoreCase: boolean, entry: number): void {
    if (ignoreCase) this.needsFold = true;
    const slot = (kind === 'suffix' ? 1 : 0) + (ignoreCase ? 2 : 0);
    let index = this.affixes[slot];
    if (index === undefined) {
      index = new AffixIndex(kind === 'suffix');
      this.affixes[slot] = index;
    }
    index.add(text, entry);
  }

  /** Call once after the last `add`. */
  build(): void {
    this.ranges?.build();
    for (const affix of this.affixes) affix?.build();
  }

  /** Reports the entries that may accept `value`. */
  probe(value: Scalar, sink: HitSink): void {
    if (this.present !== undefined) sink.hits(this.present);
    if (this.texts !== undefined && value !== null)
      this.lookup(this.texts, alibabaText(value) as string, sink);
    if (typeof value === 'string') {
      this.lookup(this.strings, value, sink);
      if (this.ipv6 && value.includes(':')) {
        const canonical = canonicalIPv6(value);
        if (canonical !== undefined && canonical !== value) this.lookup(this.strings, canonical, sink);
      }
      const affixes = this.affixes;
      affixes[0]?.walk(value, sink);
      affixes[1]?.walk(value, sink);
      if (this.needsFold) {
        const folded = fold(value);
        this.lookup(this.folded, folded, sink);
        affixes[2]?.walk(folded, sink);
        affixes[3]?.walk(folded, sink);
      }
      return;
    }
    if (typeof value === 'number') {
      const hits = this.numbers?.get(value);
      if (hits !== undefined) sink.hits(hits);
      this.ranges?.query(value, sink);
    } else {
      const hits = this.literals?.get(value);
      if (hits !== undefined) sink.hits(hits);
    }
  }

  private lookup(map: ReadonlyMap<string, number[]> | undefined, key: string, sink: HitSink): void {
    if (map === undefined) return;
    const hits = map.get(key);
    if (hits !== undefined) sink.hits(hits);
  }
}

/** Files `entry` under `key`, making the map if there is none yet; returns the map. */
function push<K>(map: Map<K, number[]> | undefined, key: K, entry: number): Map<K, number[]> {
  const out = map ?? new Map<K, number[]>();
  const list = out.get(key);
  if (list === undefined) out.set(key, [entry]);
  else list.push(entry);
  return out;
}
