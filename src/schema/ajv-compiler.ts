/**
 * The only runtime module that imports ajv's compiler. `triggerkit build` precompiles every schema a
 * handler uses into ajv standalone code and swaps this module for `ajv-absent.ts`, so a Lambda bundle
 * carries neither ajv's compiler nor any schema compilation at cold start.
 */
import { Ajv, type FormatDefinition, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { TriggerError } from '../errors.js';
import { formats } from './formats.js';
import { metaSchemaProblem } from './meta-errors.js';
import type { CompiledValidate } from './problems.js';
import { TYPE_KEYWORD } from './registry.js';

// ajv-formats ships CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The options every schema is compiled with, at runtime and into standalone code alike. */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  // Without it ajv reads `data.valueOf` and friends through the prototype: an optional `valueOf` property
  // would reject `{}` ("must be boolean") because Object.prototype.valueOf is a function.
  ownProperties: true,
};

/**
 * A new ajv with triggerkit's options, ajv-formats (with the faster, equivalent `date-time` of
 * formats.ts) and the registry's annotation keyword. Standalone code needs `extra.code.formats`
 * pointing at formats.ts's `formats`.
 */
export function createAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  addFormats(ajv);
  ajv.addFormat('date-time', formats['date-time'] as FormatDefinition<string>);
  ajv.addKeyword({ keyword: TYPE_KEYWORD, schemaType: ['string', 'array'] });
  return ajv;
}

let shared: Ajv | undefined;

/**
 * Compiles a JSON Schema with the one shared ajv instance (ajv caches by schema object, so one schema
 * used by two handlers compiles once). Throws `TriggerError` `E_SCHEMA_INVALID` saying where.
 */
export function compileJsonSchema(document: object, where: string): CompiledValidate {
  shared ??= createAjv();
  try {
    return shared.compile(document);
  } catch (error) {
    throw invalid(where, error, metaProblem(shared, error, document, where));
  }
}

/** A schema of a registry folder: `key` is its file path relative to the folder, `where` names it in errors. */
export interface RegistryDocument {
  readonly key: string;
  readonly schema: object;
  readonly where: string;
}

/**
 * Adds the schemas of one registry folder to an ajv of their own, so they can `$ref` each other by
 * `$id` or by file name without colliding with any other schema's ids, and returns that ajv.
 */
export function addRegistrySchemas(documents: readonly RegistryDocument[], extra: Options = {}): Ajv {
  const ajv = createAjv(extra);
  for (const { key, schema, where } of documents) {
    try {
      ajv.addSchema(schema, key);
    } catch (error) {
      throw invalid(where, error, metaProblem(ajv, error, schema, where));
    }
  }
  return ajv;
}

/** Compiles the schemas of one registry folder (see `addRegistrySchemas`), in order. */
export function compileJsonSchemas(documents: readonly RegistryDocument[]): CompiledValidate[] {
  const ajv = addRegistrySchemas(documents);
  return documents.map(({ key, where }) => {
    try {
      return ajv.getSchema(key) as CompiledValidate;
    } catch (error) {
      throw invalid(where, error);
    }
  });
}

/** The meta-schema errors ajv left on `ajv.errors` when it refused `document` as no JSON Schema, in one line. */
function metaProblem(ajv: Ajv, error: unknown, document: unknown, where: string): string | undefined {
  if (!(error instanceof Error) || !error.message.startsWith('schema is invalid')) return undefined;
  return metaSchemaProblem(ajv.errors, document, where);
}

/** `E_SCHEMA_INVALID` for a schema ajv rejects; `problem` replaces ajv's message when there is a clearer one. */
export function invalid(where: string, error: unknown, problem?: string): TriggerError {
  return new TriggerError(
    'E_SCHEMA_INVALID',
    `\`${where}\` is not a valid JSON Schema: ${problem ?? (error as Error).message}.`,
    { path: where, cause: error },
  );
}
