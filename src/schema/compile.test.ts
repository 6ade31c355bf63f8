import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CloudEvent, createCloudEvent } from '../cloud-event.js';
import { isTriggerError, type TriggerError } from '../errors.js';
import { compileSchema, formatProblems } from './compile.js';
import { toPointer } from './problems.js';

const orderSchema = {
  type: 'object',
  required: ['orderId', 'total'],
  additionalProperties: false,
  properties: {
    orderId: { type: 'string' },
    total: { type: 'number', minimum: 0 },
    createdAt: { type: 'string', format: 'date-time' },
    items: {
      type: 'array',
      items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } },
    },
  },
};

const event = (data: unknown): CloudEvent =>
  createCloudEvent({ id: 'e-1', source: '/shop', type: 'com.shop.order.created', data });

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError');
}

describe('compileSchema with a JSON Schema', () => {
  const validate = compileSchema(orderSchema);

  it('returns no problems for valid data, and hands the same data on', () => {
    const data = { orderId: 'o-1', total: 5, createdAt: '2025-11-03T09:00:00Z' };
    expect(validate(data)).toEqual([]);
    expect(validate.check(event(data))).toEqual({ ok: true, data });
  });

  it('lists every problem with its JSON pointer (allErrors), formats included', () => {
    const problems = validate({ total: -1, createdAt: 'yesterday', items: [{ sku: 1 }], extra: true });
    expect(problems).toEqual([
      { pointer: '/', message: 'must have property "orderId"' },
      { pointer: '/', message: 'must not have property "extra"' },
      { pointer: '/total', message: 'must be >= 0' },
      { pointer: '/createdAt', message: 'must match format "date-time"' },
      { pointer: '/items/0/sku', message: 'must be string' },
    ]);
    expect(formatProblems(problems.slice(2, 3))).toBe('data/total must be >= 0');
  });

  it('reads only own properties: an optional property named like an Object.prototype member is absent from {}', () => {
    const check = compileSchema({
      type: 'object',
      properties: { valueOf: { type: 'boolean' }, constructor: { type: 'string' } },
    });
    expect(check({})).toEqual([]);
    expect(check({ valueOf: 1 })).toEqual([{ pointer: '/valueOf', message: 'must be boolean' }]);
  });

  it('reads a schema from a .json file once, however many handlers use it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-schema-'));
    const file = join(dir, 'order.json');
    writeFileSync(file, JSON.stringify({ $id: 'https://example.com/order.json', ...orderSchema }));
    const first = compileSchema(file);
    // A second compile of the same $id would make ajv throw "schema with key or id already exists".
    const second = compileSchema(file);
    expect(second({ orderId: 'o', total: 1 })).toEqual([]);
    expect(first({ orderId: 'o' })).toEqual([{ pointer: '/', message: 'must have property "total"' }]);
  });

  it('throws E_SCHEMA_INVALID at definition time for a schema ajv rejects, or a value that is no schema', () => {
    expect(thrown(() => compileSchema({ type: 'objekt' }, 'schema')).code).toBe('E_SCHEMA_INVALID');
    const error = thrown(() => compileSchema(42));
    expect(error.code).toBe('E_SCHEMA_INVALID');
    expect(error.message).toContain("a JSON Schema object, a path to a .json file, 'registry'");
  });
});

describe('compileSchema with a Standard Schema validator', () => {
  it('accepts zod: its output (after transforms) becomes the data', () => {
    const validate = compileSchema(z.object({ orderId: z.string(), total: z.string().transform(Number) }));
    expect(validate.check(event({ orderId: 'o-1', total: '12.5' }))).toEqual({
      ok: true,
      data: { orderId: 'o-1', total: 12.5 },
    });
  });

  it('maps zod issues to JSON pointers', () => {
    const schema = z.object({ items: z.array(z.object({ 'a/b~c': z.number() })) });
    const result = compileSchema(schema).check(event({ items: [{ 'a/b~c': 'x' }] }));
    expect(result).toMatchObject({ ok: false, problems: [{ pointer: '/items/0/a~1b~0c' }] });
    expect(compileSchema(schema)({ items: [{ 'a/b~c': 1 }] })).toEqual([]);
  });

  it('accepts valibot, defaults applied', () => {
    const validate = compileSchema(v.object({ orderId: v.string(), quantity: v.optional(v.number(), 1) }));
    expect(validate.check(event({ orderId: 'o-2' }))).toEqual({
      ok: true,
      data: { orderId: 'o-2', quantity: 1 },
    });
    expect(validate.check(event({ quantity: 2 }))).toMatchObject({
      ok: false,
      problems: [{ pointer: '/orderId', message: expect.stringContaining('orderId') }],
    });
  });

  it('awaits an async validator, and reports one that throws as a problem instead of crashing', async () => {
    const slow = z.object({ sku: z.string().refine(async (sku) => sku.startsWith('SKU-'), 'unknown sku') });
    await expect(compileSchema(slow).check(event({ sku: 'X' }))).resolves.toEqual({
      ok: false,
      problems: [{ pointer: '/sku', message: 'unknown sku' }],
    });
    expect(compileSchema(slow)({ sku: 'SKU-1' })).toMatchObject([
      { message: expect.stringContaining('async') },
    ]);
    const broken = {
      '~standard': {
        version: 1,
        vendor: 'acme',
        validate: () => {
          throw new Error('boom');
        },
      },
    } as const;
    expect(compileSchema(broken).check(event({}))).toEqual({
      ok: false,
      problems: [{ pointer: '/', message: 'could not be validated (acme threw: boom)' }],
    });
  });
});

describe('toPointer', () => {
  it('turns Standard Schema paths (keys or { key } segments) into RFC 6901 pointers', () => {
    expect(toPointer(undefined)).toBe('/');
    expect(toPointer(['order', { key: 'items' }, 0, Symbol('s')])).toBe('/order/items/0/s');
  });
});

describe('a JSON Schema that breaks the meta-schema', () => {
  it('is one line naming the bad value and the allowed ones, not ajv’s every failed branch', () => {
    const error = thrown(() => compileSchema({ type: 'object', properties: { total: { type: 'float' } } }));
    expect(error.code).toBe('E_SCHEMA_INVALID');
    expect(error.message).toBe(
      '`schema` is not a valid JSON Schema: schema.properties.total.type must be one of "array", "boolean", ' +
        '"integer", "null", "number", "object", "string"; got "float".',
    );
  });

  it('names a value of the wrong kind and where it is', () => {
    const error = thrown(() => compileSchema({ type: 'object', required: 'orderId' }));
    expect(error.message).toBe(
      '`schema` is not a valid JSON Schema: schema.required must be array; got "orderId".',
    );
    const nested = thrown(() => compileSchema({ properties: { 'unit price': { minimum: 'zero' } } }));
    expect(nested.message).toContain('schema.properties["unit price"].minimum must be number; got "zero".');
    const flag = thrown(() => compileSchema({ type: 'object', additionalProperties: 'no' }));
    expect(flag.message).toContain('schema.additionalProperties must be object or boolean; got "no".');
  });
});
