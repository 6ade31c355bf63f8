/**
 * CloudWatch Logs filter patterns — of subscription filters, metric filters and FilterLogEvents — as AWS
 * documents them, compiled once into a matcher of log lines:
 *
 * - terms: `ERROR`, `"exact phrase"` (case-sensitive substrings; several terms: all of them), `?ERROR
 *   ?WARN` (any of them), `-DEBUG` (none of them), `%regex%`; an empty pattern or `" "` matches every line;
 * - JSON: `{ $.level = "ERROR" && ($.ms > 500 || $.user.id = 7) }` with `= != < <= > >=`, wildcards in
 *   strings (`"*foo*"`), `IS NULL`, `NOT EXISTS`, `IS TRUE`, `IS FALSE`, array indexes `$.a[0].b` and `[*]`;
 *   a line that is not a JSON object never matches;
 * - space-delimited: `[ip, user, ..., status_code = 4*, bytes > 1000]`, fields split on spaces with `"…"`
 *   and `[…]` one field each, `...` for any number of fields; a match gives the named fields
 *   (`extractedFields`).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
import { compileFields } from './filter-pattern-fields.js';
import {
  compare,
  invalid,
  type Literal,
  literalOf,
  MAX_PATTERN_LENGTH,
  MAX_REGEXES,
  tokenize,
} from './filter-pattern-lexer.js';
import {
  checkRegexCount,
  createParser,
  evaluate,
  NONE,
  type Node,
  type Parser,
} from './filter-pattern-parser.js';

/** A compiled filter pattern. */
export interface FilterPattern {
  readonly pattern: string;
  /** Whether a log line's message matches. */
  matches(message: string): boolean;
  /** For a space-delimited pattern, the named fields of a matching line; otherwise undefined. */
  extract(message: string): Readonly<Record<string, string>> | undefined;
}

/**
 * Compiles a filter pattern; throws `TriggerError` `E_RULE_INVALID` saying where and why it is invalid.
 *
 * @example
 * compileFilterPattern('{ $.level = "ERROR" && $.ms > 500 }').matches('{"level":"ERROR","ms":900}'); // true
 */
export function compileFilterPattern(pattern: string): FilterPattern {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw invalid(
      pattern,
      MAX_PATTERN_LENGTH + 1,
      `a filter pattern has at most ${MAX_PATTERN_LENGTH} characters`,
    );
  const trimmed = pattern.trim();
  const base = { pattern, extract: () => undefined };
  if (trimmed.startsWith('{')) return Object.freeze({ ...base, matches: compileJson(pattern) });
  if (trimmed.startsWith('[')) return Object.freeze({ pattern, ...compileFields(pattern) });
  return Object.freeze({ ...base, matches: compileTerms(pattern) });
}

/** The problem with a pattern in one line, or undefined when it compiles (for declaration checks). */
export function filterPatternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return `filterPattern must be a string such as '{ $.level = "ERROR" }'`;
  try {
    compileFilterPattern(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/\.$/, '');
  }
}

function compileTerms(pattern: string): (message: string) => boolean {
  const terms = [...pattern.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)("?)|%((?:[^%\\]|\\.)*)(%?)|([^\s"%]+))/g)];
  const all: ((m: string) => boolean)[] = [];
  const any: ((m: string) => boolean)[] = [];
  const none: ((m: string) => boolean)[] = [];
  let regexes = 0;
  for (const term of terms) {
    const [, prefix = '', quoted, quoteEnd, regex, regexEnd, word] = term;
    const column = (term.index ?? 0) + 1;
    if (quoted !== undefined && quoteEnd === '') throw invalid(pattern, column, '`"` is never closed');
    if (regex !== undefined && regexEnd === '') throw invalid(pattern, column, '`%` is never closed');
    let test: (m: string) => boolean;
    if (regex !== undefined) {
      if (++regexes > MAX_REGEXES)
        throw invalid(pattern, column, `a filter pattern takes at most ${MAX_REGEXES} regular expressions`);
      const literal = literalOf(pattern, { kind: 'regex', text: regex, column: column + prefix.length });
      test = (literal as Extract<Literal, { kind: 'regex' }>).test;
    } else {
      const text = quoted === undefined ? (word as string) : quoted.replace(/\\(.)/g, '$1');
      if (text.trim() === '') continue; // `" "` matches everything
      test = (m) => m.includes(text);
    }
    (prefix === '?' ? any : prefix === '-' ? none : all).push(test);
  }
  return (m) =>
    all.every((t) => t(m)) && !none.some((t) => t(m)) && (any.length === 0 || any.some((t) => t(m)));
}

function compileJson(pattern: string): (message: string) => boolean {
  const tokens = tokenize(pattern);
  checkRegexCount(pattern, tokens);
  const parser = createParser(pattern, tokens);
  parser.expect('{');
  const tree = parser.or(() => jsonTest(parser));
  parser.expect('}');
  parser.end();
  return (message) => {
    if (message.trimStart()[0] !== '{') return false;
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      return false;
    }
    return json !== null && typeof json === 'object' && evaluate(tree, json);
  };
}

function jsonTest(parser: Parser): Node {
  const selector = parser.take('selector', 'a selector such as `$.level`');
  const path = selector.text.slice(1).match(/\.[^.[]+|\[[^\]]+\]/g) ?? [];
  const keys = path.map((p) => (p.startsWith('.') ? p.slice(1) : p.slice(1, -1)));
  const word = parser.peek();
  if (word?.kind === 'word' && (word.text === 'IS' || word.text === 'NOT')) {
    parser.next();
    const what = parser.take('word', word.text === 'IS' ? '`NULL`, `TRUE` or `FALSE`' : '`EXISTS`');
    const check = KEYWORDS[`${word.text} ${what.text}`];
    if (check === undefined)
      throw invalid(
        parser.pattern,
        what.column,
        `expected ${word.text === 'IS' ? '`IS NULL`, `IS TRUE` or `IS FALSE`' : '`NOT EXISTS`'}`,
      );
    return { op: 'test', path: keys, test: check };
  }
  const op = parser.take('op', 'a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`), `IS` or `NOT EXISTS`');
  const literal = parser.literal();
  if (!['=', '!='].includes(op.text) && literal.kind !== 'number')
    throw invalid(
      parser.pattern,
      op.column,
      `\`${op.text}\` compares numbers; got ${JSON.stringify(literal.value)}`,
    );
  return { op: 'test', path: keys, test: (value) => compare(value, op.text, literal) };
}

const KEYWORDS: Readonly<Record<string, (value: unknown) => boolean>> = {
  'IS NULL': (v) => v === null,
  'IS TRUE': (v) => v === true,
  'IS FALSE': (v) => v === false,
  'NOT EXISTS': (v) => v === NONE,
};
