/**
 * The tokens of a CloudWatch Logs filter pattern, and the value comparisons its JSON and space-delimited
 * forms share (wildcards `*`, regular expressions `%…%`, numbers). Pure: strings in, data out.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
import { TriggerError } from '../../errors.js';

export type TokenKind =
  | 'punct' // { } [ ] ( ) ,
  | 'op' // = != < <= > >=
  | 'logic' // && ||
  | 'ellipsis' // ...
  | 'selector' // $.a[0].b
  | 'string' // "quoted"
  | 'regex' // %…%
  | 'word'; // anything else up to a space or a delimiter: ERROR, 4*, 127.0.0.*, 1e-3

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based column of the token's first character in the pattern. */
  readonly column: number;
}

/** AWS's limit on a filter pattern's length. */
export const MAX_PATTERN_LENGTH = 1024;
/** AWS takes at most two regular expressions in one filter pattern. */
export const MAX_REGEXES = 2;

/** Longest first, so that `<=` is not read as `<` then `=`. */
const OPERATORS = ['...', '&&', '||', '!=', '<=', '>=', '=', '<', '>'] as const;
const DELIMITERS = new Set(['{', '}', '[', ']', '(', ')', ',', '=', '!', '<', '>', '&', '|', '"', '%']);

/** An invalid pattern: what and where, in one line. */
export function invalid(pattern: string, column: number, problem: string): TriggerError {
  return new TriggerError(
    'E_RULE_INVALID',
    `Invalid CloudWatch Logs filter pattern at column ${column}: ${problem} (in ${JSON.stringify(pattern)}).`,
    { path: 'filterPattern' },
  );
}

/** Splits a JSON or space-delimited pattern into tokens; throws `E_RULE_INVALID` naming the column. */
export function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string, start: number) =>
    tokens.push({ kind, text, column: start + 1 });
  while (i < pattern.length) {
    const c = pattern[i] as string;
    const start = i;
    if (/\s/.test(c)) i++;
    else if ('{}[](),'.includes(c)) push('punct', c, i++);
    else if (OPERATORS.some((op) => pattern.startsWith(op, i))) {
      const op = OPERATORS.find((o) => pattern.startsWith(o, i)) as string;
      push(op === '...' ? 'ellipsis' : op === '&&' || op === '||' ? 'logic' : 'op', op, start);
      i += op.length;
    } else if (c === '"') {
      const end = closing(pattern, i, '"');
      push('string', unquote(pattern.slice(i + 1, end)), start);
      i = end + 1;
    } else if (c === '%') {
      const end = closing(pattern, i, '%');
      push('regex', pattern.slice(i + 1, end), start);
      i = end + 1;
    } else if (c === '$') {
      const match = /^\$(?:\.(?:\*|[^\s.[\]{}(),=!<>&|"%]+)|\[(?:\d+|\*)\])*/.exec(
        pattern.slice(i),
      ) as RegExpExecArray;
      if (match[0] === '$')
        throw invalid(pattern, i + 1, 'expected a selector such as `$.level` or `$.items[0].id`');
      push('selector', match[0], start);
      i += match[0].length;
    } else if (c === '&' || c === '|' || c === '!') {
      throw invalid(pattern, i + 1, `unexpected \`${c}\`; write \`&&\`, \`||\` or \`!=\``);
    } else {
      while (i < pattern.length && !/\s/.test(pattern[i] as string) && !DELIMITERS.has(pattern[i] as string))
        i++;
      push('word', pattern.slice(start, i), start);
    }
  }
  return tokens;
}

/** Where the quote opened at `open` closes (a backslash escapes the next character). */
function closing(pattern: string, open: number, quote: string): number {
  for (let i = open + 1; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === quote) return i;
  }
  throw invalid(pattern, open + 1, `\`${quote}\` is never closed`);
}

const unquote = (text: string) => text.replace(/\\(.)/g, '$1');

/** A value a comparison takes: a number, a string with `*` wildcards, or a regular expression. */
export type Literal =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string; readonly test: (text: string) => boolean }
  | { readonly kind: 'regex'; readonly value: string; readonly test: (text: string) => boolean };

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** The literal of a value token (a word that reads as a number is one; `"400"` stays a string). */
export function literalOf(pattern: string, token: Token): Literal {
  if (token.kind === 'regex') return { kind: 'regex', value: token.text, test: regexTest(pattern, token) };
  if (token.kind === 'word' && NUMBER.test(token.text)) return { kind: 'number', value: Number(token.text) };
  return { kind: 'string', value: token.text, test: wildcardTest(token.text) };
}

/** `*` matches any run of characters; everything else is literal, and the whole text must match. */
export function wildcardTest(value: string): (text: string) => boolean {
  if (!value.includes('*')) return (text) => text === value;
  const source = value
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  const re = new RegExp(`^${source}$`);
  return (text) => re.test(text);
}

function regexTest(pattern: string, token: Token): (text: string) => boolean {
  try {
    const re = new RegExp(token.text);
    return (text) => re.test(text);
  } catch (error) {
    throw invalid(
      pattern,
      token.column,
      `%${token.text}% is not a regular expression (${(error as Error).message})`,
    );
  }
}

/** Whether `value` (from a log line) passes `op literal`; `undefined` (no such field) never does. */
export function compare(value: unknown, op: string, literal: Literal): boolean {
  if (value === undefined || typeof value === 'symbol') return false;
  if (literal.kind === 'number') {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && NUMBER.test(value)
          ? Number(value)
          : NaN;
    if (Number.isNaN(n)) return op === '!=';
    return NUMERIC[op as keyof typeof NUMERIC](n, literal.value);
  }
  if (value === null || typeof value === 'object') return op === '!=';
  const equal = literal.test(String(value));
  return op === '=' ? equal : !equal;
}

const NUMERIC = {
  '=': (a: number, b: number) => a === b,
  '!=': (a: number, b: number) => a !== b,
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
} as const;
