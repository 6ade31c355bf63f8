/**
 * Standard Schema v1: the interface zod, valibot, ArkType and others implement under `~standard`.
 * The types are copied from the spec, as it asks, so triggerkit needs no dependency for them.
 * @see https://standardschema.dev
 */
import { type PathSegment, type SchemaProblem, toPointer, type Validation } from './problems.js';

/** A validator that implements Standard Schema v1. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

export interface StandardSchemaProps<Input = unknown, Output = Input> {
  readonly version: 1;
  readonly vendor: string;
  readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardSchemaIssue[] };

export interface StandardSchemaIssue {
  readonly message: string;
  readonly path?: readonly PathSegment[] | undefined;
}

/** The type a Standard Schema validator outputs (after zod's transforms, valibot's pipes…). */
export type StandardSchemaOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];

/** True for any object carrying a version-1 `~standard` with a `validate` function. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return (
    typeof props === 'object' &&
    props !== null &&
    (props as { version?: unknown }).version === 1 &&
    typeof (props as { validate?: unknown }).validate === 'function'
  );
}

/**
 * Runs a Standard Schema validator. Its output becomes the data (zod may coerce or transform); its
 * issues become problems with JSON pointers. A validator that throws or rejects is reported as a
 * problem too, so the event fails at the schema stage instead of crashing the pipeline.
 */
export function runStandardSchema(schema: StandardSchemaV1, data: unknown): Validation | Promise<Validation> {
  let result: StandardSchemaResult<unknown> | Promise<StandardSchemaResult<unknown>>;
  try {
    result = schema['~standard'].validate(data);
  } catch (error) {
    return threw(schema, error);
  }
  return result instanceof Promise
    ? result.then(fromResult, (error: unknown) => threw(schema, error))
    : fromResult(result);
}

function fromResult(result: StandardSchemaResult<unknown>): Validation {
  if (result.issues === undefined) return { ok: true, data: result.value };
  return { ok: false, problems: result.issues.map(fromIssue) };
}

function fromIssue(issue: StandardSchemaIssue): SchemaProblem {
  return { pointer: toPointer(issue.path), message: issue.message };
}

function threw(schema: StandardSchemaV1, error: unknown): Validation {
  const vendor = schema['~standard'].vendor;
  const message = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    problems: [{ pointer: '/', message: `could not be validated (${vendor} threw: ${message})` }],
  };
}
