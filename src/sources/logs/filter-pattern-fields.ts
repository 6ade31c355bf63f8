/**
 * Space-delimited filter patterns: `[ip, user, ..., status_code = 4* || status_code = 5*, bytes > 1000]`.
 * A line splits on spaces into fields, a `"quoted"` or `[bracketed]` run being one field (without its
 * quotes or brackets); each name takes one field in order, `...` any number (none included), and the
 * line matches when the counts fit and every condition holds for the fields so named.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
import { compare, invalid, tokenize } from './filter-pattern-lexer.js';
import { checkRegexCount, createParser, evaluate, type Node, type Parser } from './filter-pattern-parser.js';

type Entry = { readonly kind: 'ellipsis' } | { readonly kind: 'field'; readonly name: string };

/** The matcher of a space-delimited pattern, and the named fields of a line it matches. */
export function compileFields(pattern: string) {
  const tokens = tokenize(pattern);
  checkRegexCount(pattern, tokens);
  const parser = createParser(pattern, tokens);
  const entries: Entry[] = [];
  const conditions: Node[] = [];
  const mentioned: { name: string; column: number }[] = [];
  parser.expect('[');
  for (;;) {
    if (parser.peek()?.kind === 'ellipsis') {
      parser.next();
      entries.push({ kind: 'ellipsis' });
    } else {
      const first = parser.take('word', 'a field name or `...`');
      const after = parser.peek();
      entries.push({ kind: 'field', name: first.text });
      if (after !== undefined && (after.kind !== 'punct' || (after.text !== ',' && after.text !== ']'))) {
        let own = true;
        conditions.push(
          parser.or(() => {
            const node = fieldTest(parser, own ? first.text : undefined, mentioned);
            own = false;
            return node;
          }),
        );
      }
    }
    if (parser.peek()?.text === ',' && parser.peek()?.kind === 'punct') parser.next();
    else break;
  }
  parser.expect(']');
  parser.end();
  const names = new Set(entries.flatMap((e) => (e.kind === 'field' ? [e.name] : [])));
  for (const { name, column } of mentioned)
    if (!names.has(name)) throw invalid(pattern, column, `\`${name}\` names no field of the pattern`);

  function extract(message: string): Readonly<Record<string, string>> | undefined {
    const fields = splitFields(message);
    let found: Record<string, string> | undefined;
    align(entries, fields, 0, 0, {}, (bindings) => {
      if (!conditions.every((c) => evaluate(c, bindings))) return false;
      found = bindings;
      return true;
    });
    return found && Object.freeze(found);
  }
  return { matches: (message: string) => extract(message) !== undefined, extract };
}

/** `name op value`; the entry's own name is already read (`own`), a later one is read here. */
function fieldTest(
  parser: Parser,
  own: string | undefined,
  mentioned: { name: string; column: number }[],
): Node {
  let name = own;
  if (name === undefined) {
    const token = parser.take('word', 'a field name');
    mentioned.push({ name: token.text, column: token.column });
    name = token.text;
  }
  const op = parser.take('op', 'a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`)');
  const literal = parser.literal();
  if (!['=', '!='].includes(op.text) && literal.kind !== 'number')
    throw invalid(
      parser.pattern,
      op.column,
      `\`${op.text}\` compares numbers; got ${JSON.stringify(literal.value)}`,
    );
  return { op: 'test', path: [name], test: (value) => compare(value, op.text, literal) };
}

/** A line's fields: runs of non-spaces, `"…"` and `[…]` each one field. */
export function splitFields(message: string): string[] {
  const fields: string[] = [];
  for (const m of message.matchAll(/"([^"]*)"|\[([^\]]*)\]|(\S+)/g)) fields.push(m[1] ?? m[2] ?? m[3] ?? '');
  return fields;
}

/** Tries every way `entries` fit `fields` (`...` takes none or more) until `accept` takes one. */
function align(
  entries: readonly Entry[],
  fields: readonly string[],
  e: number,
  f: number,
  bindings: Record<string, string>,
  accept: (bindings: Record<string, string>) => boolean,
): boolean {
  const entry = entries[e];
  if (entry === undefined) return f === fields.length && accept({ ...bindings });
  if (entry.kind === 'ellipsis') {
    for (let skip = f; skip <= fields.length; skip++)
      if (align(entries, fields, e + 1, skip, bindings, accept)) return true;
    return false;
  }
  const field = fields[f];
  if (field === undefined) return false;
  return align(entries, fields, e + 1, f + 1, { ...bindings, [entry.name]: field }, accept);
}
