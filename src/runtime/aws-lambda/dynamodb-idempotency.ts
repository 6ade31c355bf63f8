/**
 * The idempotency store in AWS: one DynamoDB item per handler and key, claimed with a conditional
 * `PutItem`, completed with `UpdateItem`, released with a conditional `DeleteItem`. The only module that
 * uses `@aws-sdk/client-dynamodb`, loaded with `import()` on the first event of a handler that declares
 * `idempotency` (Lambda's Node.js runtime provides it). Table schema: docs/delivery.md.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CompiledDefinition } from '../../definition.js';
import { type Claim, type IdempotencyStore, newToken } from '../../delivery/idempotency.js';
import type { PipelineRuntime } from '../../pipeline.js';
import type { RuntimeHooks } from '../hooks.js';
import { lazySdk } from './lazy-sdk.js';

type DynamoSdk = typeof import('@aws-sdk/client-dynamodb');

const loadDynamo = lazySdk<DynamoSdk>('@aws-sdk/client-dynamodb');

/** The environment variables the store reads. */
export const IDEMPOTENCY_ENV = Object.freeze({
  table: 'TRIGGERKIT_IDEMPOTENCY_TABLE',
  /** The SDK's own variable for a service endpoint: a DynamoDB-compatible server offline. */
  endpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
});

export interface DynamoIdempotencyConfig {
  readonly table: string;
  readonly endpoint?: string;
  readonly region?: string;
}

const NAMES = { '#s': 'status', '#t': 'token', '#r': 'result' };
const num = (n: number): AttributeValue => ({ N: String(n) });
/** DynamoDB's TTL deletes items some time after `expiresAt` (epoch seconds); the checks use `expiresAtMs`. */
const expiry = (at: number) => ({ expiresAtMs: num(at), expiresAt: num(Math.ceil(at / 1000)) });
const isConditionFailure = (error: unknown) =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

/**
 * A store on a DynamoDB table whose partition key is the string `pk`.
 *
 * @example
 * const store = createDynamoIdempotencyStore({ table: 'orders-idempotency' });
 * const claim = await store.claim('orders#["/shop","ord-1"]', Date.now(), 30_000);
 */
export function createDynamoIdempotencyStore(
  config: DynamoIdempotencyConfig,
  client?: DynamoDBClient,
  env: NodeJS.ProcessEnv = process.env,
): IdempotencyStore {
  let dynamo: DynamoDBClient | undefined = client;
  const connect = async () => {
    const loaded = await loadDynamo();
    dynamo ??= new loaded.DynamoDBClient({
      ...(config.endpoint && { endpoint: config.endpoint }),
      region: config.region ?? (config.endpoint ? 'us-east-1' : undefined),
      // A local endpoint needs no real credentials, and nothing offline should reach for them.
      ...(config.endpoint &&
        env.AWS_ACCESS_KEY_ID === undefined && {
          credentials: { accessKeyId: 'triggerkit', secretAccessKey: 'triggerkit' },
        }),
    });
    return { sdk: loaded, dynamo };
  };
  const TableName = config.table;

  async function read(key: string, now: number): Promise<Claim | undefined> {
    const { sdk, dynamo } = await connect();
    const { Item } = await dynamo.send(
      new sdk.GetItemCommand({ TableName, Key: { pk: { S: key } }, ConsistentRead: true }),
    );
    const expiresAt = Number(Item?.expiresAtMs?.N);
    if (Item === undefined || !(expiresAt > now)) return undefined;
    if (Item.status?.S !== 'completed') return { status: 'in-progress', expiresAt };
    return {
      status: 'completed',
      completedAt: Number(Item.completedAt?.N),
      expiresAt,
      ...(Item.result?.S !== undefined && { result: Item.result.S }),
    };
  }

  return {
    async claim(key, now, lockMs) {
      const { sdk, dynamo } = await connect();
      // The record can expire or be released between a failed put and the read: then try again.
      for (let tries = 0; ; tries++) {
        const token = newToken();
        try {
          await dynamo.send(
            new sdk.PutItemCommand({
              TableName,
              Item: {
                pk: { S: key },
                status: { S: 'in-progress' },
                token: { S: token },
                ...expiry(now + lockMs),
              },
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs <= :now',
              ExpressionAttributeValues: { ':now': num(now) },
            }),
          );
          return { status: 'fresh', token };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
        const found = await read(key, now);
        if (found !== undefined || tries >= 2) return found ?? { status: 'in-progress', expiresAt: now };
      }
    },
    async complete(key, token, now, ttlMs, result) {
      const { sdk, dynamo } = await connect();
      await dynamo.send(
        new sdk.UpdateItemCommand({
          TableName,
          Key: { pk: { S: key } },
          UpdateExpression: `SET #s = :completed, #t = :token, completedAt = :now, expiresAtMs = :ms, expiresAt = :s${result === undefined ? ' REMOVE #r' : ', #r = :result'}`,
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: {
            ':completed': { S: 'completed' },
            ':token': { S: token },
            ':now': num(now),
            ':ms': num(now + ttlMs),
            ':s': num(Math.ceil((now + ttlMs) / 1000)),
            ...(result !== undefined && { ':result': { S: result } }),
          },
        }),
      );
    },
    async release(key, token) {
      const { sdk, dynamo } = await connect();
      try {
        await dynamo.send(
          new sdk.DeleteItemCommand({
            TableName,
            Key: { pk: { S: key } },
            ConditionExpression: '#t = :token',
            ExpressionAttributeNames: { '#t': 'token' },
            ExpressionAttributeValues: { ':token': { S: token } },
          }),
        );
      } catch (error) {
        // Another attempt took the expired claim over: it is theirs to complete or release.
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}

/** One store per table and endpoint, kept across warm invocations. */
const stores = new Map<string, IdempotencyStore>();
const NONE: PipelineRuntime = Object.freeze({});
const TABLE = /^(?:[A-Za-z0-9_.-]{3,255}|arn:aws[\w-]*:dynamodb:[^\s]+:table\/[A-Za-z0-9_.-]{3,255})$/;

/**
 * What the pipeline needs for a handler's idempotency: the runtime's store (the emulator's, `invoke`'s),
 * else the DynamoDB table `TRIGGERKIT_IDEMPOTENCY_TABLE` names; nothing for a handler without idempotency.
 */
export function idempotencyRuntime(
  definition: CompiledDefinition,
  hooks: RuntimeHooks | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PipelineRuntime {
  if (definition.idempotency === undefined) return NONE;
  const now = hooks?.now ?? Date.now;
  let store = hooks?.idempotency;
  const table = env[IDEMPOTENCY_ENV.table];
  // A DynamoDB table name or ARN only: a tool that leaves a CloudFormation `!Ref` unresolved must not
  // send requests for a table called "[object Object]".
  if (store === undefined && table !== undefined && TABLE.test(table)) {
    const config = {
      table,
      endpoint: env[IDEMPOTENCY_ENV.endpoint] || undefined,
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    };
    const id = JSON.stringify(config);
    store = stores.get(id) ?? createDynamoIdempotencyStore(config, undefined, env);
    stores.set(id, store);
  }
  return store === undefined ? NONE : { idempotency: { store, now } };
}
