/** Sample values built from JSON Schemas: valid against the schema (checked by ajv here too), deterministic. */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { exampleFromSchema } from './from-schema.js';
import { patternSample } from './pattern-sample.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
/** An ajv of its own, not the project's: the check does not lean on the code it checks. */
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

const SCHEMAS: [string, object][] = [
  [
    'an order with a reference, a pattern, bounds, formats and a unique list',
    {
      type: 'object',
      required: ['orderId', 'total', 'lines', 'placedAt'],
      additionalProperties: false,
      properties: {
        orderId: { type: 'string', pattern: '^ord-[0-9]{4}$' },
        total: { type: 'number', exclusiveMinimum: 0, multipleOf: 0.01 },
        currency: { enum: ['EUR', 'USD'] },
        placedAt: { type: 'string', format: 'date-time' },
        email: { type: 'string', format: 'email' },
        lines: { type: 'array', minItems: 2, uniqueItems: true, items: { $ref: '#/definitions/line' } },
        note: { type: ['string', 'null'], maxLength: 3 },
        tags: { type: 'array', items: { type: 'string', minLength: 2 }, uniqueItems: true, minItems: 3 },
      },
      definitions: {
        line: {
          type: 'object',
          required: ['sku', 'qty'],
          properties: {
            sku: { type: 'string', minLength: 5 },
            qty: { type: 'integer', minimum: 1, maximum: 9 },
          },
        },
      },
    },
  ],
  [
    'allOf merged',
    {
      allOf: [
        { type: 'object', required: ['a'], properties: { a: { type: 'integer', minimum: 3 } } },
        { type: 'object', required: ['b'], properties: { b: { const: 'x' } } },
      ],
    },
  ],
  ['anyOf, its first branch', { anyOf: [{ type: 'string', minLength: 4 }, { type: 'number' }] }],
  [
    'a tuple',
    { type: 'array', items: [{ type: 'integer' }, { type: 'boolean' }], minItems: 2, additionalItems: false },
  ],
  ['contains', { type: 'array', contains: { type: 'integer', minimum: 10 } }],
  ['minProperties', { type: 'object', minProperties: 2, additionalProperties: { type: 'number' } }],
  ['$defs and a pointer', { $ref: '#/$defs/id', $defs: { id: { type: 'string', format: 'uuid' } } }],
  ['exclusive bounds', { type: 'number', exclusiveMinimum: 1, exclusiveMaximum: 1.5 }],
  ['integer multiples', { type: 'integer', minimum: 7, multipleOf: 5 }],
];

describe('exampleFromSchema', () => {
  it.each(SCHEMAS)('%s: a valid value', (_, schema) => {
    const value = exampleFromSchema(schema);
    expect(ajv.validate(schema, value), JSON.stringify(ajv.errors)).toBe(true);
    expect(exampleFromSchema(schema)).toEqual(value);
  });

  it('prefers const, default, examples and enum, in that order', () => {
    expect(exampleFromSchema({ type: 'string', default: 'd', examples: ['e'], enum: ['d', 'e'] })).toBe('d');
    expect(exampleFromSchema({ type: 'string', examples: ['e'] })).toBe('e');
    expect(
      exampleFromSchema({ type: 'object', properties: { total: { type: 'number', minimum: 10 } } }),
    ).toEqual({
      total: 10,
    });
  });

  it('names what it cannot build, in one line, and never returns an invalid value', () => {
    expect(() => exampleFromSchema({ type: 'string', pattern: '^(?=a)b' })).toThrow(
      /schema at \/ must match "\^\(\?=a\)b", which is past what the sample builder reads/,
    );
    expect(() => exampleFromSchema({ type: 'integer', minimum: 5, maximum: 3 })).toThrow(
      /Cannot build a sample valid against schema: data must be <= 3; give the data instead/,
    );
    expect(() => exampleFromSchema({ $ref: 'other.json#/x' })).toThrow(
      /refers to other.json#\/x, outside this schema/,
    );
    expect(() => exampleFromSchema({ $ref: '#/definitions/none' })).toThrow(
      /which the schema does not define/,
    );
    expect(() => exampleFromSchema('nope', 'order.json')).toThrow(/order.json must be a JSON Schema object/);
  });
});

describe('patternSample', () => {
  it.each([
    ['^ord-[0-9]{4}$', 0],
    ['^[A-Z]{3}$', 0],
    ['^(foo|bar)-\\d+$', 0],
    ['[^a-z]+', 4],
    ['^\\w+@\\w+\\.com$', 0],
    ['a{2,}b?c*', 6],
    ['^[a-z0-9._-]+$', 10],
    ['^(?:v\\d+\\.){2}\\d+$', 0],
    ['^\\S+\\s\\S+$', 0],
    ['^[\\u0041-\\u005A]$', 0],
    ['^[α-ω]{2}$', 0],
  ])('%s (minLength %i): a string it matches', (pattern, min) => {
    const text = patternSample(pattern, min);
    expect(text).toBeDefined();
    expect(new RegExp(pattern, 'u').test(text as string)).toBe(true);
    expect((text as string).length).toBeGreaterThanOrEqual(min);
  });

  it.each(['^(?=x)', '(a)\\1', '^(?<!a)b'])('%s: undefined (not followed)', (pattern) => {
    expect(patternSample(pattern)).toBeUndefined();
  });
});
