/**
 * The grammar the JSON and space-delimited filter patterns share: comparisons joined by `&&` and `||`
 * (`&&` binding tighter) and grouped by parentheses, read from tokens (filter-pattern-lexer.ts), and
 * evaluated over a JSON line or over the named fields of a space-delimited one.
 */
import { invalid, type Literal, literalOf, MAX_REGEXES, type Token } from './filter-pattern-lexer.js';

/** What a selector finds when its path leads nowhere (`NOT EXISTS`). */
export const NONE = Symbol('none');

export type Node =
  | { readonly op: '&&' | '||'; readonly left: Node; readonly right: Node }
  | { readonly op: 'test'; readonly path: readonly string[]; readonly test: (value: unknown) => boolean };

/** The tokens' regular expressions, at most two (AWS's limit). */
export function checkRegexCount(pattern: string, tokens: readonly Token[]): void {
  const regexes = tokens.filter((t) => t.kind === 'regex');
  const third = regexes[MAX_REGEXES];
  if (third)
    throw invalid(pattern, third.column, `a filter pattern takes at most ${MAX_REGEXES} regular expressions`);
}

export function evaluate(node: Node, json: object): boolean {
  if (node.op === '&&') return evaluate(node.left, json) && evaluate(node.right, json);
  if (node.op === '||') return evaluate(node.left, json) || evaluate(node.right, json);
  if (node.op !== 'test') return false;
  const values = select(json, node.path);
  if (values.length === 0) return node.test(NONE);
  return values.some((v) => node.test(v));
}

/** The values at `path` (`*` any key or index); none when the path leads nowhere. */
function select(value: unknown, path: readonly string[]): unknown[] {
  let nodes: unknown[] = [value];
  for (const key of path) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (node === null || typeof node !== 'object') continue;
      if (key === '*') next.push(...Object.values(node));
      else if (Object.hasOwn(node, key)) next.push((node as Record<string, unknown>)[key]);
    }
    nodes = next;
  }
  return nodes;
}

export type Parser = ReturnType<typeof createParser>;

/** A recursive-descent reader over tokens, shared by the JSON and space-delimited forms. */
export function createParser(pattern: string, tokens: readonly Token[]) {
  let at = 0;
  const where = () => tokens[at]?.column ?? pattern.length + 1;
  const got = () => (tokens[at] ? `\`${tokens[at]?.text}\`` : 'the end of the pattern');
  const parser = {
    pattern,
    peek: () => tokens[at],
    next: () => tokens[at++] as Token,
    take(kind: Token['kind'], what: string): Token {
      if (tokens[at]?.kind !== kind) throw invalid(pattern, where(), `expected ${what}, got ${got()}`);
      return tokens[at++] as Token;
    },
    expect(text: string): void {
      if (tokens[at]?.text !== text || tokens[at]?.kind === 'string')
        throw invalid(pattern, where(), `expected \`${text}\`, got ${got()}`);
      at++;
    },
    end(): void {
      if (at < tokens.length) throw invalid(pattern, where(), `unexpected ${got()} after the pattern's end`);
    },
    literal(): Literal {
      const token = tokens[at];
      if (token === undefined || !['string', 'word', 'regex'].includes(token.kind))
        throw invalid(pattern, where(), `expected a value (a number, a "string" or a %regex%), got ${got()}`);
      at++;
      return literalOf(pattern, token);
    },
    /** `term (&& term)* (|| …)*`, `&&` binding tighter; `( … )` groups. */
    or(term: () => Node): Node {
      let node = parser.and(term);
      while (tokens[at]?.text === '||') {
        at++;
        node = { op: '||', left: node, right: parser.and(term) };
      }
      return node;
    },
    and(term: () => Node): Node {
      let node = parser.group(term);
      while (tokens[at]?.text === '&&') {
        at++;
        node = { op: '&&', left: node, right: parser.group(term) };
      }
      return node;
    },
    group(term: () => Node): Node {
      if (tokens[at]?.text !== '(' || tokens[at]?.kind !== 'punct') return term();
      at++;
      const node = parser.or(term);
      parser.expect(')');
      return node;
    },
  };
  return parser;
}
