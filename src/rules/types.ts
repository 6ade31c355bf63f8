/** The parsed, dialect-checked form of an event pattern, shared by the matcher and the rule index. */

/** `aws`: EventBridge / event-ruler; `alibaba`: Alibaba Cloud EventBridge over CloudEvents. */
export type PatternDialect = 'aws' | 'alibaba';

/** A leaf value of a JSON event. */
export type Scalar = string | number | boolean | null;

/** An inclusive/exclusive numeric interval; unbounded sides are ±Infinity. */
export interface NumericRange {
  readonly lo: number;
  readonly loInclusive: boolean;
  readonly hi: number;
  readonly hiInclusive: boolean;
}

/** A literal run between unescaped `*`s; `pieces.length - 1` is the number of wildcards. */
export interface Glob {
  readonly source: string;
  readonly pieces: readonly string[];
}

/**
 * One element of a leaf array. Exact values are tested through sets by the leaf compiler; every other
 * matcher carries its own compiled `test`, and enough data (kind, value, range) for the rule index.
 */
export type MatcherSpec =
  | { readonly kind: 'exact'; readonly value: Scalar }
  | {
      readonly kind: 'prefix' | 'suffix';
      readonly value: string;
      readonly ignoreCase: boolean;
      readonly test: (v: Scalar) => boolean;
    }
  | { readonly kind: 'equals-ignore-case'; readonly value: string; readonly test: (v: Scalar) => boolean }
  | { readonly kind: 'contains'; readonly value: string; readonly test: (v: Scalar) => boolean }
  | { readonly kind: 'wildcard'; readonly glob: Glob; readonly test: (v: Scalar) => boolean }
  | { readonly kind: 'anything-but'; readonly test: (v: Scalar) => boolean }
  | {
      readonly kind: 'numeric';
      /** Set when the condition is one interval (AWS); the index uses it. */
      readonly range: NumericRange | undefined;
      readonly test: (v: Scalar) => boolean;
    }
  | { readonly kind: 'cidr'; readonly test: (v: Scalar) => boolean }
  | { readonly kind: 'exists'; readonly value: boolean };

/** A leaf condition: the matchers (ORed) that must accept some value found at `path`. */
export interface Condition {
  readonly path: readonly string[];
  readonly matchers: readonly MatcherSpec[];
  /** The leaf's JSON text: identical leaves of different rules share one compiled test in the index. */
  readonly source: string;
  /** Envelope fields with a fixed value (EventBridge `version` is always "0"): tested at compile time. */
  readonly constant?: { readonly value: Scalar | undefined };
}

/** One alternative of a pattern after `$or` expansion: all its conditions must hold. */
export type Conjunction = readonly Condition[];

/** Limits applied while compiling; see `CompilePatternOptions`. */
export interface PatternLimits {
  readonly maxWildcardComplexity: number;
  readonly maxBranches: number;
}
