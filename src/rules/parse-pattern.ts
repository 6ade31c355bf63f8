/**
 * Walks a pattern object, validates its structure for the dialect, and expands `$or` into disjunctive
 * normal form: a list of conjunctions of leaf conditions, each addressing one event path.
 * @see ../../docs/patterns.md
 */
import { type EnvelopeRename, envelopeRename } from './envelope.js';
import { OPERATORS, parseLeaf } from './parse-matcher.js';
import { describe, invalidPattern, isPlainObject, joinPath, show } from './pattern-error.js';
import type { Condition, Conjunction, PatternDialect, PatternLimits } from './types.js';

/** Field names that cannot appear inside `$or` (event-ruler reserves them). */
const RESERVED_IN_OR = new Set([
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'equals-ignore-case',
  'wildcard',
  'exactly',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const MAX_DEPTH = 64;

/**
 * The top-level keys Alibaba Cloud EventBridge accepts besides `data`: the CloudEvents 1.0 context
 * attributes and the system extensions it sets on every event. Its engine (rocketmq-eventbridge
 * PatternEvaluatorBuilder) refuses any other key as an "unrecognized pattern key".
 */
const ALIBABA_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id',
  'source',
  'specversion',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
  'aliyunaccountid',
  'aliyunpublishtime',
  'aliyunoriginalaccountid',
  'aliyuneventbusname',
  'aliyunregionid',
  'aliyunpublishaddr',
]);

interface Context {
  readonly dialect: PatternDialect;
  readonly limits: PatternLimits;
  readonly rename: EnvelopeRename | undefined;
}

/** Parses and expands a pattern. Throws `E_RULE_INVALID` naming the path, the reason and the fix. */
export function parsePattern(
  pattern: unknown,
  dialect: PatternDialect,
  limits: PatternLimits,
): Conjunction[] {
  if (!isPlainObject(pattern)) {
    throw invalidPattern(
      '',
      `a pattern must be a JSON object such as { "source": ["my.app"] }, got ${describe(pattern)}`,
    );
  }
  if (Object.keys(pattern).length === 0) {
    if (dialect === 'alibaba') return [[]];
    throw invalidPattern(
      '',
      'an empty pattern {} is not allowed; name at least one field, e.g. { "source": ["my.app"] }',
    );
  }
  if (dialect === 'alibaba') checkAlibabaTop(pattern);
  const rename = dialect === 'aws' ? envelopeRename(pattern) : undefined;
  return parseObject(pattern, '', { dialect, limits, rename }, true, false, 0);
}

function parseObject(
  object: Record<string, unknown>,
  label: string,
  ctx: Context,
  top: boolean,
  inOr: boolean,
  depth: number,
): Condition[][] {
  if (depth > MAX_DEPTH)
    throw invalidPattern(label, `the pattern is nested more than ${MAX_DEPTH} levels deep`);
  let result: Condition[][] = [[]];
  for (const [key, value] of Object.entries(object)) {
    const here = joinPath(label, key);
    if (key === '$or' && Array.isArray(value)) {
      result = product(result, parseOr(value, here, ctx, top, depth), label, ctx);
      continue;
    }
    if (inOr && RESERVED_IN_OR.has(key)) {
      throw invalidPattern(
        here,
        `"${key}" is a reserved operator name and cannot be a field name inside $or`,
      );
    }
    let factor: Condition[][];
    if (Array.isArray(value)) {
      const matchers = parseLeaf(value, here, ctx.dialect, ctx.limits);
      factor = [[{ path: [], matchers, source: JSON.stringify(value) }]];
    } else if (isPlainObject(value)) {
      if (Object.keys(value).length === 0) {
        throw invalidPattern(here, 'an empty object {} is not allowed; give it fields, or remove it');
      }
      factor = parseObject(value, here, ctx, false, inOr, depth + 1);
    } else {
      // `{ suffix: '.jpg' }` where a list belongs: the operator was read as a field name.
      if (label !== '' && OPERATORS[ctx.dialect].includes(key) && Object.keys(object).length === 1) {
        const matcher = `{ ${JSON.stringify(key)}: ${show(value)} }`;
        throw invalidPattern(label, `the matcher ${matcher} goes in a list; write [${matcher}]`);
      }
      throw invalidPattern(
        here,
        `"${key}" must be an object or an array, got ${describe(value)}${isScalar(value) ? `; write [${JSON.stringify(value)}]` : ''}`,
      );
    }
    result = product(result, place(key, factor, ctx, top), label, ctx);
  }
  return result;
}

