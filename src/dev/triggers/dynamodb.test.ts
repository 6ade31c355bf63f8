/**
 * The live DynamoDB Streams trigger, driven as a user drives it: the real SDK v3 DynamoDB client against
 * the emulator, which forwards to a local DynamoDB-compatible server (dynalite).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DynaliteHarness, openDynalite } from '../../../test/support/dynalite.js';
import { checkDevOptions } from '../../cli/dev.js';
import { defineHandler, type TriggerHandler } from '../../define-handler.js';
import type { SourceDeclaration } from '../../definition.js';
import { touchedItems } from '../dynamodb/endpoint.js';
import { createEmulator, type Emulator } from '../emulator.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let dynalite: DynaliteHarness;
let emulator: Emulator | undefined;
let client: DynamoDBClient | undefined;
const dirs: string[] = [];
let tables = 0;

beforeAll(async () => {
  dynalite = await openDynalite();
});
afterAll(() => dynalite.close());
afterEach(async () => {
  client?.destroy();
  await emulator?.close();
  emulator = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function newTable(): Promise<string> {
  const name = `Orders-${++tables}`;
  await dynalite.client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
}

async function start(handler: TriggerHandler | undefined, stateDir?: string) {
  client?.destroy();
  await emulator?.close();
  const functions = handler === undefined ? [] : [{ name: 'orders', handler }];
  emulator = createEmulator({
    functions,
    log: () => {},
    onTrace: () => {},
    dynamodb: dynalite.endpoint,
    ...(stateDir && { stateDir }),
  });
  const url = await emulator.listen(0);
  client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  return { client, emulator };
}

const until = async (test: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

type Table = Extract<SourceDeclaration, { type: 'aws:dynamodb' }>;
function recorder(source: Omit<Table, 'type'>, options: { onError?: 'block' | 'dead-letter' } = {}) {
  const records: DynamoDBRecord[] = [];
  const changes: { op: string; keys: unknown; before: unknown; after: unknown }[] = [];
  let failOn: (after: Record<string, unknown> | null) => boolean = () => false;
  const handler = defineHandler({
    name: 'orders',
    sources: [{ type: 'aws:dynamodb', ...source }],
    retry: { maxAttempts: 1 },
    ...options,
    handle: async (event) => {
      const data = event.data as (typeof changes)[number];
      if (failOn(data.after as Record<string, unknown> | null)) throw new Error('poison item');
      changes.push(data);
    },
  });
  handler.use({
    before: (request) => void records.push(...(request.event as DynamoDBStreamEvent).Records),
  });
  return {
    handler,
    records,
    changes,
    failWhen(test: (after: Record<string, unknown> | null) => boolean) {
      failOn = test;
    },
  };
}

const put = (table: string, pk: string, n: number) =>
  client?.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, n: { N: String(n) } } }));

describe('live DynamoDB Streams trigger', () => {
  it('records PutItem as INSERT, UpdateItem as MODIFY and DeleteItem as REMOVE, as Lambda shapes them', async () => {
    const table = await newTable();
    const r = recorder({ table });
    const { emulator } = await start(r.handler);
    expect(emulator.listensTo('orders')).toBe(`aws:dynamodb ${table} (stream of ${dynalite.endpoint})`);
    await put(table, 'a', 1);
    await client?.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'a' } },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { N: '2' } },
      }),
    );
    await client?.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'a' } } }));
    await until(() => r.records.length === 3);
    expect(r.records.map((x) => x.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = r.records;
    expect(insert).toMatchObject({
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        Keys: { pk: { S: 'a' } },
        NewImage: { pk: { S: 'a' }, n: { N: '1' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(insert?.dynamodb?.OldImage).toBeUndefined();
    expect(insert?.eventSourceARN).toMatch(
      new RegExp(
        `^arn:aws:dynamodb:us-east-1:000000000000:table/${table}/stream/\\d{4}-\\d\\d-\\d\\dT[\\d:.]+$`,
      ),
    );
    expect(insert?.dynamodb?.SequenceNumber).toMatch(/^\d{21,40}$/);
    expect(insert?.dynamodb?.SizeBytes).toBeGreaterThan(0);
    expect(insert?.dynamodb?.ApproximateCreationDateTime).toBeCloseTo(Date.now() / 1000, -2);
    expect(modify?.dynamodb).toMatchObject({
      OldImage: { pk: { S: 'a' }, n: { N: '1' } },
      NewImage: { pk: { S: 'a' }, n: { N: '2' } },
    });
    expect(remove?.dynamodb?.OldImage).toEqual({ pk: { S: 'a' }, n: { N: '2' } });
    expect(remove?.dynamodb?.NewImage).toBeUndefined();
    expect(r.changes.map((c) => c.op)).toEqual(['c', 'u', 'd']);
    // The write reached the server: the emulator forwards, it keeps no table of its own.
    const item = await dynalite.client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' } } }),
    );
    expect(item.Item).toBeUndefined();
    // The table's stream is kept beside the Kinesis streams, but it is not one of them.
    const kinesis = new KinesisClient({
      endpoint: await emulator.listen(),
      region: 'us-east-1',
      credentials,
    });
    expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
    kinesis.destroy();
  });

  it('writes no record for a write that leaves the item as it was', async () => {
    const table = await newTable();
    const r = recorder({ table });
    await start(r.handler);
    await put(table, 'a', 1);
    await put(table, 'a', 1);
    await put(table, 'b', 1);
    await until(() => r.records.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.records.map((x) => `${x.eventName} ${x.dynamodb?.Keys?.pk?.S}`)).toEqual([
      'INSERT a',
      'INSERT b',
    ]);
  });

  it('records every item a BatchWriteItem changes, and nothing for a write the server refuses', async () => {
    const table = await newTable();
    const r = recorder({ table });
    await start(r.handler);
    await put(table, 'gone', 0);
    await client?.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [table]: [
            { PutRequest: { Item: { pk: { S: 'x' }, n: { N: '1' } } } },
            { PutRequest: { Item: { pk: { S: 'y' }, n: { N: '1' } } } },
            { DeleteRequest: { Key: { pk: { S: 'gone' } } } },
          ],
        },
      }),
    );
    await expect(
      client?.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: 'x' }, n: { N: '9' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toThrow(/conditional/i);
    await until(() => r.records.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen = r.records.map((x) => `${x.eventName} ${x.dynamodb?.Keys?.pk?.S}`);
    expect(seen.sort()).toEqual(['INSERT gone', 'INSERT x', 'INSERT y', 'REMOVE gone']);
  });

  it('reads the items a TransactWriteItems touches (its Put, Update and Delete; not its ConditionCheck)', () => {
    const body = Buffer.from(
      JSON.stringify({
        TransactItems: [
          { Put: { TableName: 'A', Item: { pk: { S: '1' }, v: { N: '1' } } } },
          { Update: { TableName: 'B', Key: { pk: { S: '2' } }, UpdateExpression: 'SET v = :v' } },
          { Delete: { TableName: 'A', Key: { pk: { S: '3' } } } },
          { ConditionCheck: { TableName: 'A', Key: { pk: { S: '4' } }, ConditionExpression: 'x' } },
        ],
      }),
    );
    expect(touchedItems('TransactWriteItems', body)).toEqual([
      { table: 'A', key: { pk: { S: '1' }, v: { N: '1' } } },
      { table: 'B', key: { pk: { S: '2' } } },
      { table: 'A', key: { pk: { S: '3' } } },
    ]);
    expect(touchedItems('Query', body)).toEqual([]);
  });

  it('gives a KEYS_ONLY declaration only the keys', async () => {
    const table = await newTable();
    const r = recorder({ table, streamViewType: 'KEYS_ONLY' });
    await start(r.handler);
    await put(table, 'a', 1);
    await put(table, 'a', 2);
    await until(() => r.records.length === 2);
    for (const record of r.records)
      expect(record.dynamodb).toEqual({
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'a' } },
        SequenceNumber: expect.any(String),
        SizeBytes: expect.any(Number),
        StreamViewType: 'KEYS_ONLY',
      });
  });

  it('delivers the records of one key in order', async () => {
    const table = await newTable();
    const r = recorder({ table, batchSize: 3 });
    await start(r.handler);
    for (let n = 1; n <= 20; n++) await put(table, `key-${n % 3}`, n);
    await until(() => r.records.length === 20);
    for (const key of ['key-0', 'key-1', 'key-2']) {
      const ns = r.records
        .filter((x) => x.dynamodb?.Keys?.pk?.S === key)
        .map((x) => Number(x.dynamodb?.NewImage?.n?.N));
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
      expect(ns.length).toBeGreaterThan(5);
    }
  });

  it("dead-letters a poison record with onError: 'dead-letter' and delivers the records after it", async () => {
    const table = await newTable();
    const r = recorder({ table }, { onError: 'dead-letter' });
    r.failWhen((after) => after?.poison === true);
    const { emulator } = await start(r.handler);
    // One partition key: one shard, so the records after the poison wait behind it.
    await put(table, 'k', 1);
    await client?.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'k' }, n: { N: '2' }, poison: { BOOL: true } },
      }),
    );
    await put(table, 'k', 3);
    await put(table, 'k', 4);
    await until(() => r.changes.length === 3);
    expect(r.changes.map((c) => (c.after as { n: number }).n)).toEqual([1, 3, 4]);
    expect(r.changes.map((c) => c.op)).toEqual(['c', 'u', 'u']);
    const dead = emulator.store.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.envelope).toMatchObject({
      type: 'com.amazonaws.dynamodb.modify',
      dlreason: 'retries-exhausted',
      dlhandler: 'orders',
      dlerror: 'poison item',
    });
    expect(dead[0]?.envelope.data).toMatchObject({ after: { pk: 'k', n: 2, poison: true } });
  });

  it('says how to name a DynamoDB server when the emulator was started without one', async () => {
    const table = await newTable();
    const lines: string[] = [];
    emulator = createEmulator({
      functions: [{ name: 'orders', handler: recorder({ table }).handler }],
      log: (l) => void lines.push(l),
      onTrace: () => {},
    });
    const url = await emulator.listen(0);
    client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
    await expect(put(table, 'a', 1)).rejects.toThrow(/--dynamodb <url>/);
    expect(lines.join('\n')).toContain(`orders declares the DynamoDB table ${table}; pass --dynamodb <url>`);
    expect(emulator.listensTo('orders')).not.toContain('stream of');
  });

  it('refuses a --dynamodb that is not an http URL before anything starts', () => {
    const flags = { port: '0', host: '127.0.0.1' };
    expect(() => checkDevOptions({ ...flags, dynamodb: 'localhost:8000' })).toThrow(
      /--dynamodb .* must be the http:\/\/ URL of a DynamoDB-compatible server, .*got "localhost:8000"/,
    );
    expect(() => checkDevOptions({ ...flags, dynamodb: 'http://127.0.0.1:8000' })).not.toThrow();
  });

  it('resumes after its checkpoint on restart: nothing twice, nothing written while it was down lost', async () => {
    const table = await newTable();
    const dir = mkdtempSync(join(tmpdir(), 'triggerkit-dynamodb-'));
    dirs.push(dir);
    const first = recorder({ table });
    await start(first.handler, dir);
    await put(table, 'a', 1);
    await put(table, 'b', 1);
    await until(() => first.records.length === 2);
    // Down: the emulator runs without the handler (the table keeps its stream) while writes arrive.
    await start(undefined, dir);
    await put(table, 'c', 1);
    const second = recorder({ table });
    await start(second.handler, dir);
    await put(table, 'd', 1);
    await until(() => second.records.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(second.records.map((x) => x.dynamodb?.Keys?.pk?.S).sort()).toEqual(['c', 'd']);
  });
});
