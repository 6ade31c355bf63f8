/**
 * An event made with the `cloudevents` SDK is a triggerkit `CloudEvent`: the SDK types `specversion` as
 * `string`, so ours must accept it. Checked by `tsc -p tsconfig.json` (part of `npm test`); at run time the
 * assertions only show the value flows.
 */
import { CloudEvent as SdkCloudEvent } from 'cloudevents';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type CloudEvent, cloudEventProblems } from './cloud-event.js';

interface Order {
  readonly orderId: string;
  readonly total: number;
}

describe('CloudEvent and the cloudevents SDK', () => {
  it('an SDK CloudEvent is assignable to CloudEvent<T>', () => {
    const sdk = new SdkCloudEvent<Order>({
      id: 'ord-1001',
      source: '/shop/orders',
      type: 'com.shop.order.created',
      data: { orderId: 'ord-1001', total: 120 },
    });
    expectTypeOf(sdk).toExtend<CloudEvent<Order>>();
    expectTypeOf<SdkCloudEvent<unknown>>().toExtend<CloudEvent>();
    const total = (event: CloudEvent<Order>) => event.data?.total;
    expect(total(sdk)).toBe(120);
    expect(cloudEventProblems(sdk.toJSON())).toEqual([]);
  });

  it('specversion stays readonly text', () => {
    expectTypeOf<CloudEvent['specversion']>().toEqualTypeOf<string>();
  });
});
