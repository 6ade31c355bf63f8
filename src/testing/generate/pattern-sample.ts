/**
 * A string that matches a JSON Schema `pattern`, for the regular expressions schemas use: literals and
 * escapes, `.`, `\d \w \s` (and their negations), character classes with ranges, groups, alternation
 * (the first branch), anchors and quantifiers (`? * + {n} {n,} {n,m}`, each taken at its minimum plus
 * `extra` where the maximum allows). Lookarounds and backreferences are not supported: `undefined`.
 */

/** A parsed piece of the expression: text it produces given how many extra repetitions to take. */
type Node = (extra: number) => string;

class Unsupported extends Error {}

/** First characters tried for a class, in order. */
const CANDIDATES = 'a0A_-. xzZ9!@#$%&*+,/:;=?~';

function classOf(test: (c: string) => boolean, fallback: string | undefined): string {
  for (const c of CANDIDATES) if (test(c)) return c;
  if (fallback !== undefined && test(fallback)) return fallback;
  throw new Unsupported();
}

const ESCAPES: Readonly<Record<string, string>> = { d: '0', w: 'a', s: ' ', D: 'a', W: '-', S: 'a' };
const CONTROL: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };

function parse(pattern: string): Node {
  let at = 0;
  const peek = () => pattern[at];

  function alternation(): Node {
    const first = sequence();
    while (peek() === '|') {
      at++;
      sequence(); // later branches are parsed, to find the group's end, but never taken
    }
    return first;
  }

  function sequence(): Node {
    const parts: Node[] = [];
    while (at < pattern.length && peek() !== '|' && peek() !== ')') parts.push(quantified(atom()));
    return (extra) => parts.map((p) => p(extra)).join('');
  }

  function atom(): Node {
    const c = pattern[at++] as string;
    if (c === '^' || c === '$') return () => '';
    if (c === '.') return () => 'a';
    if (c === '(') {
      if (peek() === '?') {
        if (pattern[at + 1] !== ':') throw new Unsupported();
        at += 2;
      }
      const inner = alternation();
      if (pattern[at++] !== ')') throw new Unsupported();
      return inner;
    }
    if (c === '[') return characterClass();
    if (c === '\\') return escaped();
    if ('*+?{'.includes(c)) throw new Unsupported();
    return () => c;
  }

  function escaped(): Node {
    const c = pattern[at++];
    if (c === undefined || /[1-9bBkpP]/.test(c)) throw new Unsupported();
    const text = ESCAPES[c] ?? literal(c);
    return () => text;
  }

  /** The character an escape stands for: `\n`, `\u0041`, `\x41`, `\.`. */
  function literal(c: string): string {
    const width = c === 'u' ? 4 : c === 'x' ? 2 : 0;
    if (width === 0) return CONTROL[c] ?? c;
    const hex = pattern.slice(at, at + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new Unsupported();
    at += width;
    return String.fromCharCode(Number.parseInt(hex, 16));
  }

  function characterClass(): Node {
    const negated = peek() === '^';
    if (negated) at++;
    const tests: ((c: string) => boolean)[] = [];
    let first: string | undefined;
    while (at < pattern.length && (peek() !== ']' || tests.length === 0)) {
      let low = pattern[at++] as string;
      if (low === '\\') {
        const e = pattern[at++] as string;
        if (e in ESCAPES) {
          const re = new RegExp(`\\${e}`);
          tests.push((c) => re.test(c));
          continue;
        }
        low = literal(e);
      }
      first ??= low;
      if (peek() === '-' && pattern[at + 1] !== ']' && at + 1 < pattern.length) {
        at++;
        let high = pattern[at++] as string;
        if (high === '\\') high = literal(pattern[at++] as string);
        tests.push((c) => c >= low && c <= high);
      } else tests.push((c) => c === low);
    }
    if (pattern[at++] !== ']') throw new Unsupported();
    const inClass = (c: string) => tests.some((t) => t(c));
    const chosen = classOf(negated ? (c) => !inClass(c) : inClass, negated ? undefined : first);
    return () => chosen;
  }

  function quantified(node: Node): Node {
    const c = peek();
    let min: number;
    let max: number;
    if (c === '?' || c === '*' || c === '+') {
      at++;
      [min, max] = c === '?' ? [0, 1] : c === '*' ? [0, Infinity] : [1, Infinity];
    } else if (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(at))) {
      const [, lo, comma, hi] = /^\{(\d+)(,)?(\d*)\}/.exec(pattern.slice(at)) as RegExpExecArray;
      at += (/^\{\d+,?\d*\}/.exec(pattern.slice(at)) as RegExpExecArray)[0].length;
      min = Number(lo);
      max = comma === undefined ? min : hi === '' ? Infinity : Number(hi);
    } else return node;
    if (peek() === '?') at++; // lazy: the same strings match
    return (extra) => node(extra).repeat(Math.min(max, min + extra));
  }

  const root = alternation();
  if (at !== pattern.length) throw new Unsupported();
  return root;
}

/**
 * A string of at least `minLength` characters that `pattern` matches (as ajv does, with the `u` flag),
 * or `undefined` when the expression uses what this reader does not follow.
 *
 * @example
 * patternSample('^ord-[0-9]{4}$') // 'ord-0000'
 */
export function patternSample(pattern: string, minLength = 0): string | undefined {
  let node: Node;
  try {
    node = parse(pattern);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const re = new RegExp(pattern, 'u');
  for (let extra = 0; extra <= Math.max(8, minLength); extra++) {
    const text = node(extra);
    if (text.length >= minLength && re.test(text)) return text;
  }
  return undefined;
}
