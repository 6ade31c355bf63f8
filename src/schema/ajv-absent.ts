/**
 * What `triggerkit build` puts in a Lambda bundle in place of `ajv-compiler.ts`: every schema the
 * handler uses was precompiled into ajv standalone code, so ajv's compiler is left out of the bundle.
 * Reaching this means a schema appeared that the build did not see when it loaded the handler.
 */
import { TriggerError } from '../errors.js';
import type { RegistryDocument } from './ajv-compiler.js';
import type { CompiledValidate } from './problems.js';

export function compileJsonSchema(_document: object, where: string): CompiledValidate {
  throw notPrecompiled(where);
}

export function compileJsonSchemas(documents: readonly RegistryDocument[]): CompiledValidate[] {
  throw notPrecompiled(documents[0]?.where ?? 'schema registry');
}

function notPrecompiled(where: string): TriggerError {
  return new TriggerError(
    'E_SCHEMA_INVALID',
    `\`${where}\` was not precompiled by \`triggerkit build\`, and this bundle has no ajv compiler. ` +
      'Define schemas when the handler module loads (in defineHandler), then rebuild.',
    { path: where },
  );
}
