/**
 * What one row of the source catalog (`catalog.ts`) holds, the `sources` declaration derived from a
 * row's type, and the small readers the rows share. Everything here is data or a pure function of the
 * raw input: no row imports a normalizer but through its `normalize` field.
 */
import type { HttpSourceOptions } from './http/options.js';
import {
  type Batch,
  type FailureReply,
  type HttpEnvelope,
  isObject,
  type JsonObject,
  type NormalizeOptions,
} from './types.js';

/** What a field must be for a mark to be met: of a type, present, or one of some strings. */
export type Expect = 'string' | 'object' | 'array' | 'present' | readonly string[];

/** One description of a source's shape: `[path, expectation]` pairs, scored by closest.ts. */
export type Marks = ReadonlyArray<readonly [path: string, expect: Expect]>;

/**
 * How one declaration key selects batches: `equal`, every value the transport names (`read` gives the
 * distinct values of the batch's records) equals the declared one; `prefix`, every value starts with it;
 * `suffix`, every value ends with it; `none`, taken but not checked on delivery (`values`: what it may be, else any non-empty string).
 */
export type Key<T> = ReadKey<T> | { readonly match: 'none'; readonly values?: readonly string[] } | Setting;

/** A key checked against what the transport names (`equal`, `prefix` or `suffix`). */
export interface ReadKey<T> {
  readonly match: 'equal' | 'prefix' | 'suffix';
  read(raw: T): readonly string[];
}

/**
 * A setting of the trigger itself (an event source mapping's `batchSize`…), not a property of the
 * batch: checked when the handler is defined, read by the emulator's live trigger and the deploy plugin.
 */
export type Setting = IntegerSetting | FlagSetting | ParsedSetting;
export interface IntegerSetting {
  readonly match: 'setting';
  readonly kind: 'integer';
  readonly min: number;
  readonly max: number;
  /** What the number counts, for messages (`seconds`, `records`). */
  readonly unit: string;
}
export interface FlagSetting {
  readonly match: 'setting';
  readonly kind: 'boolean';
}
/** A required string the trigger reads (a schedule expression), checked by `check` when the handler is defined. */
export interface ParsedSetting {
  readonly match: 'setting';
  readonly kind: 'parsed';
  readonly required: true;
  /** A valid value, shown when the key is missing. */
  readonly example: string;
  /** What the value must be (the phrase after "must be"), or undefined when it is valid. */
  check(value: unknown): string | undefined;
}

/** Which `sources` declarations cover a source. */
export interface Declares<T> {
  /** The `type`s that declare it, the first named in refusals (default: its kind). */
  readonly types?: readonly string[];
  /** Its other keys (default none); `http`: the HTTP source options, which their own validator checks. */
  readonly keys?: { readonly [key: string]: Key<T> } | 'http';
  /** A rule across keys (`batchSize` over 10 needs a batching window): the problem, or undefined. */
  readonly check?: (declaration: Readonly<Record<string, unknown>>) => string | undefined;
  /**
   * More declaration types of the same source, each with keys of its own: `aws:schedule` (a schedule
   * rule, whose events are EventBridge events) beside `aws:eventbridge`.
   */
  readonly variants?: { readonly [type: string]: Variant };
}

/**
 * A declaration type that covers a row's source with keys of its own (`Declares.variants`): settings and
 * unchecked keys only, as the transport's resources are read by the row's own keys.
 */
export interface Variant {
  readonly keys?: { readonly [key: string]: Exclude<Key<never>, ReadKey<never>> };
  readonly check?: Declares<unknown>['check'];
}

/**
 * One source: the facts every other part of triggerkit derives from. `normalize` and `envelope` are
 * methods so that rows of any input type fit one registry.
 */
export interface CatalogRow<K extends string = string, T = unknown, D extends Declares<T> = Declares<T>> {
  /** The batch's `source` and the handler context's `transport`. */
  readonly kind: K;
  /** Human name used in error messages. */
  readonly label: string;
  /** How failures are reported (known before normalizing, for malformed input). */
  readonly reply: FailureReply;
  /** A cheap shape test; first match wins, in row order. */
  readonly detect: (raw: unknown) => raw is T;
  /** Descriptions of its shape, for the "closest known source" hint (none: never suggested). */
  readonly marks?: readonly Marks[];
  readonly declares?: D;
  /** HTTP envelopes: the request path and answer style, read without normalizing the request. */
  envelope?(raw: T): HttpEnvelope;
  /** The module (from src/sources/) whose `normalize` export is the normalizer: what a pruned bundle drops. */
  readonly module: string;
  /** That export; absent in a bundle that `triggerkit build` pruned this source from. */
  normalize?(raw: T, options: NormalizeOptions): Batch;
}

