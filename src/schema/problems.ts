/**
 * Validation problems: what ajv and Standard Schema validators report, in one shape — a JSON pointer
 * into `data` and a message. Runtime code: no ajv import (only its error type).
 */
import type { ErrorObject } from 'ajv';

/** One validation failure: where in `data` (a JSON pointer, `/` for the root) and what is wrong. */
export interface SchemaProblem {
  readonly pointer: string;
  readonly message: string;
}

/** The outcome of validating: the data to hand on (a validator's output, or the data as it was), or the problems. */
export type Validation =
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly problems: readonly SchemaProblem[] };

/** An ajv validate function, compiled at runtime or precompiled by `triggerkit build`. */
export interface CompiledValidate {
  (data: unknown): boolean;
  errors?: readonly ErrorObject[] | null;
}

/** The problems of the last call of `validate`. */
export function ajvProblems(validate: CompiledValidate): readonly SchemaProblem[] {
  return (validate.errors ?? []).map(fromAjvError);
}

function fromAjvError(error: ErrorObject): SchemaProblem {
  const pointer = error.instancePath === '' ? '/' : error.instancePath;
  if (error.keyword === 'additionalProperties') {
    return { pointer, message: `must not have property ${JSON.stringify(error.params.additionalProperty)}` };
  }
  if (error.keyword === 'required') {
    return { pointer, message: `must have property ${JSON.stringify(error.params.missingProperty)}` };
  }
  return { pointer, message: error.message ?? error.keyword };
}

/** A path segment as Standard Schema issues carry them. */
export type PathSegment = PropertyKey | { readonly key: PropertyKey };

/**
 * `['order', { key: 'items' }, 0]` → `/order/items/0`, escaped as RFC 6901 says (`~` → `~0`, `/` → `~1`).
 * @see https://www.rfc-editor.org/rfc/rfc6901#section-3
 */
export function toPointer(path: readonly PathSegment[] | undefined): string {
  if (path === undefined || path.length === 0) return '/';
  let pointer = '';
  for (const segment of path) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    const text = typeof key === 'symbol' ? (key.description ?? '') : String(key);
    pointer += `/${text.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  }
  return pointer;
}

/** `data/order/total must be number; data must have property "id"` */
export function formatProblems(problems: readonly SchemaProblem[]): string {
  return problems.map((p) => `data${p.pointer === '/' ? '' : p.pointer} ${p.message}`).join('; ');
}
