/** An order event published to the `orders` topic, as a JSON Schema: each pipeline validates it. */
export const orderEventSchema = {
  type: 'object',
  required: ['orderId', 'status', 'total', 'currency'],
  properties: {
    orderId: { type: 'string', minLength: 1 },
    status: { type: 'string', enum: ['draft', 'placed', 'paid', 'shipped', 'cancelled'] },
    total: { type: 'number', minimum: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
} as const;

export interface OrderEvent {
  orderId: string;
  status: 'draft' | 'placed' | 'paid' | 'shipped' | 'cancelled';
  total: number;
  currency: string;
}
