/**
 * `numeric` in both dialects. AWS: one comparison, `=`, or a lower-then-upper range with lower < upper,
 * compared as doubles. Alibaba: 2 or 4 elements, every (operator, operand) pair ANDed, `!=` allowed,
 * operands within ±1e9, equality within 1e-7 (rocketmq-eventbridge `NumericOperators`).
 * @see ../../docs/patterns.md#numeric
 */
import { describe, invalidPattern, show } from './pattern-error.js';
import type { MatcherSpec, NumericRange, Scalar } from './types.js';

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

/** Parses an AWS `numeric` value into one interval. */
export function parseAwsNumeric(value: unknown, path: string): MatcherSpec {
  if (!Array.isArray(value)) {
    throw invalidPattern(
      path,
      `\`numeric\` must be an array such as [">", 0, "<=", 5], got ${describe(value)}`,
    );
  }
  if (value.length === 0) {
    throw invalidPattern(path, '`numeric` needs a comparison such as [">", 0] or ["=", 5], got []');
  }
  const [op1, n1] = readTerm(value, 0, path);
  let range: NumericRange;
  if (op1 === '=') {
    if (value.length > 2) throw tooMany(path, value, 'an ["=", n] comparison stands alone');
    range = { lo: n1, loInclusive: true, hi: n1, hiInclusive: true };
  } else if (UPPER.has(op1)) {
    if (value.length > 2) {
      throw tooMany(path, value, `put the lower bound first, e.g. [">", 0, "${op1}", ${n1}]`);
    }
    range = { lo: -Infinity, loInclusive: false, hi: n1, hiInclusive: op1 === '<=' };
  } else if (value.length <= 2) {
    range = { lo: n1, loInclusive: op1 === '>=', hi: Infinity, hiInclusive: false };
  } else {
    const [op2, n2] = readTerm(value, 2, path);
    if (!UPPER.has(op2)) {
      throw invalidPattern(
        path,
        `bad numeric range operator ${JSON.stringify(op2)} in ${show(value)}: after a lower bound (${op1}) comes an upper bound, "<" or "<="`,
      );
    }
    if (value.length > 4) throw tooMany(path, value, 'a range has at most two comparisons');
    if (!(n1 < n2)) {
      throw invalidPattern(
        path,
        `numeric range ${show(value)} needs a lower bound below its upper bound (AWS: "Bottom must be less than top"); to match one number write ["=", ${n1}]`,
      );
    }
    range = { lo: n1, loInclusive: op1 === '>=', hi: n2, hiInclusive: op2 === '<=' };
  }
  return { kind: 'numeric', range, test: rangeTest(range) };
}

function readTerm(value: unknown[], at: number, path: string): [string, number] {
  const op = value[at];
  if (typeof op !== 'string' || !(op === '=' || LOWER.has(op) || UPPER.has(op))) {
    const hint = op === '!=' ? '; to exclude a number use { "anything-but": n }' : '';
    throw invalidPattern(
      path,
      `unrecognized numeric operator ${show(op)} in ${show(value)}; use "=", "<", "<=", ">" or ">="${hint}`,
    );
  }
  if (at + 1 >= value.length) {
    throw invalidPattern(path, `numeric operator "${op}" in ${show(value)} needs a number after it`);
  }
  return [op, operand(op, value[at + 1], path)];
}

function operand(op: string, n: unknown, path: string): number {
  if (typeof n !== 'number') {
    throw invalidPattern(
      path,
      `the value of numeric "${op}" must be a number, got ${describe(n)}; write it without quotes`,
    );
  }
  if (!Number.isFinite(n)) throw invalidPattern(path, `cannot compare number ${n}: use a finite number`);
  return n;
}

function tooMany(path: string, value: unknown[], why: string) {
  return invalidPattern(path, `too many elements in numeric expression ${show(value)}: ${why}`);
}

function rangeTest(r: NumericRange): (v: Scalar) => boolean {
  const { lo, hi, loInclusive, hiInclusive } = r;
  if (lo === hi) return (v) => v === lo;
  return (v) => typeof v === 'number' && (loInclusive ? v >= lo : v > lo) && (hiInclusive ? v <= hi : v < hi);
}

const ALIBABA_OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const ALIBABA_LIMIT = 1e9;
const ALIBABA_TOLERANCE = 1e-7;

/** Parses an Alibaba `numeric` value: pairs ANDed in any order, `!=` allowed, operands within ±1e9. */
export function parseAlibabaNumeric(value: unknown, path: string): MatcherSpec {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 4)) {
    throw invalidPattern(
      path,
      `\`numeric\` must be an array of 2 or 4 elements such as [">", 0, "<=", 5], got ${show(value)}`,
    );
  }
  const ops: string[] = [];
  const operands: number[] = [];
  for (let i = 0; i < value.length; i += 2) {
    const op = value[i];
    const n = value[i + 1];
    if (typeof op !== 'string' || !ALIBABA_OPERATORS.has(op)) {
      throw invalidPattern(
        path,
        `unrecognized numeric operator ${show(op)}; use "=", "!=", "<", "<=", ">" or ">="`,
      );
    }
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      throw invalidPattern(path, `the value of numeric "${op}" must be a number, got ${describe(n)}`);
    }
    if (n > ALIBABA_LIMIT || n < -ALIBABA_LIMIT) {
      throw invalidPattern(
        path,
        `numeric operand ${n} is out of range: the alibaba dialect allows -1e9 to 1e9`,
      );
    }
    ops.push(op);
    operands.push(n);
  }
  const test = (v: Scalar): boolean => {
    if (typeof v !== 'number') return false;
    for (let i = 0; i < ops.length; i++)
      if (!alibabaCompare(ops[i] as string, v, operands[i] as number)) return false;
    return true;
  };
  return { kind: 'numeric', range: undefined, test };
}

function alibabaCompare(op: string, v: number, n: number): boolean {
  const order = Math.abs(v - n) <= ALIBABA_TOLERANCE ? 0 : v < n ? -1 : v > n ? 1 : Number.NaN;
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    default:
      return order <= 0;
  }
}
