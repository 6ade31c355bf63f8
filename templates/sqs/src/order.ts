/** An order message, as a JSON Schema: `defineHandler` validates every message against it. */
export const orderSchema = {
  type: 'object',
  required: ['orderId', 'total', 'currency'],
  properties: {
    orderId: { type: 'string', minLength: 1 },
    total: { type: 'number', minimum: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
} as const;

export interface Order {
  orderId: string;
  total: number;
  currency: string;
}
