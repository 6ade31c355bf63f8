/**
 * Parses one leaf array of a pattern (`["a", { "prefix": "b" }]`) into matcher specs, with the operator set
 * and validation rules of the dialect. Every rejection names the field and says how to fix it.
 * @see ../../docs/patterns.md#operators
 */
import { parseAlibabaAnythingBut, parseAwsAnythingBut, tooComplex } from './anything-but.js';
import { parseAlibabaCidr, parseAwsCidr } from './cidr.js';
import { fold } from './fold.js';
import { parseAlibabaNumeric, parseAwsNumeric } from './numeric.js';
import { describe, invalidPattern, isPlainObject, show } from './pattern-error.js';
import type { MatcherSpec, PatternDialect, PatternLimits } from './types.js';
import { globComplexity, globMatches, parseGlob } from './wildcard.js';

/** Operator names per dialect. */
export const OPERATORS: Readonly<Record<PatternDialect, readonly string[]>> = {
  aws: ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'cidr', 'exists'],
  alibaba: ['prefix', 'suffix', 'contains', 'anything-but', 'numeric', 'cidr', 'exists'],
};

/** Parses a leaf array. */
export function parseLeaf(
  values: readonly unknown[],
  path: string,
  dialect: PatternDialect,
  limits: PatternLimits,
): MatcherSpec[] {
  if (values.length === 0) {
    throw invalidPattern(path, 'an empty array matches nothing; list at least one value, e.g. ["a"]');
  }
  return values.map((value) => {
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) {
      return { kind: 'exact', value };
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value))
        throw invalidPattern(path, `cannot match the number ${value}; use a finite number`);
      return { kind: 'exact', value };
    }
    if (isPlainObject(value)) return parseOperator(value, path, dialect, limits);
    const hint = Array.isArray(value) ? '; list all the values in one array, e.g. ["a", "b"]' : '';
    throw invalidPattern(
      path,
      `a match value must be a string, number, true, false, null or an operator object, got ${describe(value)}${hint}`,
    );
  });
}

function parseOperator(
  matcher: Record<string, unknown>,
  path: string,
  dialect: PatternDialect,
  limits: PatternLimits,
): MatcherSpec {
  const keys = Object.keys(matcher);
  if (keys.length === 0) {
    throw invalidPattern(
      path,
      'an empty object {} is not a matcher; write an operator such as { "prefix": "order-" }',
    );
  }
  if (keys.length > 1) {
    throw invalidPattern(
      path,
      `only one operator is allowed per matcher object, got ${keys.map((k) => `"${k}"`).join(', ')}; write each as its own element of the array`,
    );
  }
  const name = keys[0] as string;
  const value = matcher[name];
  if (!OPERATORS[dialect].includes(name)) throw unknownOperator(name, path, dialect);
  switch (name) {
    case 'prefix':
    case 'suffix':
      return dialect === 'aws' ? awsAffix(name, value, path) : alibabaString(name, value, path);
    case 'contains':
      return alibabaString(name, value, path);
    case 'equals-ignore-case': {
      const text = requireString(name, value, path);
      const folded = fold(text);
      return { kind: name, value: text, test: (v) => typeof v === 'string' && fold(v) === folded };
    }
    case 'wildcard': {
      const glob = parseGlob(requireString(name, value, path), path);
      if (globComplexity(glob, limits.maxWildcardComplexity) > limits.maxWildcardComplexity) {
        throw tooComplex(path, glob.source, limits.maxWildcardComplexity);
      }
      return { kind: name, glob, test: (v) => typeof v === 'string' && globMatches(glob, v) };
    }
    case 'anything-but':
      return dialect === 'aws'
        ? parseAwsAnythingBut(value, path, limits)
        : parseAlibabaAnythingBut(value, path);
    case 'numeric':
      return dialect === 'aws' ? parseAwsNumeric(value, path) : parseAlibabaNumeric(value, path);
    case 'cidr':
      return dialect === 'aws' ? parseAwsCidr(value, path) : parseAlibabaCidr(value, path);
    default: {
      if (typeof value !== 'boolean') {
        throw invalidPattern(
          path,
          `exists match pattern must be either true or false, got ${describe(value)}; write it without quotes (YAML and CloudFormation tools often turn it into a string)`,
        );
      }
      return { kind: 'exists', value };
    }
  }
}

function unknownOperator(name: string, path: string, dialect: PatternDialect) {
  const lower = name.toLowerCase();
  let hint = `use one of ${OPERATORS[dialect].join(', ')}`;
  if (lower !== name && OPERATORS[dialect].includes(lower))
    hint = `operator names are case-sensitive: write "${lower}"`;
  else if (dialect === 'aws' && name === 'contains') {
    hint = 'the aws dialect has no `contains`; use { "wildcard": "*text*" }';
  } else if (dialect === 'alibaba' && OPERATORS.aws.includes(name)) {
    hint = `\`${name}\` is not supported by the alibaba dialect; ${hint}`;
  } else if (name === 'exactly') hint = 'write the plain string value instead';
  return invalidPattern(path, `unrecognized match type "${name}": ${hint}`);
}

function requireString(name: string, value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw invalidPattern(path, `the value of \`${name}\` must be a string, got ${describe(value)}`);
  }
  return value;
}

function awsAffix(name: 'prefix' | 'suffix', value: unknown, path: string): MatcherSpec {
  let text: string;
  let ignoreCase = false;
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw invalidPattern(
        path,
        `unsupported ${name} pattern ${show(value)}: the only option is { "${name}": { "equals-ignore-case": "…" } }`,
      );
    }
    text = requireString(`${name}.equals-ignore-case`, value['equals-ignore-case'], path);
    ignoreCase = true;
  } else {
    text = requireString(name, value, path);
  }
  const folded = fold(text);
  let test: (v: unknown) => boolean;
  if (name === 'prefix') {
    test = ignoreCase
      ? (v) => typeof v === 'string' && fold(v).startsWith(folded)
      : (v) => typeof v === 'string' && v.startsWith(text);
  } else {
    test = ignoreCase
      ? (v) => typeof v === 'string' && fold(v).endsWith(folded)
      : (v) => typeof v === 'string' && v.endsWith(text);
  }
  return { kind: name, value: text, ignoreCase, test };
}

function alibabaString(name: 'prefix' | 'suffix' | 'contains', value: unknown, path: string): MatcherSpec {
  if (typeof value !== 'string' || value === '') {
    throw invalidPattern(
      path,
      `the value of \`${name}\` must be a non-empty string in the alibaba dialect, got ${describe(value)}`,
    );
  }
  if (name === 'contains')
    return { kind: name, value, test: (v) => typeof v === 'string' && v.includes(value) };
  const test =
    name === 'prefix'
      ? (v: unknown) => typeof v === 'string' && v.startsWith(value)
      : (v: unknown) => typeof v === 'string' && v.endsWith(value);
  return { kind: name, value, ignoreCase: false, test };
}
