/** The order every example agrees on, as a JSON Schema. */
export const orderSchema = {
  type: 'object',
  required: ['orderId', 'total', 'currency'],
  additionalProperties: true,
  properties: {
    orderId: { type: 'string', minLength: 1 },
    total: { type: 'number', minimum: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sku', 'quantity'],
        properties: { sku: { type: 'string' }, quantity: { type: 'integer' } },
      },
    },
  },
} as const;

export interface Order {
  orderId: string;
  total: number;
  currency: string;
  items?: { sku: string; quantity: number }[];
}
