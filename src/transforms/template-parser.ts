/**
 * The parser behind templates: JSON with placeholders, read into a tree of constants, value slots
 * (an unquoted placeholder stands for a whole JSON value) and text slots (a placeholder inside a string).
 * Placeholder syntax is the caller's: EventBridge's `<name>`, Alibaba's `${name}`.
 */

export type Piece = string | { readonly slot: string };

export type TemplateNode =
  | { readonly kind: 'const'; readonly value: unknown }
  | { readonly kind: 'slot'; readonly name: string }
  | { readonly kind: 'text'; readonly pieces: readonly Piece[] }
  | { readonly kind: 'array'; readonly items: readonly TemplateNode[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, TemplateNode])[] };

/** A placeholder found at a position: its name and where it ends; `problem` when it is malformed. */
export interface PlaceholderMatch {
  readonly name: string;
  readonly end: number;
  readonly problem?: string;
}

export interface PlaceholderSyntax {
  match(text: string, pos: number): PlaceholderMatch | undefined;
}

/** `value`: an unquoted placeholder (a whole JSON value); `text`: inside a string or a text template. */
export type SlotContext = 'value' | 'text';

/** Validates a placeholder where it is used; throws the caller's TriggerError when it may not be. */
export type SlotCheck = (name: string, context: SlotContext) => void;

/** A syntax error at a position; callers turn it into `E_TRANSFORM_INVALID` or try another shape. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Recursive descent over one template; `document()` for a JSON value, `lines()` for quoted lines. */
export class TemplateParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly syntax: PlaceholderSyntax,
    private readonly check: SlotCheck,
  ) {}

  document(): TemplateNode {
    const node = this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text.charAt(this.pos)}" after the value`);
    return node;
  }

  /** Two or more quoted strings separated by white space: one line each. */
  lines(): TemplateNode {
    const pieces: Piece[] = [];
    let count = 0;
    this.skipSpace();
    while (this.pos < this.text.length) {
      if (this.text.charAt(this.pos) !== '"') this.fail('expected a quoted line');
      if (count > 0) pieces.push('\n');
      pieces.push(...this.string());
      count += 1;
      this.skipSpace();
    }
    if (count < 2) this.fail('expected quoted lines');
    return textNode(pieces);
  }

  private value(): TemplateNode {
    this.skipSpace();
    const c = this.text.charAt(this.pos);
    const found = this.syntax.match(this.text, this.pos);
    if (found !== undefined) {
      if (found.problem !== undefined) this.fail(found.problem);
      this.check(found.name, 'value');
      this.pos = found.end;
      return { kind: 'slot', name: found.name };
    }
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return textNode(this.string());
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { kind: 'const', value };
      }
    }
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (number !== null) {
      this.pos = NUMBER.lastIndex;
      return { kind: 'const', value: Number(number[0]) };
    }
    return this.fail(c === '' ? 'unexpected end of template' : `unexpected "${c}"`);
  }

  private object(): TemplateNode {
    this.pos += 1;
    const entries: [string, TemplateNode][] = [];
    this.skipSpace();
    if (this.eat('}')) return folded({ kind: 'object', entries });
    for (;;) {
      this.skipSpace();
      if (this.syntax.match(this.text, this.pos) !== undefined) {
        this.fail('a placeholder cannot be used as an object key');
      }
      if (this.text.charAt(this.pos) !== '"') this.fail('expected a quoted object key');
      const key = this.string();
      if (key.some((piece) => typeof piece !== 'string')) {
        this.fail('a placeholder cannot be used as an object key');
      }
      this.skipSpace();
      if (!this.eat(':')) this.fail('expected ":" after the object key');
      entries.push([key.join(''), this.value()]);
      this.skipSpace();
      if (this.eat('}')) return folded({ kind: 'object', entries });
      if (!this.eat(',')) this.fail('expected "," or "}"');
    }
  }

  private array(): TemplateNode {
    this.pos += 1;
    const items: TemplateNode[] = [];
    this.skipSpace();
    if (this.eat(']')) return folded({ kind: 'array', items });
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      if (this.eat(']')) return folded({ kind: 'array', items });
      if (!this.eat(',')) this.fail('expected "," or "]"');
    }
  }

  /** A quoted string at `pos`, escapes decoded; placeholders inside it become text slots. */
  private string(): Piece[] {
    this.pos += 1;
    const pieces: Piece[] = [];
    let literal = '';
    for (;;) {
      const c = this.text.charAt(this.pos);
      if (c === '') this.fail('unterminated string');
      if (c === '"') break;
      if (c === '\\') {
        literal += this.escape();
        continue;
      }
      const found = this.syntax.match(this.text, this.pos);
      if (found === undefined) {
        literal += c;
        this.pos += 1;
        continue;
      }
      if (found.problem !== undefined) this.fail(found.problem);
      this.check(found.name, 'text');
      if (literal !== '') pieces.push(literal);
      literal = '';
      pieces.push({ slot: found.name });
      this.pos = found.end;
    }
    this.pos += 1;
    if (literal !== '' || pieces.length === 0) pieces.push(literal);
    return pieces;
  }

  private escape(): string {
    const c = this.text.charAt(this.pos + 1);
    if (c === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
      this.pos += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const decoded = ESCAPES[c];
    if (decoded === undefined) this.fail(`bad escape "\\${c}"`);
    this.pos += 2;
    return decoded ?? '';
  }

  private eat(c: string): boolean {
    if (this.text.charAt(this.pos) !== c) return false;
    this.pos += 1;
    return true;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text.charAt(this.pos))) this.pos += 1;
  }

  private fail(message: string): never {
    throw new TemplateSyntaxError(message, this.pos);
  }
}

export function textNode(pieces: readonly Piece[]): TemplateNode {
  if (pieces.every((piece) => typeof piece === 'string')) return { kind: 'const', value: pieces.join('') };
  return { kind: 'text', pieces };
}

/** Folds a container whose children are all constants into one frozen constant. */
function folded(node: TemplateNode): TemplateNode {
  if (node.kind === 'array' && node.items.every((item) => item.kind === 'const')) {
    return { kind: 'const', value: Object.freeze(node.items.map(constValue)) };
  }
  if (node.kind === 'object' && node.entries.every(([, value]) => value.kind === 'const')) {
    const entries = node.entries.map(([key, value]) => [key, constValue(value)] as const);
    return { kind: 'const', value: Object.freeze(Object.fromEntries(entries)) };
  }
  return node;
}

function constValue(node: TemplateNode): unknown {
  return node.kind === 'const' ? node.value : undefined;
}
