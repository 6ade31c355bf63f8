/**
 * A value valid against a JSON Schema (draft-07, as handlers' schemas are), built deterministically:
 * `const`, `default`, `examples` and `enum` first; then by `type` and its keywords — every declared
 * property of an object, `minItems` items of an array (distinct under `uniqueItems`), strings by
 * `format`, `pattern` and length, numbers by bounds and `multipleOf`; `allOf` merged, the first branch
 * of `anyOf` / `oneOf`, local `$ref`s followed. The value is then validated with the schema by the same
 * ajv as handlers: what it cannot satisfy is an error naming the problem, never an invalid value.
 */
import { TriggerError } from '../../errors.js';
import { compileJsonSchema } from '../../schema/ajv-compiler.js';
import { ajvProblems, formatProblems } from '../../schema/problems.js';
import { patternSample } from './pattern-sample.js';

type Schema = Readonly<Record<string, unknown>>;

const FORMATS: Readonly<Record<string, string>> = {
  'date-time': '2025-01-01T00:00:00.000Z',
  date: '2025-01-01',
  time: '00:00:00Z',
  duration: 'P1D',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uri: 'https://example.com/',
  'uri-reference': '/example',
  iri: 'https://example.com/',
  'iri-reference': '/example',
  'uri-template': 'https://example.com/{id}',
  url: 'https://example.com/',
  uuid: '3f2a6a1e-8c1b-4f5e-9d3a-6b7c8d9e0f1a',
  'json-pointer': '/example',
  'relative-json-pointer': '0',
  regex: '^example$',
  byte: 'ZXhhbXBsZQ==',
  password: 'example',
  binary: 'example',
};

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Builder {
  constructor(private readonly root: unknown) {}

  /** `variant` makes siblings differ (array items under `uniqueItems`); `name` seeds strings. */
  value(schema: unknown, path: string, variant = 0, name = 'example', depth = 0): unknown {
    if (schema === true || (isSchema(schema) && Object.keys(schema).length === 0)) return {};
    if (!isSchema(schema) || depth > 32) throw this.fail(path, 'is a schema no value satisfies');
    if (typeof schema.$ref === 'string')
      return this.value(this.resolve(schema.$ref, path), path, variant, name, depth + 1);
    if ('const' in schema) return schema.const;
    if ('default' in schema) return schema.default;
    if (Array.isArray(schema.examples) && schema.examples.length > 0)
      return schema.examples[variant % schema.examples.length];
    if (Array.isArray(schema.enum) && schema.enum.length > 0)
      return schema.enum[variant % schema.enum.length];
    if (Array.isArray(schema.allOf)) return this.value(merge(schema, this), path, variant, name, depth + 1);
    const branches = schema.anyOf ?? schema.oneOf;
    if (Array.isArray(branches) && branches.length > 0) {
      const { anyOf: _, oneOf: __, ...rest } = schema;
      return this.value(merge({ ...rest, allOf: [branches[0]] }, this), path, variant, name, depth + 1);
    }
    switch (typeOf(schema)) {
      case 'null':
        return null;
      case 'boolean':
        return variant % 2 === 0;
      case 'integer':
      case 'number':
        return number(schema, variant);
      case 'string':
        return this.string(schema, path, variant, name);
      case 'array':
        return this.array(schema, path, depth);
      default:
        return this.object(schema, path, variant, depth);
    }
  }

  private object(schema: Schema, path: string, variant: number, depth: number): Record<string, unknown> {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    const extra = isSchema(schema.additionalProperties) ? schema.additionalProperties : {};
    const out: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(properties), ...required]))
      out[key] = this.value(properties[key] ?? extra, `${path}/${key}`, variant, key, depth + 1);
    for (let i = Object.keys(out).length; i < Number(schema.minProperties ?? 0); i++)
      out[`property${i + 1}`] = this.value(
        extra,
        `${path}/property${i + 1}`,
        i,
        `property${i + 1}`,
        depth + 1,
      );
    return out;
  }

  private array(schema: Schema, path: string, depth: number): unknown[] {
    const tuple = Array.isArray(schema.items) ? schema.items : [];
    const each =
      isSchema(schema.items) || schema.items === true ? schema.items : (schema.additionalItems ?? {});
    const count = Math.max(tuple.length, Number(schema.minItems ?? (tuple.length > 0 ? 0 : 1)));
    const out = Array.from({ length: Math.min(count, Number(schema.maxItems ?? Infinity)) }, (_, i) =>
      this.value(tuple[i] ?? each, `${path}/${i}`, schema.uniqueItems === true ? i : 0, 'example', depth + 1),
    );
    if (schema.contains !== undefined)
      out[0] = this.value(schema.contains, `${path}/0`, 0, 'example', depth + 1);
    return out;
  }

  private string(schema: Schema, path: string, variant: number, name: string): string {
    const min = Number(schema.minLength ?? 0);
    const max = Number(schema.maxLength ?? Infinity);
    if (typeof schema.pattern === 'string') {
      const text = patternSample(schema.pattern, min);
      if (text === undefined)
        throw this.fail(
          path,
          `must match ${JSON.stringify(schema.pattern)}, which is past what the sample builder reads (lookarounds, backreferences)`,
        );
      return text;
    }
    const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
    const base = format ?? (variant === 0 ? name : `${name}-${variant + 1}`);
    return base.padEnd(min, 'x').slice(0, Math.max(min, Math.min(max, base.length)));
  }

  /** A local reference: `#`, `#/definitions/x`, `#/$defs/x` (JSON Pointer). */
  private resolve(ref: string, path: string): unknown {
    if (!ref.startsWith('#'))
      throw this.fail(path, `refers to ${ref}, outside this schema; inline it or use --data`);
    let node: unknown = this.root;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      node = isSchema(node) ? node[key] : undefined;
    }
    if (node === undefined) throw this.fail(path, `refers to ${ref}, which the schema does not define`);
    return node;
  }

  fail(path: string, why: string): TriggerError {
    return new TriggerError('E_CONFIG', `Cannot build a sample: the schema at ${path || '/'} ${why}.`, {
      path,
    });
  }

  /** The schema with its `$ref` followed (for `allOf` members). */
  deref(schema: unknown, path: string): unknown {
    return isSchema(schema) && typeof schema.$ref === 'string' ? this.resolve(schema.$ref, path) : schema;
  }
}

