import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixture } from '../../test/support/fixtures.js';
import { defineHandler } from '../define-handler.js';
import { invoke } from '../testing/index.js';

describe('schemas through the whole pipeline', () => {
  it('registry: validates each event by its type, and dead-letters an unknown type non-retryably', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tk-e2e-'));
    writeFileSync(
      join(root, 'com.example.order.created.json'),
      JSON.stringify({
        type: 'object',
        required: ['orderId', 'total'],
        properties: { total: { type: 'number', minimum: 200 } },
      }),
    );
    const handler = defineHandler({ schema: `registry:${root}`, handle: (event) => event.data });
    const result = await invoke(handler, fixture('cloudevents/order-created.json'));
    expect(result.failed.map((f) => [f.stage, f.retryable, (f.error as Error).message])).toEqual([
      ['schema', false, expect.stringMatching(/^data\/total must be >= 200 \(event id b7e1c1d2/)],
    ]);
    const sqs = await invoke(handler, fixture('sqs/orders-batch.json'));
    expect(sqs.failed).toHaveLength(4);
    expect(String((sqs.failed[0]?.error as Error | undefined)?.message)).toContain(
      'has no schema in the registry for type "com.amazonaws.sqs.message"',
    );
  });

  it('Standard Schema: zod output becomes data; async validators are awaited', async () => {
    const schema = z.object({ orderId: z.string(), total: z.coerce.string() });
    const handler = defineHandler({ schema, handle: (event) => event.data.total });
    const result = await invoke(handler, fixture('cloudevents/order-created.json'));
    expect(result.results).toEqual(['120']);
    const slow = z.object({ orderId: z.string().refine(async (id) => id.startsWith('x'), 'unknown order') });
    const rejected = await invoke(
      defineHandler({ schema: slow, handle: () => 1 }),
      fixture('cloudevents/order-created.json'),
    );
    expect(String((rejected.failed[0]?.error as Error | undefined)?.message)).toMatch(
      /^data\/orderId unknown order/,
    );
  });
});
