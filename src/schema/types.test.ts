/**
 * What `defineHandler` infers for `event.data`. The assertions are checked by `tsc -p tsconfig.json`
 * (part of `npm test`); at run time they only prove the definitions compile and load.
 */
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { CloudEvent } from '../cloud-event.js';
import { defineHandler, type TriggerHandler } from '../define-handler.js';
import type { InferSchemaData } from './types.js';

const orderSchema = {
  type: 'object',
  required: ['orderId', 'total'],
  additionalProperties: false,
  properties: {
    orderId: { type: 'string' },
    total: { type: 'number' },
    status: { enum: ['created', 'paid'] },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sku'],
        additionalProperties: false,
        properties: { sku: { type: 'string' } },
      },
    },
  },
} as const;

type Order = {
  orderId: string;
  total: number;
  status?: 'created' | 'paid';
  items?: { sku: string }[];
};

describe('defineHandler infers event.data', () => {
  it('from a JSON Schema written inline, without `as const` or a type argument', () => {
    const handler = defineHandler({
      schema: { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] },
      handle(event) {
        expectTypeOf(event.data.total).toEqualTypeOf<number>();
        return event.data.total > 100;
      },
    });
    expectTypeOf(handler).toEqualTypeOf<TriggerHandler<{ [x: string]: unknown; total: number }, boolean>>();
  });

  it('from a JSON Schema constant declared `as const`', () => {
    defineHandler({
      schema: orderSchema,
      handle(event) {
        expectTypeOf(event.data).toEqualTypeOf<Order>();
        expectTypeOf(event).toMatchTypeOf<CloudEvent<Order>>();
      },
    });
    expectTypeOf<InferSchemaData<typeof orderSchema>>().toEqualTypeOf<Order>();
  });

  it('from a zod schema, with its transforms applied (the output type, not the input)', () => {
    const schema = z.object({ orderId: z.string(), total: z.string().transform(Number) });
    defineHandler({
      schema,
      handle(event) {
        expectTypeOf(event.data).toEqualTypeOf<{ orderId: string; total: number }>();
      },
    });
  });

  it('from a valibot schema', () => {
    const schema = v.object({ orderId: v.string(), quantity: v.optional(v.number(), 1) });
    defineHandler({
      schema,
      handle(event) {
        expectTypeOf(event.data).toEqualTypeOf<{ orderId: string; quantity: number }>();
      },
    });
  });

  it('from an explicit type argument, which wins over the schema', () => {
    defineHandler<Order>({
      schema: { type: 'object' },
      handle(event) {
        expectTypeOf(event.data).toEqualTypeOf<Order>();
      },
    });
  });

  it('from a schema kept in a variable only with `as const`: without it the literals widen to string', () => {
    const loose = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] };
    const exact = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] } as const;
    defineHandler({ schema: loose, handle: (event) => expectTypeOf(event.data).toBeUnknown() });
    defineHandler({
      schema: exact,
      handle: (event) => expectTypeOf(event.data).toEqualTypeOf<{ [x: string]: unknown; total: number }>(),
    });
  });

  it('as unknown for a file path, the registry, a widened schema, or no schema', () => {
    const widened: object = { type: 'object' };
    // Declared, not called: a registry folder and a schema file need not exist for their types.
    const fromRegistry = () => defineHandler({ schema: 'registry', handle: (event) => event.data });
    const fromFile = () => defineHandler({ schema: './schemas/order.json', handle: (event) => event.data });
    expectTypeOf(fromRegistry).returns.toEqualTypeOf<TriggerHandler<unknown, unknown>>();
    expectTypeOf(fromFile).returns.toEqualTypeOf<TriggerHandler<unknown, unknown>>();
    defineHandler({ schema: widened, handle: (event) => expectTypeOf(event.data).toBeUnknown() });
    defineHandler({
      handle(event) {
        expectTypeOf(event.data).toBeUnknown();
      },
    });
  });

  it('and infers the result type from handle', () => {
    const handler = defineHandler({ schema: orderSchema, handle: async (event) => event.data.orderId });
    expectTypeOf(handler.definition.handle).returns.toEqualTypeOf<string | Promise<string>>();
  });

  it('rejects, at compile time, reading a property the schema does not have', () => {
    defineHandler({
      schema: orderSchema,
      handle(event) {
        // @ts-expect-error -- `customer` is not in orderSchema, whose additionalProperties is false.
        return event.data.customer;
      },
    });
  });
});
