/** `invoke` is typed over the handler: `delivered` carries its data type, `results` what `handle` returns. */
import { describe, expectTypeOf, it } from 'vitest';
import type { CloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import { events } from './events.js';
import { type InvokeResult, invoke } from './index.js';

interface Order {
  readonly orderId: string;
  readonly total: number;
}

describe('invoke types', () => {
  it('infers the data and the result from the handler', async () => {
    const typed = defineHandler<Order, { saved: string }>({
      handle: async (event) => ({ saved: event.data.orderId }),
    });
    const result = await invoke(typed, events.sqs({ data: { orderId: 'o', total: 1 } }));
    expectTypeOf(result).toEqualTypeOf<InvokeResult<Order, { saved: string }>>();
    expectTypeOf(result.delivered).toEqualTypeOf<readonly CloudEvent<Order>[]>();
    expectTypeOf(result.results).toEqualTypeOf<readonly { saved: string }[]>();
  });

  it('infers them from a schema and an async handle', async () => {
    const inferred = defineHandler({
      schema: {
        type: 'object',
        required: ['total'],
        properties: { total: { type: 'number' } },
        additionalProperties: false,
      },
      handle: async (event) => event.data.total * 2,
    });
    const result = await invoke(inferred, events.sqs({ data: { total: 1 } }));
    expectTypeOf(result.delivered[0]?.data).toEqualTypeOf<{ total: number } | undefined>();
    expectTypeOf(result.results).toEqualTypeOf<readonly number[]>();
  });

  it('stays unknown for an untyped handler', async () => {
    const untyped = defineHandler({ handle: () => undefined as unknown });
    const result = await invoke(untyped, events.sqs());
    expectTypeOf(result.results).toEqualTypeOf<readonly unknown[]>();
  });
});