function typeOf(schema: Schema): string {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((t) => typeof t === 'string' && t !== 'null') ?? types[0];
  if (typeof type === 'string') return type;
  if ('properties' in schema || 'required' in schema || 'additionalProperties' in schema) return 'object';
  if ('items' in schema || 'minItems' in schema || 'contains' in schema) return 'array';
  if ('pattern' in schema || 'format' in schema || 'minLength' in schema || 'maxLength' in schema)
    return 'string';
  if ('minimum' in schema || 'maximum' in schema || 'multipleOf' in schema) return 'number';
  return 'object';
}

function number(schema: Schema, variant: number): number {
  const integer = typeOf(schema) === 'integer';
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  const exclusiveMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
  let value: number;
  if (typeof schema.minimum === 'number') value = schema.minimum;
  else if (typeof schema.exclusiveMinimum === 'number') {
    const above = schema.exclusiveMinimum + 1;
    const ceiling = max ?? exclusiveMax;
    value =
      integer || ceiling === undefined || above < ceiling ? above : (schema.exclusiveMinimum + ceiling) / 2;
  } else value = Math.min(1, max ?? 1, exclusiveMax === undefined ? 1 : exclusiveMax - 1);
  value += variant;
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0)
    value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  return integer ? Math.ceil(value) : value;
}

/** `allOf` folded into one schema: properties and required merged, the rest of the later members winning. */
function merge(schema: Schema, builder: Builder): Schema {
  const { allOf, ...own } = schema;
  let out: Record<string, unknown> = { ...own };
  for (const member of (allOf as unknown[]) ?? []) {
    const part = builder.deref(member, '');
    if (!isSchema(part)) continue;
    const folded = Array.isArray(part.allOf) ? merge(part, builder) : part;
    out = {
      ...out,
      ...folded,
      properties: { ...(out.properties as object), ...(folded.properties as object) },
      required: [...((out.required as string[]) ?? []), ...((folded.required as string[]) ?? [])],
    };
  }
  return out;
}

/**
 * A value valid against `schema`. Throws `TriggerError` `E_CONFIG` when the schema asks for what the
 * builder cannot make (an external `$ref`, a lookaround in a `pattern`, contradicting keywords) and
 * `E_SCHEMA_INVALID` for a schema that does not compile.
 *
 * @example
 * exampleFromSchema({ type: 'object', required: ['total'], properties: { total: { type: 'number', minimum: 10 } } })
 * // { total: 10 }
 */
export function exampleFromSchema(schema: unknown, where = 'schema'): unknown {
  if (!isSchema(schema) && typeof schema !== 'boolean')
    throw new TriggerError('E_CONFIG', `${where} must be a JSON Schema object, got ${typeof schema}.`, {
      path: where,
    });
  const builder = new Builder(schema);
  const value = builder.value(schema, '');
  if (typeof schema === 'boolean') return value;
  const validate = compileJsonSchema(schema, where);
  if (!validate(value))
    throw new TriggerError(
      'E_CONFIG',
      `Cannot build a sample valid against ${where}: ${formatProblems(ajvProblems(validate))}; give the data instead (--data).`,
      { path: where },
    );
  return value;
}
