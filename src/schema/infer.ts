/**
 * Schema discovery: a JSON Schema (draft-07) inferred from sample values, in the spirit of EventBridge
 * schema discovery — the types seen (numbers never narrowed to integers), properties present in every
 * sample as `required`, array items merged, a string `format` when every sample has it. A draft to
 * review, not a contract. Pure. Build-time code: never imported by what ships in Lambda bundles.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

/** Formats worth proposing, most specific first; a string field gets the first all its samples match. */
const FORMATS = ['date-time', 'date', 'uuid', 'email'] as const;

/** Checked with ajv-formats' own definitions, so an inferred format never rejects its own samples. */
function hasFormat(name: (typeof FORMATS)[number], text: string): boolean {
  const format: unknown = fullFormats[name];
  if (format instanceof RegExp) return format.test(text);
  if (typeof format === 'function') return format(text) === true;
  const validate = (format as { validate?: unknown }).validate;
  if (validate instanceof RegExp) return validate.test(text);
  return typeof validate === 'function' && validate(text) === true;
}

/** What the samples of one position (the root, a property, array items) had in common. */
interface Shape {
  readonly types: Set<JsonType>;
  objects: number;
  readonly properties: Map<string, { readonly shape: Shape; seen: number }>;
  items: Shape | undefined;
  /** The formats every string sample matched so far; undefined until a string is seen. */
  formats: (typeof FORMATS)[number][] | undefined;
}

const emptyShape = (): Shape => ({
  types: new Set(),
  objects: 0,
  properties: new Map(),
  items: undefined,
  formats: undefined,
});

/**
 * The JSON Schema the samples fit.
 *
 * @example
 * inferSchema([{ total: 5 }, { total: 7.5, note: 'gift' }])
 * // { type: 'object', properties: { total: { type: 'number' }, note: { type: 'string' } }, required: ['total'] }
 */
export function inferSchema(samples: readonly unknown[]): Record<string, unknown> {
  const shape = emptyShape();
  for (const sample of samples) add(shape, sample);
  return toSchema(shape);
}

function add(shape: Shape, value: unknown): void {
  const type = typeOf(value);
  shape.types.add(type);
  if (type === 'string') {
    const text = value as string;
    const matching = FORMATS.filter((name) => hasFormat(name, text));
    shape.formats =
      shape.formats === undefined ? matching : shape.formats.filter((f) => matching.includes(f));
  } else if (type === 'array') {
    shape.items ??= emptyShape();
    for (const item of value as unknown[]) add(shape.items, item);
  } else if (type === 'object') {
    shape.objects++;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      let property = shape.properties.get(key);
      if (property === undefined) {
        property = { shape: emptyShape(), seen: 0 };
        shape.properties.set(key, property);
      }
      property.seen++;
      add(property.shape, child);
    }
  }
}

function typeOf(value: unknown): JsonType {
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'number':
      // Never 'integer': JSON.parse turns 310.0 into 310, and a total that happened to be round in
      // every sample would make the schema reject the first 310.5.
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'object':
      return value === null ? 'null' : 'object';
    default:
      // undefined, functions, symbols and bigints are not JSON; a recorded event never holds them.
      return 'null';
  }
}

function toSchema(shape: Shape): Record<string, unknown> {
  const types = [...shape.types].sort();
  const schema: Record<string, unknown> = {};
  if (types.length === 1) schema.type = types[0];
  else if (types.length > 1) schema.type = types;
  const format = shape.formats?.[0];
  if (format !== undefined) schema.format = format;
  if (shape.objects > 0) {
    schema.properties = Object.fromEntries(
      [...shape.properties].map(([key, property]) => [key, toSchema(property.shape)]),
    );
    const required = [...shape.properties]
      .filter(([, property]) => property.seen === shape.objects)
      .map(([key]) => key);
    if (required.length > 0) schema.required = required;
  }
  if (shape.items !== undefined && shape.items.types.size > 0) schema.items = toSchema(shape.items);
  return schema;
}
