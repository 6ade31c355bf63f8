/** Event patterns: the single-pattern compiler (aws and alibaba dialects) and the multi-rule index. */
export type { CompilePatternOptions, Matcher, PatternDialect } from './compile-pattern.js';
export { compilePattern } from './compile-pattern.js';
export type { IndexedRule, RuleIndex } from './rule-index.js';
export { compileRuleIndex, createRuleIndex } from './rule-index.js';
