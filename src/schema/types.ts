/**
 * The type of `event.data` a definition's `schema` implies: `FromSchema` (json-schema-to-ts) for a JSON
 * Schema written inline `as const`, the output type of a Standard Schema validator, else `unknown`.
 */
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { StandardSchemaOutput, StandardSchemaV1 } from './standard-schema.js';

/** What a definition's `schema` accepts: a JSON Schema, a file path, 'registry', a Standard Schema validator. */
export type SchemaOption = object | string;

/**
 * `event.data`'s type for a `schema`. A file path or the registry says nothing at compile time, nor
 * does a schema typed as plain `object` or one whose literal types were widened (not `as const`).
 *
 * @example
 * type Order = InferSchemaData<typeof orderSchema>; // { orderId: string; total: number; … }
 */
export type InferSchemaData<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaOutput<TSchema>
  : TSchema extends string
    ? unknown
    : object extends TSchema
      ? unknown
      : TSchema extends JSONSchema
        ? FromSchema<TSchema>
        : unknown;

/** `TData` when the caller names it (`defineHandler<Order>(…)`), else what the schema implies. */
export type DataOf<TData, TSchema> = [TData] extends [never] ? InferSchemaData<TSchema> : TData;
