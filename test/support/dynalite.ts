/**
 * A local DynamoDB-compatible server (dynalite) for the idempotency store's tests: the real
 * `@aws-sdk/client-dynamodb` against it, tables made as serverless.yml makes them.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IDEMPOTENCY_ENV } from '../../src/runtime/aws-lambda/dynamodb-idempotency.js';

const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs: number }) => Server;

export interface DynaliteHarness {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** A new table with the string partition key `pk`; resolves its name. */
  createTable(): Promise<string>;
  /** Configures this process as a deployed function with `table`, until `close` puts the environment back. */
  useAsDeployedTable(table: string): void;
  close(): Promise<void>;
}

const DEPLOYED_ENV = [IDEMPOTENCY_ENV.table, IDEMPOTENCY_ENV.endpoint, 'AWS_REGION'] as const;
let tables = 0;

export async function openDynalite(): Promise<DynaliteHarness> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  let saved: Record<string, string | undefined> | undefined;
  return {
    endpoint,
    client,
    async createTable() {
      const table = `idempotency-${++tables}`;
      await client.send(
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      return table;
    },
    useAsDeployedTable(table) {
      saved ??= Object.fromEntries(DEPLOYED_ENV.map((name) => [name, process.env[name]]));
      process.env[IDEMPOTENCY_ENV.table] = table;
      process.env[IDEMPOTENCY_ENV.endpoint] = endpoint;
      process.env.AWS_REGION = 'us-east-1';
    },
    async close() {
      for (const [name, value] of Object.entries(saved ?? {}))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
