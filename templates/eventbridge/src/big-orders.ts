/**
 * An EventBridge rule: `Order Placed` events of 100 or more from `com.example.shop`. The filter is an event
 * pattern and the transform an input transformer, written as on a rule; the pipeline runs both, in Lambda
 * as in the emulator and in tests, so the handler sees only the three fields it needs, checked by the schema.
 */
import { defineHandler } from 'triggerkit';
import { type BigOrder, bigOrderSchema } from './big-order.js';

export const handler = defineHandler<BigOrder>({
  name: 'big-orders',
  sources: [{ type: 'aws:eventbridge', source: 'com.example.shop' }],
  filter: { type: ['Order Placed'], data: { total: [{ numeric: ['>=', 100] }] } },
  transform: {
    InputTransformer: {
      InputPathsMap: { order: '$.detail.orderId', total: '$.detail.total', tier: '$.detail.customer.tier' },
      InputTemplate: '{"orderId": <order>, "total": <total>, "tier": <tier>}',
    },
  },
  schema: bigOrderSchema,
  async handle(event) {
    const order = event.data as BigOrder;
    return { notify: order.tier === 'gold' ? 'account-manager' : 'sales', orderId: order.orderId };
  },
});
