/** JSON Schema validation of `event.data`: one shared ajv instance, every schema compiled once. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { TriggerError } from '../errors.js';

// ajv-formats ships CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let shared: Ajv | undefined;

function ajv(): Ajv {
  if (shared === undefined) {
    shared = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(shared);
  }
  return shared;
}

/** One validation failure: where in `data` (a JSON pointer) and what is wrong. */
export interface SchemaProblem {
  readonly pointer: string;
  readonly message: string;
}

/** Returns the problems of `data`, empty when it is valid. */
export type DataValidator = (data: unknown) => readonly SchemaProblem[];

/**
 * Compiles a JSON Schema (an object, or a path to a JSON file relative to the working directory).
 * Throws `TriggerError` `E_SCHEMA_INVALID` for a schema ajv cannot compile.
 */
export function compileSchema(schema: unknown, where = 'schema'): DataValidator {
  const document = typeof schema === 'string' ? readSchemaFile(schema, where) : schema;
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new TriggerError(
      'E_SCHEMA_INVALID',
      `\`${where}\` must be a JSON Schema object or a path to a .json file.`,
      {
        path: where,
      },
    );
  }
  let validate: ReturnType<Ajv['compile']>;
  try {
    validate = ajv().compile(document);
  } catch (error) {
    throw new TriggerError(
      'E_SCHEMA_INVALID',
      `\`${where}\` is not a valid JSON Schema: ${(error as Error).message}.`,
      {
        path: where,
        cause: error,
      },
    );
  }
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map(toProblem));
}

function toProblem(error: ErrorObject): SchemaProblem {
  const pointer = error.instancePath === '' ? '/' : error.instancePath;
  if (error.keyword === 'additionalProperties') {
    return { pointer, message: `must not have property ${JSON.stringify(error.params.additionalProperty)}` };
  }
  if (error.keyword === 'required') {
    return { pointer, message: `must have property ${JSON.stringify(error.params.missingProperty)}` };
  }
  return { pointer, message: error.message ?? error.keyword };
}

/** `data/order/total must be number; / must have property "id"` */
export function formatProblems(problems: readonly SchemaProblem[]): string {
  return problems.map((p) => `data${p.pointer === '/' ? '' : p.pointer} ${p.message}`).join('; ');
}

function readSchemaFile(path: string, where: string): unknown {
  const full = resolve(path);
  try {
    return JSON.parse(readFileSync(full, 'utf8'));
  } catch (error) {
    throw new TriggerError(
      'E_SCHEMA_INVALID',
      `\`${where}\`: cannot read a JSON Schema from ${path}: ${(error as Error).message}.`,
      {
        path: where,
        cause: error,
      },
    );
  }
}
