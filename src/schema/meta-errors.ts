/**
 * ajv reports a schema that breaks the JSON Schema meta-schema as every failed branch at once
 * ("must be equal to one of the allowed values, must be array, must match a schema in anyOf"). This
 * reduces them to the one line a user can act on: where, what is allowed, what was written.
 */
import type { ErrorObject } from 'ajv';

/**
 * The one-line problem for meta-schema `errors` of `document` declared at `where`, or `undefined` when
 * there are none.
 *
 * @example
 * metaSchemaProblem(ajv.errors, { properties: { total: { type: 'float' } } }, 'schema');
 * // 'schema.properties.total.type must be one of "array", "boolean", …; got "float"'
 */
export function metaSchemaProblem(
  errors: readonly ErrorObject[] | null | undefined,
  document: unknown,
  where: string,
): string | undefined {
  if (!errors || errors.length === 0) return undefined;
  // An enum names what is allowed; anyOf / oneOf only repeat that some branch failed.
  const best =
    errors.find((e) => e.keyword === 'enum') ??
    errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ??
    (errors[0] as ErrorObject);
  const inside = dotted(best.instancePath);
  // `schema.properties.total.type`; a registry file (`schema: order.json`) is named once already.
  const at = /^[A-Za-z_$][\w$.[\]]*$/.test(where) ? `${where}${inside}` : inside.slice(1) || 'the schema';
  const got = describe(valueAt(document, best.instancePath));
  if (best.keyword === 'enum') {
    const allowed = (best.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `${at} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}; got ${got}`;
  }
  const type = (best.params as { type?: unknown }).type;
  const types = Array.isArray(type) ? type : typeof type === 'string' ? type.split(',') : undefined;
  const message = best.keyword === 'type' && types ? `must be ${types.join(' or ')}` : best.message;
  return `${at} ${message ?? 'is invalid'}; got ${got}`;
}

/** `/properties/total/type` → `.properties.total.type`, `/required/0` → `.required[0]`. */
function dotted(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^\d+$/.test(key)
        ? `[${key}]`
        : /^[A-Za-z_$][\w$]*$/.test(key)
          ? `.${key}`
          : `[${JSON.stringify(key)}]`;
    })
    .join('');
}

function valueAt(document: unknown, pointer: string): unknown {
  let value = document;
  for (const raw of pointer.split('/').slice(1)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
