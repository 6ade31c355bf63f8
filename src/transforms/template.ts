/**
 * Templates with placeholders — EventBridge's `<name>` and Alibaba's `${name}` — parsed once into a tree.
 * A JSON template becomes a tree of constants, value slots (an unquoted placeholder stands for a whole
 * JSON value) and text slots (a placeholder inside a string). Building the output from the tree rather
 * than by pasting text and re-parsing it means a value can never break the JSON around it, costs no
 * parse per event, and a placeholder can never become an object key.
 */
import {
  type Piece,
  type PlaceholderSyntax,
  type SlotCheck,
  type TemplateNode,
  TemplateParser,
  TemplateSyntaxError,
  textNode,
} from './template-parser.js';

export type { PlaceholderSyntax, SlotCheck, TemplateNode } from './template-parser.js';
export { TemplateSyntaxError } from './template-parser.js';

/**
 * How a template was read: `json` (a JSON value with placeholders — object, array, string, bare
 * placeholder), `lines` (several quoted strings, one per line, joined with newlines) or `text`
 * (anything else, used as it stands).
 */
export type TemplateShape = 'json' | 'lines' | 'text';

/**
 * Parses a template. Text starting with `{` must be valid JSON apart from its placeholders; otherwise the
 * first of JSON value, quoted lines and plain text that fits decides the shape.
 *
 * @example
 * parseTemplate('{"state": <state>}', awsSyntax, () => {}).shape // 'json'
 */
export function parseTemplate(
  text: string,
  syntax: PlaceholderSyntax,
  check: SlotCheck,
): { shape: TemplateShape; node: TemplateNode } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{'))
    return { shape: 'json', node: new TemplateParser(text, syntax, check).document() };
  try {
    return { shape: 'json', node: new TemplateParser(text, syntax, check).document() };
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
  }
  try {
    return { shape: 'lines', node: new TemplateParser(text, syntax, check).lines() };
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
  }
  return { shape: 'text', node: textNode(textPieces(text, syntax, check)) };
}

/** Splits plain text into literal pieces and text slots. */
export function textPieces(text: string, syntax: PlaceholderSyntax, check: SlotCheck): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  let pos = 0;
  while (pos < text.length) {
    const found = syntax.match(text, pos);
    if (found === undefined) {
      literal += text.charAt(pos);
      pos += 1;
      continue;
    }
    if (found.problem !== undefined) throw new TemplateSyntaxError(found.problem, pos);
    check(found.name, 'text');
    if (literal !== '') pieces.push(literal);
    literal = '';
    pieces.push({ slot: found.name });
    pos = found.end;
  }
  if (literal !== '') pieces.push(literal);
  return pieces;
}

/** How a slot's value is written: as a whole JSON value, and as text inside a string. */
export interface SlotValues {
  /** The slot's value, or MISSING. */
  lookup(name: string): unknown;
  /** What an unquoted placeholder becomes when its value is missing. */
  readonly missingValue: unknown;
  /** How a value (or MISSING) reads inside a string. */
  text(value: unknown): string;
}

/**
 * Builds the output for one event. Objects are built with `Object.fromEntries`, so a template key such as
 * `__proto__` is an own property, never a prototype.
 */
export function render(node: TemplateNode, values: SlotValues, missing: symbol): unknown {
  switch (node.kind) {
    case 'const':
      return node.value;
    case 'slot': {
      const value = values.lookup(node.name);
      return value === missing ? values.missingValue : value;
    }
    case 'text': {
      let out = '';
      for (const piece of node.pieces)
        out += typeof piece === 'string' ? piece : values.text(values.lookup(piece.slot));
      return out;
    }
    case 'array':
      return node.items.map((item) => render(item, values, missing));
    case 'object':
      return Object.fromEntries(node.entries.map(([key, value]) => [key, render(value, values, missing)]));
  }
}

/** A constant output, deep-frozen: the same object is handed to every event, so no handler may change it. */
export function freezeConstant<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) freezeConstant(child);
    Object.freeze(value);
  }
  return value;
}
