/**
 * The schema registry: a folder of JSON Schemas (`schemas/**\/*.json`) matched to events by their
 * CloudEvents `type`, or by `dataschema` naming a schema's `$id`. Reading and lookup only; compiling
 * is `compile.ts`'s business. Layout and rules: docs/schemas.md.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { TriggerError } from '../errors.js';
import type { RegistryEntryInfo } from './precompiled.js';

/** Annotation keyword naming the CloudEvents type(s) a schema describes (else the file name does). */
export const TYPE_KEYWORD = 'x-cloudevents-type';

/** The environment variable that moves the default registry folder. */
export const REGISTRY_ENV = 'TRIGGERKIT_SCHEMAS';

/** A schema of a registry folder. */
export interface RegistryEntry extends RegistryEntryInfo {
  readonly schema: object;
}

/** True for `'registry'` and `'registry:<dir>'`, the `schema` values that mean the registry. */
export function isRegistrySpec(value: string): boolean {
  return value === 'registry' || value.startsWith('registry:');
}

/**
 * The folder of a registry spec: `registry:<dir>` names it; `registry` means `$TRIGGERKIT_SCHEMAS`,
 * else `schemas/`; relative folders are relative to `cwd` (the project root).
 */
export function registryRoot(spec: string, cwd = process.cwd()): string {
  const dir = spec.startsWith('registry:') ? spec.slice('registry:'.length) : process.env[REGISTRY_ENV];
  return resolve(cwd, dir === undefined || dir === '' ? 'schemas' : dir);
}

/**
 * Reads every `*.json` below `root` (sorted, dot-folders skipped). Throws `TriggerError`
 * `E_SCHEMA_INVALID` when the folder is missing or a file is not a JSON Schema object.
 */
export function readRegistry(root: string, where = 'schema registry'): RegistryEntry[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new TriggerError(
      'E_SCHEMA_INVALID',
      `\`${where}\`: no schema registry folder at ${root}; create it with one <type>.json per event type, ` +
        `or point ${REGISTRY_ENV} (or schema: 'registry:<dir>') at yours.`,
      { path: where },
    );
  }
  const files = (readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.json') && !f.split(sep).some((part) => part.startsWith('.')))
    .map((f) => f.split(sep).join('/'))
    .sort();
  return files.map((file) => {
    const schema = readJson(resolve(root, file), `${where}: ${file}`);
    return Object.freeze({ file, schema, types: typesOf(schema, file), id: idOf(schema) });
  });
}

/** The types a registry schema describes: its `x-cloudevents-type`, else its file name without `.json`. */
export function typesOf(schema: object, file: string): string[] {
  const declared = (schema as Record<string, unknown>)[TYPE_KEYWORD];
  if (typeof declared === 'string') return [declared];
  if (Array.isArray(declared) && declared.every((t) => typeof t === 'string')) return declared;
  if (declared !== undefined) {
    throw new TriggerError(
      'E_SCHEMA_INVALID',
      `\`${file}\`: "${TYPE_KEYWORD}" must be a type or an array of types, got ${JSON.stringify(declared)}.`,
      { path: file },
    );
  }
  return [(file.split('/').pop() ?? file).replace(/\.json$/, '')];
}

function idOf(schema: object): string | undefined {
  const id = (schema as Record<string, unknown>).$id;
  return typeof id === 'string' ? id : undefined;
}

/** Finds the schema of an event: `dataschema` naming an `$id` first, then the one schema of its type. */
export type RegistryLookup<T extends RegistryEntryInfo> = (
  type: string,
  dataschema: string | undefined,
) => T | string;

/**
 * Indexes entries for lookup. A miss returns the message the event fails with: which type, and where
 * the registry looked (`rootLabel`).
 */
export function indexRegistry<T extends RegistryEntryInfo>(
  entries: readonly T[],
  rootLabel: string,
): RegistryLookup<T> {
  const byId = new Map<string, T>();
  const byType = new Map<string, T[]>();
  for (const entry of entries) {
    if (entry.id !== undefined) byId.set(entry.id, entry);
    for (const type of entry.types) byType.set(type, [...(byType.get(type) ?? []), entry]);
  }
  return (type, dataschema) => {
    const named = dataschema === undefined ? undefined : byId.get(dataschema);
    if (named !== undefined) return named;
    const candidates = byType.get(type) ?? [];
    if (candidates.length === 1) return candidates[0] as T;
    if (candidates.length === 0) {
      return (
        `has no schema in the registry for type ${JSON.stringify(type)}` +
        `${dataschema === undefined ? '' : ` nor dataschema ${JSON.stringify(dataschema)}`}: looked in ` +
        `${rootLabel} for a file with "${TYPE_KEYWORD}": ${JSON.stringify(type)} or named ${type}.json`
      );
    }
    return (
      `matches ${candidates.length} schemas of type ${JSON.stringify(type)} in ${rootLabel} ` +
      `(${candidates.map((c) => c.file).join(', ')}): the event must name one by its $id in \`dataschema\`` +
      `${dataschema === undefined ? '' : `, and ${JSON.stringify(dataschema)} is none of them`}`
    );
  };
}

/** `root` as shown in messages: relative to the working directory when below it. */
export function rootLabel(root: string, cwd = process.cwd()): string {
  const rel = relative(cwd, root);
  if (rel === '') return './';
  return rel.startsWith('..') ? `${root.split(sep).join('/')}/` : `${rel.split(sep).join('/')}/`;
}

/** Reads a JSON Schema file. Throws `E_SCHEMA_INVALID` naming it when it cannot. */
export function readJson(path: string, where: string, shown = path): object {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TriggerError(
      'E_SCHEMA_INVALID',
      `\`${where}\`: cannot read a JSON Schema from ${shown}: ${(error as Error).message}.`,
      { path: where, cause: error },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TriggerError('E_SCHEMA_INVALID', `\`${where}\`: ${shown} must hold a JSON Schema object.`, {
      path: where,
    });
  }
  return value;
}
