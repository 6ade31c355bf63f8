/**
 * A change to the `orders` table, as triggerkit reads a DynamoDB Streams record: Debezium's `op`
 * (c, u, d), the row `keys`, and the `before` / `after` images as plain JSON. A JSON Schema:
 * `defineHandler` validates every change against it.
 */
const orderImage = {
  type: ['object', 'null'],
  required: ['orderId', 'status'],
  properties: {
    orderId: { type: 'string', minLength: 1 },
    status: { type: 'string', enum: ['placed', 'paid', 'shipped', 'cancelled'] },
    total: { type: 'number', minimum: 0 },
  },
} as const;

export const orderChangeSchema = {
  type: 'object',
  required: ['op', 'keys', 'before', 'after'],
  properties: {
    op: { type: 'string', enum: ['c', 'u', 'd'] },
    keys: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } },
    before: orderImage,
    after: orderImage,
  },
} as const;

export interface Order {
  orderId: string;
  status: 'placed' | 'paid' | 'shipped' | 'cancelled';
  total?: number;
}

export interface OrderChange {
  op: 'c' | 'u' | 'd';
  keys: { orderId: string };
  before: Order | null;
  after: Order | null;
}
