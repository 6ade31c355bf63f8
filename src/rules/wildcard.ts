/**
 * `wildcard`: `*` matches any run of characters, anchored at both ends; `\*` and `\\` are escapes.
 * Matching walks the literal pieces with `indexOf` (no RegExp, no backtracking blow-up). Patterns are also
 * scored for non-determinism, as AWS rejects "too complex" wildcards.
 * @see ../../docs/patterns.md#wildcard
 */
import { invalidPattern } from './pattern-error.js';
import type { Glob } from './types.js';

/** Parses wildcard text; throws `E_RULE_INVALID` for a bad escape or two consecutive wildcards. */
export function parseGlob(source: string, path: string): Glob {
  const pieces: string[] = [];
  let piece = '';
  let lastWasStar = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const next = source[i + 1];
      if (next !== '*' && next !== '\\') {
        throw invalidPattern(
          path,
          `wildcard ${JSON.stringify(source)} has an invalid escape at position ${i}; only \\* (a literal star) and \\\\ (a literal backslash) are escapes`,
        );
      }
      piece += next;
      i++;
      lastWasStar = false;
    } else if (c === '*') {
      if (lastWasStar) {
        throw invalidPattern(
          path,
          `wildcard ${JSON.stringify(source)} has consecutive wildcard characters at position ${i}; one * already matches any run of characters`,
        );
      }
      pieces.push(piece);
      piece = '';
      lastWasStar = true;
    } else {
      piece += c;
      lastWasStar = false;
    }
  }
  pieces.push(piece);
  return { source, pieces };
}

/** True when the whole of `text` matches the glob. */
export function globMatches(glob: Glob, text: string): boolean {
  const pieces = glob.pieces;
  const last = pieces.length - 1;
  const first = pieces[0] as string;
  if (last === 0) return text === first;
  const tail = pieces[last] as string;
  const end = text.length - tail.length;
  if (end < first.length || !text.startsWith(first) || !text.endsWith(tail)) return false;
  let position = first.length;
  for (let k = 1; k < last; k++) {
    const piece = pieces[k] as string;
    const at = text.indexOf(piece, position);
    if (at < 0 || at + piece.length > end) return false;
    position = at + piece.length;
  }
  return true;
}

/** The literal text before the first wildcard (the whole text when there is none). */
export function globPrefix(glob: Glob): string {
  return glob.pieces[0] as string;
}

/** The literal text after the last wildcard. */
export function globSuffix(glob: Glob): string {
  return glob.pieces[glob.pieces.length - 1] as string;
}

const MAX_SUBSETS = 4096;

/**
 * The most automaton transitions that can be live at once while matching some input — the measure
 * event-ruler's `MachineComplexityEvaluator` uses (states that can still lead to a match, plus the
 * wildcard loop entered with them). `/Users/*\/dir/dir/dir/dir/dir/doc.txt` scores 7, `*:*:*:*:*:event-bus/*`
 * scores 10. Stops counting once the score exceeds `cap`.
 */
export function globComplexity(glob: Glob, cap: number): number {
  if (glob.pieces.length === 1) return 1;
  const literal: string[] = [];
  const star: boolean[] = [];
  for (const [k, piece] of glob.pieces.entries()) {
    if (k > 0) star[literal.length] = true;
    for (const ch of piece) literal.push(ch);
  }
  const length = literal.length;
  const alphabet = [...new Set(literal), '\u0000other'];
  // A live transition: the position reached (0..length) and whether the wildcard loop was taken (1) or a literal (0).
  const encode = (position: number, loop: number) => position * 2 + loop;
  const seen = new Set<string>();
  let frontier: number[][] = [[encode(0, 0)]];
  let max = 1;
  while (frontier.length > 0) {
    const next: number[][] = [];
    for (const states of frontier) {
      for (const symbol of alphabet) {
        const reached = new Set<number>();
        for (const state of states) {
          const position = state >> 1;
          if (star[position] === true) reached.add(encode(position, 1));
          if (position < length && literal[position] === symbol) reached.add(encode(position + 1, 0));
        }
        if (reached.size === 0) continue;
        let score = reached.size;
        for (const state of reached) {
          const position = state >> 1;
          if ((state & 1) === 0 && star[position] === true && !reached.has(encode(position, 1))) score++;
        }
        if (score > max) max = score;
        if (max > cap) return max;
        const sorted = [...reached].sort((a, b) => a - b);
        const key = sorted.join(',');
        if (seen.has(key)) continue;
        seen.add(key);
        if (seen.size > MAX_SUBSETS) return cap + 1;
        next.push(sorted);
      }
    }
    frontier = next;
  }
  return max;
}
