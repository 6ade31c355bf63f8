/**
 * Validation of `event.data`, compiled once at definition time: a JSON Schema (object or file, one
 * shared ajv with ajv-formats), the schema registry, or any Standard Schema validator (zod, valibot…).
 * In a bundle made by `triggerkit build` the JSON Schemas come precompiled (ajv standalone code) and
 * nothing is compiled at cold start.
 */
import { resolve } from 'node:path';
import type { CloudEvent } from '../cloud-event.js';
import { TriggerError } from '../errors.js';
import { compileJsonSchema, compileJsonSchemas } from './ajv-compiler.js';
import {
  collect,
  fileKey,
  objectKey,
  precompiled,
  type RegistryEntryInfo,
  registryKey,
} from './precompiled.js';
import {
  ajvProblems,
  type CompiledValidate,
  formatProblems,
  type SchemaProblem,
  type Validation,
} from './problems.js';
import {
  indexRegistry,
  isRegistrySpec,
  type RegistryEntry,
  type RegistryLookup,
  readJson,
  readRegistry,
  registryRoot,
  rootLabel,
} from './registry.js';
import { isStandardSchema, runStandardSchema, type StandardSchemaV1 } from './standard-schema.js';

export { formatProblems, type SchemaProblem, type Validation };

/**
 * Validates data. Called with the data alone it returns the problems (empty when valid); `check`
 * takes the whole event (the registry picks a schema by its `type` and `dataschema`), returns the
 * data to hand on (a Standard Schema validator's output), and is async only for async validators.
 */
export interface DataValidator {
  (data: unknown, event?: CloudEvent): readonly SchemaProblem[];
  readonly check: (event: CloudEvent) => Validation | Promise<Validation>;
}

const NONE: readonly SchemaProblem[] = Object.freeze([]);

/**
 * Compiles what a definition's `schema` says: a JSON Schema object, a path to a .json file (relative
 * to the working directory), `'registry'` / `'registry:<dir>'`, or a Standard Schema validator.
 * Throws `TriggerError` `E_SCHEMA_INVALID` for a schema that cannot be compiled.
 *
 * @example
 * const validate = compileSchema({ type: 'object', required: ['total'] });
 * validate({}) // [{ pointer: '/', message: 'must have property "total"' }]
 */
export function compileSchema(schema: unknown, where = 'schema'): DataValidator {
  if (isStandardSchema(schema)) return standardValidator(schema);
  if (typeof schema === 'string') {
    return isRegistrySpec(schema)
      ? registryValidator(loadRegistry(schema, where))
      : ajvValidator(fileSchema(schema, where));
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new TriggerError(
      'E_SCHEMA_INVALID',
      `\`${where}\` must be a JSON Schema object, a path to a .json file, 'registry', or a Standard Schema ` +
        `validator (zod, valibot…), got ${Array.isArray(schema) ? 'an array' : typeof schema}.`,
      { path: where },
    );
  }
  return ajvValidator(objectSchema(schema, where));
}

function ajvValidator(validate: CompiledValidate): DataValidator {
  return Object.assign((data: unknown) => (validate(data) ? NONE : ajvProblems(validate)), {
    check: (event: CloudEvent): Validation =>
      validate(event.data) ? { ok: true, data: event.data } : { ok: false, problems: ajvProblems(validate) },
  });
}

function objectSchema(document: object, where: string): CompiledValidate {
  const found = precompiled(() => objectKey(document));
  if (typeof found === 'function') return found;
  const validate = compileJsonSchema(document, where);
  collect(() => ({ kind: 'schema', key: objectKey(document), schema: document, where }));
  return validate;
}

/** File schemas by absolute path: a file used by two handlers is read and compiled once. */
const files = new Map<string, { readonly document: object; readonly validate: CompiledValidate }>();

function fileSchema(path: string, where: string): CompiledValidate {
  const found = precompiled(() => fileKey(path));
  if (typeof found === 'function') return found;
  const full = resolve(path);
  let compiled = files.get(full);
  if (compiled === undefined) {
    const document = readJson(full, where, path);
    compiled = { document, validate: compileJsonSchema(document, where) };
    files.set(full, compiled);
  }
  const { document } = compiled;
  collect(() => ({ kind: 'schema', key: fileKey(path), schema: document, where }));
  return compiled.validate;
}

type RegistryValidate = RegistryEntryInfo & { readonly validate: CompiledValidate };

interface LoadedRegistry {
  readonly label: string;
  readonly entries: readonly RegistryEntry[];
  readonly find: RegistryLookup<RegistryValidate>;
}

/** Registries read from disk, by folder: handlers sharing a registry share its validators. */
const registries = new Map<string, LoadedRegistry>();

function loadRegistry(spec: string, where: string): RegistryLookup<RegistryValidate> {
  const found = precompiled(() => registryKey(spec));
  if (found !== undefined && typeof found !== 'function') return indexRegistry(found.entries, found.root);
  const root = registryRoot(spec);
  const loaded = registries.get(root) ?? readAndCompile(root, where);
  collect(() => ({ kind: 'registry', key: registryKey(spec), root: loaded.label, entries: loaded.entries }));
  return loaded.find;
}

function readAndCompile(root: string, where: string): LoadedRegistry {
  const label = rootLabel(root);
  const entries = readRegistry(root, where);
  const validators = compileJsonSchemas(
    entries.map((e) => ({ key: e.file, schema: e.schema, where: `${where}: ${label}${e.file}` })),
  );
  const compiled = entries.map((e, i) => ({ ...e, validate: validators[i] as CompiledValidate }));
  const loaded = { label, entries, find: indexRegistry(compiled, label) };
  registries.set(root, loaded);
  return loaded;
}

function registryValidator(find: RegistryLookup<RegistryValidate>): DataValidator {
  const check = (event: CloudEvent): Validation => {
    const entry = find(event.type, event.dataschema);
    if (typeof entry === 'string') return { ok: false, problems: [{ pointer: '/', message: entry }] };
    return entry.validate(event.data)
      ? { ok: true, data: event.data }
      : { ok: false, problems: ajvProblems(entry.validate) };
  };
  return Object.assign(
    (data: unknown, event?: CloudEvent): readonly SchemaProblem[] => {
      if (event === undefined) {
        return [{ pointer: '/', message: 'cannot be matched to a registry schema without its event' }];
      }
      const result = check({ ...event, data });
      return result.ok ? NONE : result.problems;
    },
    { check },
  );
}

function standardValidator(schema: StandardSchemaV1): DataValidator {
  return Object.assign(
    (data: unknown): readonly SchemaProblem[] => {
      const result = runStandardSchema(schema, data);
      if (result instanceof Promise) {
        return [{ pointer: '/', message: 'has an async validator: validate it with `check(event)`' }];
      }
      return result.ok ? NONE : result.problems;
    },
    { check: (event: CloudEvent) => runStandardSchema(schema, event.data) },
  );
}
