/**
 * The DynamoDB idempotency store against dynalite, a local DynamoDB-compatible server, through the real
 * `@aws-sdk/client-dynamodb`: conditional claims, concurrent claims, expiry, and the Lambda adapter.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynaliteHarness, openDynalite } from '../../../test/support/dynalite.js';
import { fixture } from '../../../test/support/fixtures.js';
import { compiledOf, defineHandler } from '../../define-handler.js';
import { createMemoryIdempotencyStore } from '../../delivery/idempotency.js';
import { createLocalContext } from './context.js';
import { createDynamoIdempotencyStore, idempotencyRuntime } from './dynamodb-idempotency.js';

let db: DynaliteHarness;
beforeAll(async () => {
  db = await openDynalite();
});
afterAll(async () => db.close());
const createTable = () => db.createTable();

describe('the DynamoDB idempotency store', () => {
  it('claims, reports in-progress, completes with the result, and expires', async () => {
    const table = await createTable();
    const store = createDynamoIdempotencyStore({ table }, db.client);
    const claim = await store.claim('orders#A-7', 1_000_000, 30_000);
    if (claim.status !== 'fresh') throw new Error(`expected a fresh claim, got ${claim.status}`);
    expect(await store.claim('orders#A-7', 1_010_000, 30_000)).toEqual({
      status: 'in-progress',
      expiresAt: 1_030_000,
    });
    await store.complete('orders#A-7', claim.token, 1_020_000, 3_600_000, '{"ok":true}');
    expect(await store.claim('orders#A-7', 1_030_000, 30_000)).toEqual({
      status: 'completed',
      completedAt: 1_020_000,
      expiresAt: 4_620_000,
      result: '{"ok":true}',
    });
    // The TTL attribute DynamoDB deletes by is in epoch seconds.
    const { Item } = await db.client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'orders#A-7' } } }),
    );
    expect(Item?.expiresAt).toEqual({ N: '4620' });
    expect((await store.claim('orders#A-7', 4_620_000, 30_000)).status).toBe('fresh');
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const store = createDynamoIdempotencyStore({ table: await createTable() }, db.client);
    const claims = await Promise.all(
      Array.from({ length: 12 }, () => store.claim('orders#race', 5_000, 30_000)),
    );
    expect(claims.filter((c) => c.status === 'fresh')).toHaveLength(1);
    expect(claims.filter((c) => c.status === 'in-progress')).toHaveLength(11);
  });

  it('takes an expired lock over, and a late release leaves the new claim alone', async () => {
    const store = createDynamoIdempotencyStore({ table: await createTable() }, db.client);
    const crashed = await store.claim('orders#crash', 0, 10_000);
    const takeover = await store.claim('orders#crash', 10_000, 10_000);
    if (crashed.status !== 'fresh' || takeover.status !== 'fresh')
      throw new Error('expected two fresh claims');
    await store.release('orders#crash', crashed.token);
    expect((await store.claim('orders#crash', 11_000, 10_000)).status).toBe('in-progress');
    await store.release('orders#crash', takeover.token);
    expect((await store.claim('orders#crash', 11_000, 10_000)).status).toBe('fresh');
  });

  it('keeps a completion without a result', async () => {
    const store = createDynamoIdempotencyStore({ table: await createTable() }, db.client);
    const claim = await store.claim('orders#void', 0, 1_000);
    if (claim.status !== 'fresh') throw new Error('expected a fresh claim');
    await store.complete('orders#void', claim.token, 100, 1_000, undefined);
    expect(await store.claim('orders#void', 200, 1_000)).toEqual({
      status: 'completed',
      completedAt: 100,
      expiresAt: 1_100,
    });
  });
});

describe('the Lambda adapter with TRIGGERKIT_IDEMPOTENCY_TABLE', () => {
  it('hands an SQS redelivery of a completed message to the handler once', async () => {
    const table = await createTable();
    db.useAsDeployedTable(table);
    const seen: string[] = [];
    const handler = defineHandler({
      name: 'orders',
      idempotency: { key: '$.data.orderId', ttl: '1h' },
      handle: (event) => void seen.push(event.id),
    });
    const raw = fixture('sqs/cloudevent-body.json');
    const context = () => createLocalContext({ functionName: 'orders', requestId: 'r' });
    expect(await handler(raw, context())).toEqual({ batchItemFailures: [] });
    expect(await handler(raw, context())).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4']);
    const { Item } = await db.client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'orders#ord-3001' } } }),
    );
    expect(Item?.status).toEqual({ S: 'completed' });
  });
});

describe('idempotencyRuntime', () => {
  const compiled = compiledOf(defineHandler({ idempotency: { ttl: '1h' }, handle() {} }));
  it("prefers the runtime's store, else the table the environment names, else none", () => {
    const store = createMemoryIdempotencyStore();
    const env = { TRIGGERKIT_IDEMPOTENCY_TABLE: 'orders-idempotency' };
    expect(idempotencyRuntime(compiled, { idempotency: store }, env).idempotency?.store).toBe(store);
    expect(idempotencyRuntime(compiled, undefined, env).idempotency).toBeDefined();
    expect(idempotencyRuntime(compiled, undefined, {}).idempotency).toBeUndefined();
    // An unresolved CloudFormation reference is not a table.
    const unresolved = { TRIGGERKIT_IDEMPOTENCY_TABLE: '[object Object]' };
    expect(idempotencyRuntime(compiled, undefined, unresolved).idempotency).toBeUndefined();
    const none = compiledOf(defineHandler({ handle() {} }));
    expect(idempotencyRuntime(none, { idempotency: store }, env)).toEqual({});
  });
});
