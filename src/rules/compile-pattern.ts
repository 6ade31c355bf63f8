/**
 * EventBridge event patterns, compiled once into a matcher: the full AWS (event-ruler) language and the
 * Alibaba Cloud EventBridge dialect. Invalid patterns are rejected at compile time with `E_RULE_INVALID`.
 * @see ../../docs/patterns.md
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
import { RESOURCES_KEY, withResources } from './envelope.js';
import { checkEventPatternKeys } from './event-keys.js';
import { compileLeaf } from './leaf.js';
import { parsePattern } from './parse-pattern.js';
import { invalidPattern } from './pattern-error.js';
import { buildTree, matchAlibaba, matchAws, type TreeNode } from './tree.js';
import type { Condition, PatternDialect } from './types.js';

export type { PatternDialect } from './types.js';

export interface CompilePatternOptions {
  /** `aws` (default): EventBridge / event-ruler. `alibaba`: Alibaba Cloud EventBridge. */
  dialect?: PatternDialect;
  /**
   * Longest pattern accepted, in characters of its JSON text. Defaults to AWS's "Event pattern size"
   * quota, 2,048, in the aws dialect (the quota can be raised on request) and no limit in the alibaba one.
   */
  maxPatternLength?: number;
  /** Highest wildcard complexity accepted (AWS rejects "Rule is too complex" wildcards). Default 9. */
  maxWildcardComplexity?: number;
  /** Most alternatives `$or` may expand to. Default 1,024. */
  maxBranches?: number;
  /**
   * The pattern matches CloudEvents (a handler's `filter`): a top-level key that cannot be a CloudEvent
   * attribute (`orderId`) is refused, pointing at `data`. Default false.
   */
  cloudEventKeys?: boolean;
}

/** A compiled pattern. */
export interface Matcher {
  matches(event: unknown): boolean;
}

/** One `$or`-free alternative of a compiled pattern: its conditions and their tree. */
export interface CompiledBranch {
  readonly conditions: readonly Condition[];
  readonly tree: TreeNode;
}

/** A compiled pattern with its alternatives exposed, for the rule index. */
export interface CompiledPattern extends Matcher {
  readonly dialect: PatternDialect;
  readonly branches: readonly CompiledBranch[];
  /** An envelope pattern naming `resources`: its trees read the event through `withResources`. */
  readonly readsResources: boolean;
}

const DEFAULT_MAX_LENGTH = 2048;
const DEFAULT_WILDCARD_COMPLEXITY = 9;
const DEFAULT_MAX_BRANCHES = 1024;

/**
 * Compiles an event pattern. Throws `TriggerError` `E_RULE_INVALID` naming the path and the reason.
 * The matcher never throws on a JSON event; it allocates nothing on the common paths.
 *
 * @example
 * const rule = compilePattern({ type: ['com.shop.order.created'], data: { total: [{ numeric: ['>', 100] }] } });
 * rule.matches({ type: 'com.shop.order.created', data: { total: 120 } }) // true
 */
export function compilePattern(pattern: unknown, options: CompilePatternOptions = {}): Matcher {
  const compiled = compilePatternBranches(pattern, options);
  return Object.freeze({ matches: compiled.matches });
}

/** Compiles a pattern and keeps its alternatives (internal: the rule index verifies candidates with them). */
export function compilePatternBranches(
  pattern: unknown,
  options: CompilePatternOptions = {},
): CompiledPattern {
  const dialect = options.dialect ?? 'aws';
  if (dialect !== 'aws' && dialect !== 'alibaba') {
    throw invalidPattern('', `unknown dialect ${JSON.stringify(dialect)}; use 'aws' or 'alibaba'`);
  }
  const limits = {
    maxWildcardComplexity: options.maxWildcardComplexity ?? DEFAULT_WILDCARD_COMPLEXITY,
    maxBranches: options.maxBranches ?? DEFAULT_MAX_BRANCHES,
  };
  // Alibaba's dialect refuses every key that is no attribute already (parse-pattern.ts).
  if (options.cloudEventKeys === true && dialect === 'aws') checkEventPatternKeys(pattern);
  const conjunctions = parsePattern(pattern, dialect, limits);
  const maxLength = options.maxPatternLength ?? (dialect === 'aws' ? DEFAULT_MAX_LENGTH : Infinity);
  const length = JSON.stringify(pattern).length;
  if (length > maxLength) {
    throw invalidPattern(
      '',
      `the pattern is ${length} characters long, over the ${maxLength}-character limit (AWS quota "Event pattern size"); shorten it, split the rule, or raise maxPatternLength`,
    );
  }
  const branches: CompiledBranch[] = [];
  for (const conjunction of conjunctions) {
    // Fields with a fixed value (EventBridge `version`) are settled now: they hold always or never.
    const settled = conjunction.every((c) => {
      if (c.constant === undefined) return true;
      const leaf = compileLeaf(c.matchers, dialect);
      return c.constant.value === undefined ? leaf.onMissing : leaf.accepts(c.constant.value);
    });
    if (!settled) continue;
    const conditions = conjunction.filter((c) => c.constant === undefined);
    branches.push({ conditions, tree: buildTree(conditions, dialect) });
  }
  const evaluate = dialect === 'aws' ? matchAws : matchAlibaba;
  const only = branches.length === 1 ? branches[0]?.tree : undefined;
  let matches: (event: unknown) => boolean;
  if (only !== undefined) matches = (event) => evaluate(only, event);
  else if (branches.length === 0) matches = () => false;
  else {
    matches = (event) => {
      for (const branch of branches) if (evaluate(branch.tree, event)) return true;
      return false;
    };
  }
  const readsResources = branches.some((b) => b.conditions.some((c) => c.path[0] === RESOURCES_KEY));
  if (readsResources) {
    const direct = matches;
    matches = (event) => direct(withResources(event));
  }
  return Object.freeze({ dialect, branches, matches, readsResources });
}
