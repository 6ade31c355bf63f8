/**
 * Validators precompiled by `triggerkit build`, and the hook the build uses to learn which schemas a
 * handler compiles. Both live on `globalThis` under `Symbol.for` keys: the generated module that fills
 * the table runs before the handler module, and the bundle may hold its own copy of triggerkit.
 */
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

/**
 * The key of a schema object: a 53-bit hash of its JSON and the JSON's length. The build and the
 * bundle run the same module code, so the same object literal serializes to the same JSON; a hash in
 * plain JS keeps node:crypto's first-use setup (about 1 ms) off the cold start. A schema built with
 * another key order at run time than at build time is simply not found, and fails loudly (ajv-absent).
 */
export function objectKey(schema: object): string {
  const json = JSON.stringify(schema);
  return `json:${cyrb53(json).toString(36)}:${json.length}`;
}

/** cyrb53, a public-domain 53-bit string hash (bryc): fast in plain JS, well distributed. */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The key of a schema file, by the path as the definition wrote it (the file is not in the bundle). */
export function fileKey(path: string): string {
  return `file:${path}`;
}

/** The key of a registry, by its spec as written (`registry`, `registry:<dir>`). */
export function registryKey(spec: string): string {
  return spec;
}
