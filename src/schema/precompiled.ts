/**
 * Validators precompiled by `triggerkit build`, and the hook the build uses to learn which schemas a
 * handler compiles. Both live on `globalThis` under `Symbol.for` keys: the generated module that fills
 * the table runs before the handler module, and the bundle may hold its own copy of triggerkit.
 */
import { createHash } from 'node:crypto';
import type { CompiledValidate } from './problems.js';

/** `Symbol.for` names: the table the generated module fills, the listener the build installs. */
export const TABLE_SYMBOL = 'triggerkit.precompiled-schemas';
export const COLLECTOR_SYMBOL = 'triggerkit.schema-collector';

const TABLE = Symbol.for(TABLE_SYMBOL);
const COLLECTOR = Symbol.for(COLLECTOR_SYMBOL);

/** A schema of a registry, described for lookups (the schema itself stays at build time). */
export interface RegistryEntryInfo {
  /** The file, relative to the registry folder, with `/` separators. */
  readonly file: string;
  /** The CloudEvents types it describes. */
  readonly types: readonly string[];
  /** Its `$id`, which an event's `dataschema` names. */
  readonly id: string | undefined;
}

/** A registry folder, precompiled: where it was and each schema with its validator. */
export interface PrecompiledRegistry {
  readonly root: string;
  readonly entries: readonly (RegistryEntryInfo & { readonly validate: CompiledValidate })[];
}

export type Precompiled = CompiledValidate | PrecompiledRegistry;

/** What `compileSchema` reports to the build while it loads a handler. */
export type CollectedSchema =
  | { readonly kind: 'schema'; readonly key: string; readonly schema: object; readonly where: string }
  | {
      readonly kind: 'registry';
      readonly key: string;
      readonly root: string;
      readonly entries: readonly (RegistryEntryInfo & { readonly schema: object })[];
    };

type Globals = Record<symbol, unknown>;

function table(): Map<string, Precompiled> | undefined {
  return (globalThis as Globals)[TABLE] as Map<string, Precompiled> | undefined;
}

/** The precompiled validator for `key`, when this process runs a bundle made by `triggerkit build`. */
export function precompiled(key: () => string): Precompiled | undefined {
  const found = table();
  // The key is only computed (a hash, for schema objects) when there is a table to look in.
  return found === undefined ? undefined : found.get(key());
}

/** Tells the build (when it is listening) about a schema that was just compiled at runtime. */
export function collect(describe: () => CollectedSchema): void {
  const listener = (globalThis as Globals)[COLLECTOR];
  if (typeof listener === 'function') listener(describe());
}

/** The key of a schema object: a hash of its canonical JSON, so equal schemas share a validator. */
export function objectKey(schema: object): string {
  return `json:${createHash('sha256').update(canonicalJson(schema)).digest('base64url').slice(0, 22)}`;
}

/** The key of a schema file, by the path as the definition wrote it (the file is not in the bundle). */
export function fileKey(path: string): string {
  return `file:${path}`;
}

/** The key of a registry, by its spec as written (`registry`, `registry:<dir>`). */
export function registryKey(spec: string): string {
  return spec;
}

/** JSON with object keys sorted, so key order does not change a schema's identity. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
