/** The event the handler receives, after the transform, as a JSON Schema. */
export const bigOrderSchema = {
  type: 'object',
  required: ['orderId', 'total', 'tier'],
  additionalProperties: false,
  properties: {
    orderId: { type: 'string', minLength: 1 },
    total: { type: 'number' },
    tier: { enum: ['basic', 'silver', 'gold'] },
  },
} as const;

export interface BigOrder {
  orderId: string;
  total: number;
  tier: 'basic' | 'silver' | 'gold';
}
