/**
 * EventBridge event patterns, compiled once into a matcher.
 * This first cut supports exact values (string, number, boolean, null), nesting and array fields;
 * content-filter operators are rejected with `E_RULE_INVALID` rather than silently mis-matched.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
import { TriggerError } from '../errors.js';

export type PatternDialect = 'aws' | 'alibaba';

export interface CompilePatternOptions {
  dialect?: PatternDialect;
}

/** A compiled pattern. */
export interface Matcher {
  matches(event: unknown): boolean;
}

/** A leaf test on every value found at one path. */
interface FieldTest {
  readonly path: readonly string[];
  readonly accepts: (value: unknown) => boolean;
}

/**
 * Compiles an event pattern. Throws `TriggerError` `E_RULE_INVALID` naming the path and the reason.
 *
 * @example
 * const rule = compilePattern({ type: ['com.shop.order.created'], data: { currency: ['EUR'] } });
 * rule.matches({ type: 'com.shop.order.created', data: { currency: 'EUR' } }) // true
 */
export function compilePattern(pattern: unknown, options: CompilePatternOptions = {}): Matcher {
  const dialect = options.dialect ?? 'aws';
  if (dialect !== 'aws' && dialect !== 'alibaba') {
    throw invalid('', `unknown dialect ${JSON.stringify(dialect)}; use 'aws' or 'alibaba'`);
  }
  if (!isPlainObject(pattern)) throw invalid('', `a pattern must be a JSON object, got ${kind(pattern)}`);
  const tests: FieldTest[] = [];
  collect(pattern, [], tests);
  if (tests.length === 0 && dialect === 'aws')
    throw invalid('', 'an empty pattern matches nothing; add at least one field');
  return Object.freeze({
    matches(event: unknown): boolean {
      for (const test of tests) if (!anyValue(event, test.path, 0, test.accepts)) return false;
      return true;
    },
  });
}

function collect(node: Record<string, unknown>, path: string[], out: FieldTest[]): void {
  for (const [key, value] of Object.entries(node)) {
    const here = [...path, key];
    if (Array.isArray(value)) {
      out.push({ path: here, accepts: compileLeaf(value, here) });
    } else if (isPlainObject(value)) {
      if (Object.keys(value).length === 0) throw invalid(here.join('.'), 'an empty object matches nothing');
      collect(value, here, out);
    } else {
      throw invalid(
        here.join('.'),
        `a pattern field must be an array of values or a nested object, got ${kind(value)}; write [${JSON.stringify(value)}]`,
      );
    }
  }
}

function compileLeaf(values: unknown[], path: string[]): (value: unknown) => boolean {
  if (values.length === 0) throw invalid(path.join('.'), 'an empty array matches nothing');
  const strings = new Set<string>();
  const numbers = new Set<number>();
  const booleans = new Set<boolean>();
  let nullAllowed = false;
  for (const v of values) {
    if (typeof v === 'string') strings.add(v);
    else if (typeof v === 'number') numbers.add(v);
    else if (typeof v === 'boolean') booleans.add(v);
    else if (v === null) nullAllowed = true;
    else if (isPlainObject(v)) {
      const operator = Object.keys(v)[0] ?? '(empty)';
      throw invalid(
        path.join('.'),
        `the content filter ${JSON.stringify(operator)} is not supported by this pattern compiler`,
      );
    } else throw invalid(path.join('.'), `${kind(v)} is not a value a pattern can match`);
  }
  return (value) => {
    if (typeof value === 'string') return strings.has(value);
    if (typeof value === 'number') return numbers.has(value);
    if (typeof value === 'boolean') return booleans.has(value);
    return value === null && nullAllowed;
  };
}

/** Walks `path`, fanning out over arrays, and reports whether any value found there is accepted. */
function anyValue(
  node: unknown,
  path: readonly string[],
  depth: number,
  accepts: (v: unknown) => boolean,
): boolean {
  if (Array.isArray(node)) {
    for (const element of node) if (anyValue(element, path, depth, accepts)) return true;
    return false;
  }
  if (depth === path.length) return accepts(node);
  if (typeof node !== 'object' || node === null) return false;
  const key = path[depth] as string;
  if (!Object.hasOwn(node, key)) return false;
  return anyValue((node as Record<string, unknown>)[key], path, depth + 1, accepts);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function invalid(path: string, reason: string): TriggerError {
  const where = path === '' ? 'the pattern' : `pattern field \`${path}\``;
  return new TriggerError('E_RULE_INVALID', `Invalid event pattern: ${where}: ${reason}.`, { path });
}