function parseOr(
  branches: unknown[],
  label: string,
  ctx: Context,
  top: boolean,
  depth: number,
): Condition[][] {
  if (ctx.dialect === 'alibaba') {
    throw invalidPattern(
      label,
      '`$or` is not supported by the alibaba dialect; write one rule per alternative',
    );
  }
  if (branches.length < 2) {
    throw invalidPattern(label, `\`$or\` needs at least 2 alternatives, got ${branches.length}`);
  }
  const union: Condition[][] = [];
  for (const [i, branch] of branches.entries()) {
    const where = `${label}[${i}]`;
    if (!isPlainObject(branch)) {
      throw invalidPattern(
        where,
        `each \`$or\` alternative must be a pattern object, got ${describe(branch)}`,
      );
    }
    if (Object.keys(branch).length === 0) {
      throw invalidPattern(
        where,
        'an empty `$or` alternative {} is not allowed; give it fields, or remove it',
      );
    }
    union.push(...parseObject(branch, where, ctx, top, true, depth + 1));
    if (union.length > ctx.limits.maxBranches) throw tooManyBranches(label, ctx);
  }
  return union;
}

/** Puts the conditions of a member under its key: envelope renaming at the top, dotted keys, plain keys. */
function place(key: string, factor: Condition[][], ctx: Context, top: boolean): Condition[][] {
  let name = key;
  if (top && ctx.rename !== undefined) {
    const renamed = ctx.rename(key);
    if ('constant' in renamed) {
      return factor.map((conj) =>
        conj.map((c) => ({
          ...c,
          path: [key, ...c.path],
          constant: { value: c.path.length === 0 ? renamed.constant : undefined },
        })),
      );
    }
    name = renamed.key;
  }
  if (!name.includes('.')) return prefix(factor, [name]);
  const split = name.split('.');
  if (ctx.dialect === 'alibaba') return prefix(factor, split);
  // event-ruler joins path segments with '.', so "a.b" names both the literal key and the nested a → b.
  const literal = prefix(factor, [name]);
  const nested = prefix(factor, split);
  const only = factor.length === 1 ? factor[0] : undefined;
  const c = only?.length === 1 ? only[0] : undefined;
  if (c !== undefined && c.path.length === 0 && c.matchers.every((m) => m.kind === 'exists' && !m.value)) {
    // "no value under either spelling" is an AND.
    return [[...(literal[0] ?? []), ...(nested[0] ?? [])]];
  }
  return [...literal, ...nested];
}

function prefix(factor: Condition[][], segments: readonly string[]): Condition[][] {
  return factor.map((conj) => conj.map((c) => ({ ...c, path: [...segments, ...c.path] })));
}

function product(a: Condition[][], b: Condition[][], label: string, ctx: Context): Condition[][] {
  if (a.length * b.length > ctx.limits.maxBranches) throw tooManyBranches(label, ctx);
  if (a.length === 1 && a[0]?.length === 0) return b;
  const out: Condition[][] = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out;
}

function tooManyBranches(label: string, ctx: Context) {
  return invalidPattern(
    label,
    `the \`$or\` alternatives expand to more than ${ctx.limits.maxBranches} combinations; split the rule, or raise maxBranches`,
  );
}

/** Alibaba patterns address CloudEvents attributes; only `data` holds nested fields. */
function checkAlibabaTop(pattern: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === 'data' && !isPlainObject(value)) {
      throw invalidPattern(
        key,
        `\`data\` must be an object of payload fields such as { "data": { "status": ["paid"] } }, got ${describe(value)}`,
      );
    }
    if (key === 'data' || key === '$or') continue;
    if (key === 'detail' || key === 'detail-type') {
      throw invalidPattern(
        key,
        `unknown event attribute "${key}"; Alibaba events are CloudEvents: use \`data\` and \`type\``,
      );
    }
    if (!ALIBABA_ATTRIBUTES.has(key)) {
      throw invalidPattern(
        key,
        `unknown event attribute "${key}" (Alibaba EventBridge refuses it as an unrecognized pattern key); the top level names CloudEvents attributes (${[...ALIBABA_ATTRIBUTES].join(', ')}) and \`data\`: move a payload field under \`data\`, e.g. { "data": { ${JSON.stringify(key)}: [ … ] } }`,
      );
    }
    if (isPlainObject(value)) {
      throw invalidPattern(
        key,
        `\`${key}\` is a CloudEvents attribute and has no fields; only \`data\` holds nested fields, write ${key}: [ … ]`,
      );
    }
  }
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