/** A row, its kind and declaration keys kept as literal types. */
export function row<const K extends string, T, const D extends Declares<T> = { readonly types?: undefined }>(
  entry: CatalogRow<K, T, D>,
): CatalogRow<K, T, D> {
  return Object.freeze(entry);
}

type KeyValue<S> = S extends { readonly kind: 'parsed' }
  ? string
  : S extends { readonly values: readonly (infer V)[] }
    ? V
    : S extends { readonly kind: 'integer' }
      ? number
      : S extends { readonly kind: 'boolean' }
        ? boolean
        : string;
type Required<Ks> = { [P in keyof Ks]: Ks[P] extends { readonly required: true } ? P : never }[keyof Ks];
type KeysOf<D> = D extends { readonly keys: infer Ks }
  ? { -readonly [P in Exclude<keyof Ks, Required<Ks>>]?: KeyValue<Ks[P]> } & {
      -readonly [P in Required<Ks>]: KeyValue<Ks[P]>;
    }
  : unknown;
type TypesOf<K, D> = D extends { readonly types: readonly (infer Ty)[] } ? Ty : K;
type Flat<T> = { [P in keyof T]: T[P] } & {};
type Each<Ty, D> = Ty extends string
  ? D extends { readonly keys: 'http' }
    ? { type: Ty } & HttpSourceOptions
    : Flat<{ type: Ty } & KeysOf<D>>
  : never;

type VariantsOf<D> = D extends { readonly variants: infer V }
  ? { [Ty in keyof V & string]: Flat<{ type: Ty } & KeysOf<V[Ty]>> }[keyof V & string]
  : never;

/** The `sources` entries that declare a row, e.g. `{ type: 'http' } & HttpSourceOptions` for HTTP envelopes. */
export type DeclarationOf<R> =
  R extends CatalogRow<infer K, infer _T, infer D> ? Each<TypesOf<K, D>, D> | VariantsOf<D> : never;

/** A resource every record names; a declaration naming it accepts a batch whose records all name it. */
export const named = <T>(read: (raw: T) => readonly string[]): ReadKey<T> => ({ match: 'equal', read });

/** A prefix every value read must start with (S3 object keys). */
export const prefixOf = <T>(read: (raw: T) => readonly string[]): ReadKey<T> => ({
  match: 'prefix',
  read,
});

/** A suffix every value read must end with (S3 and OSS object keys: `.jpg`). */
export const suffixOf = <T>(read: (raw: T) => readonly string[]): ReadKey<T> => ({
  match: 'suffix',
  read,
});

/** A key taken as a non-empty string and not checked on delivery. */
export const taken = { match: 'none' } as const;

/** A key that must be one of `values` (checked when the handler is defined). */
export const oneOf = <const V extends string>(...values: V[]) =>
  ({ match: 'none', values }) as { readonly match: 'none'; readonly values: readonly V[] };

/** A whole number of `unit` from `min` to `max`. */
export const integer = (min: number, max: number, unit: string): IntegerSetting => ({
  match: 'setting',
  kind: 'integer',
  min,
  max,
  unit,
});

/** `true` or `false`. */
export const flag: FlagSetting = { match: 'setting', kind: 'boolean' };

/** A required string `check` reads (`check` says what it must be, or undefined); `example` is a valid one. */
export const parsed = (example: string, check: (value: unknown) => string | undefined): ParsedSetting => ({
  match: 'setting',
  kind: 'parsed',
  required: true,
  example,
  check,
});

/** The first record's `key` of a `{ Records: [...] }` batch: what record-batch detectors test. */
export function firstRecord(raw: unknown, key: 'eventSource' | 'EventSource'): unknown {
  if (!isObject(raw) || !Array.isArray(raw.Records)) return undefined;
  const first: unknown = raw.Records[0];
  return isObject(first) ? first[key] : undefined;
}

/**
 * The distinct values `read` gives for the records of a `Records` batch (a non-string as `''`): what a
 * declaration key is checked against. Runs on every batch, so one pass and no intermediate arrays.
 */
export function eachRecord(read: (record: JsonObject) => unknown, list: 'Records' | 'events' = 'Records') {
  return (raw: unknown): string[] => {
    const records = isObject(raw) && Array.isArray(raw[list]) ? (raw[list] as unknown[]) : [];
    const values = new Set<string>();
    for (const record of records) {
      if (!isObject(record)) continue;
      const value = read(record);
      values.add(typeof value === 'string' ? value : '');
    }
    return [...values];
  };
}

/** The value at `keys` under `value`, or undefined. */
export function at(value: unknown, ...keys: string[]): unknown {
  let node = value;
  for (const key of keys) node = isObject(node) ? node[key] : undefined;
  return node;
}

/** The last `separator`-separated part of an ARN: `arn:aws:sqs:eu-west-1:123:orders` → `orders`. */
export function lastPart(value: unknown, separator: string): string {
  return typeof value === 'string' ? value.slice(value.lastIndexOf(separator) + 1) : '';
}
