/**
 * The emulator's DynamoDB API (AWS JSON 1.0, `X-Amz-Target: DynamoDB_20120810.*`): every call is
 * forwarded to the server named by `--dynamodb` (upstream.ts). A write on a table that has a local stream
 * (a handler declares it) — PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems — is
 * wrapped: each item it touches is read (GetItem, consistent) before and after the write, and every item
 * that changed appends one stream record (INSERT, MODIFY, REMOVE), committed to the store before the API
 * answers. Wrapped writes run one at a time, so the images of one item follow each other. Writes made
 * straight to the server, not through the emulator, are not seen.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { hashKeyOf, shardOf } from '../kinesis/hash-keys.js';
import type { KinesisStore } from '../store/kinesis-streams.js';
import { type AttributeMap, changeOf, type StoredChange, tableStream } from './changes.js';
import { DYNAMODB_TARGET_PREFIX, type Upstream } from './upstream.js';

const RETENTION_MS = 24 * 3_600_000;
type Input = Record<string, unknown>;
interface Touched {
  readonly table: string;
  /** The item's key, or its whole item (a Put) until the key schema cuts it down. */
  readonly key: AttributeMap;
}

export function createDynamoDbEndpoint(options: {
  upstream?: Upstream;
  streams: KinesisStore;
  clock: Clock;
}) {
  const { upstream, streams, clock } = options;
  /** Each table's key attributes, the partition key first (DescribeTable, asked once). */
  const schemas = new Map<string, string[]>();
  let turn: Promise<unknown> = Promise.resolve();

  async function keyNames(table: string, caller: IncomingHttpHeaders): Promise<string[]> {
    const known = schemas.get(table);
    if (known !== undefined) return known;
    const described = await (upstream as Upstream).call('DescribeTable', { TableName: table }, caller);
    const schema = ((described.Table as Input | undefined)?.KeySchema ?? []) as {
      AttributeName: string;
      KeyType: string;
    }[];
    const names = [...schema].sort((a) => (a.KeyType === 'HASH' ? -1 : 1)).map((k) => k.AttributeName);
    schemas.set(table, names);
    return names;
  }

  async function read(t: Touched, caller: IncomingHttpHeaders): Promise<AttributeMap | undefined> {
    const answer = await (upstream as Upstream).call(
      'GetItem',
      { TableName: t.table, Key: t.key, ConsistentRead: true },
      caller,
    );
    return answer.Item as AttributeMap | undefined;
  }

  /** Forwards a write and appends the records of the items it changed, before it answers. */
  async function wrapped(operation: string, body: Buffer, caller: IncomingHttpHeaders, touched: Touched[]) {
    const keyed: Touched[] = [];
    let before: (AttributeMap | undefined)[];
    try {
      for (const t of touched) {
        const names = await keyNames(t.table, caller);
        keyed.push({ table: t.table, key: Object.fromEntries(names.map((n) => [n, t.key[n]])) });
      }
      before = await Promise.all(keyed.map((t) => read(t, caller)));
    } catch {
      // No such table, a malformed key…: the write itself gets the server's answer, and changes nothing.
      return (upstream as Upstream).send(operation, body, caller);
    }
    const answer = await (upstream as Upstream).send(operation, body, caller);
    if (answer.status !== 200) return answer;
    const after = await Promise.all(keyed.map((t) => read(t, caller)));
    const now = clock.now();
    const byTable = new Map<string, { shard: number; partitionKey: string; data: Buffer }[]>();
    keyed.forEach((t, i) => {
      const change: StoredChange | undefined = changeOf(t.key, before[i], after[i]);
      if (change === undefined) return;
      const stream = tableStream(t.table);
      const partitionKey = JSON.stringify(t.key[(schemas.get(t.table) as string[])[0] as string]);
      const shard = shardOf(streams.shards(stream), hashKeyOf(partitionKey));
      const records = byTable.get(stream) ?? [];
      records.push({ shard, partitionKey, data: Buffer.from(JSON.stringify(change)) });
      byTable.set(stream, records);
    });
    for (const [stream, records] of byTable) streams.append(stream, records, now, RETENTION_MS);
    return answer;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> {
    const operation = String(req.headers['x-amz-target']).slice(DYNAMODB_TARGET_PREFIX.length);
    if (upstream === undefined) {
      answer(
        res,
        400,
        {
          'content-type': 'application/x-amz-json-1.0',
        },
        Buffer.from(
          JSON.stringify({
            __type: 'com.amazon.coral.validate#ValidationException',
            message: `The emulator forwards the DynamoDB API to a DynamoDB-compatible server; start it with --dynamodb <url> (or set TRIGGERKIT_DYNAMODB_URL), such as --dynamodb http://localhost:8000.`,
          }),
        ),
      );
      return true;
    }
    if (operation === 'CreateTable' || operation === 'DeleteTable') schemas.clear();
    const touched = touchedItems(operation, body).filter(
      (t) => streams.getStream(tableStream(t.table)) !== undefined,
    );
    let result: ReturnType<Upstream['send']>;
    if (touched.length === 0) result = upstream.send(operation, body, req.headers);
    else {
      result = turn.then(() => wrapped(operation, body, req.headers, touched));
      turn = result.catch(() => {});
    }
    const { status, headers, body: out } = await result;
    answer(res, status, headers, out);
    return true;
  }

  return { handle };
}

function answer(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
) {
  res.writeHead(status, { ...headers, 'content-length': body.length });
  res.end(body);
}

/** The items a write touches, by table; none for a read, or for a body that is not JSON. */
export function touchedItems(operation: string, body: Buffer): Touched[] {
  let input: Input;
  try {
    input = JSON.parse(body.toString('utf8')) as Input;
  } catch {
    return [];
  }
  const one = (t: unknown, key: unknown): Touched[] =>
    typeof t === 'string' && key !== null && typeof key === 'object'
      ? [{ table: t, key: key as AttributeMap }]
      : [];
  switch (operation) {
    case 'PutItem':
      return one(input.TableName, input.Item);
    case 'UpdateItem':
    case 'DeleteItem':
      return one(input.TableName, input.Key);
    case 'BatchWriteItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, Input[]>).flatMap(
        ([table, writes]) =>
          (Array.isArray(writes) ? writes : []).flatMap((w) =>
            one(
              table,
              (w.PutRequest as Input | undefined)?.Item ?? (w.DeleteRequest as Input | undefined)?.Key,
            ),
          ),
      );
    case 'TransactWriteItems':
      return ((input.TransactItems ?? []) as Input[]).flatMap((w) => {
        const put = w.Put as Input | undefined;
        const other = (w.Update ?? w.Delete) as Input | undefined;
        if (put !== undefined) return one(put.TableName, put.Item);
        return other === undefined ? [] : one(other.TableName, other.Key);
      });
    default:
      return [];
  }
}
