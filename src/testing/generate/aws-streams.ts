/**
 * Ordered sources as Lambda delivers them: a Kinesis batch, a DynamoDB Streams batch, a Kafka batch
 * (Amazon MSK or self-managed). Records keep the order given; sequence numbers and offsets grow.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html
 */
import { base64, type CommonOptions, type Ids, javaBytes, objectOf, payloadText } from './kit.js';

export interface KinesisOptions extends CommonOptions {
  /** Default `stream`. */
  readonly stream?: string;
  /** Default `partition-key`. */
  readonly partitionKey?: string;
}

export function kinesisEvent(items: readonly unknown[], o: KinesisOptions, ids: Ids) {
  const region = o.region ?? 'us-east-1';
  const account = o.account ?? '000000000000';
  return {
    Records: items.map((data, i) => {
      const sequenceNumber = ids.digits('sequence', i, 56);
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: o.partitionKey ?? 'partition-key',
          sequenceNumber,
          data: base64(payloadText(data)),
          approximateArrivalTimestamp: ids.time / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${account}:role/triggerkit-local`,
        awsRegion: region,
        eventSourceARN: `arn:aws:kinesis:${region}:${account}:stream/${o.stream ?? 'stream'}`,
      };
    }),
  };
}

export interface DynamoDbOptions extends CommonOptions {
  /** Default `table`. */
  readonly table?: string;
  /** Key attribute names; default `id` or `pk` (with `sk`) when the item has them, else its first attribute. */
  readonly keys?: readonly string[];
  /** Default `INSERT` (the item is the new image); `REMOVE` makes it the old image. */
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The old image of `MODIFY` records, the item being the new one; default the item itself. */
  readonly oldImage?: Readonly<Record<string, unknown>>;
}

export function dynamoDbEvent(items: readonly unknown[], o: DynamoDbOptions, ids: Ids) {
  const region = o.region ?? 'us-east-1';
  const eventName = o.eventName ?? 'INSERT';
  const label = new Date(Math.floor(ids.time / 1000) * 1000).toISOString().slice(0, 23);
  return {
    Records: items.map((data, i) => {
      const item = objectOf(data, 'aws:dynamodb');
      const image = marshallItem(item);
      const keys = keyNames(item, o.keys);
      return {
        eventID: ids.hex('event', i),
        eventName,
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: region,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(ids.time / 1000),
          Keys: Object.fromEntries(keys.map((k) => [k, image[k]])),
          ...(eventName !== 'REMOVE' && { NewImage: image }),
          ...(eventName === 'REMOVE' && { OldImage: image }),
          ...(eventName === 'MODIFY' && { OldImage: marshallItem(o.oldImage ?? item) }),
          SequenceNumber: ids.digits('sequence', i, 28),
          SizeBytes: Buffer.byteLength(JSON.stringify(image)),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: `arn:aws:dynamodb:${region}:${o.account ?? '000000000000'}:table/${o.table ?? 'table'}/stream/${label}`,
      };
    }),
  };
}

function keyNames(item: Record<string, unknown>, given: readonly string[] | undefined): readonly string[] {
  if (given !== undefined) return given;
  if ('id' in item) return ['id'];
  if ('pk' in item) return 'sk' in item ? ['pk', 'sk'] : ['pk'];
  const first = Object.keys(item)[0];
  if (first === undefined)
    throw new TypeError('aws:dynamodb records need an item with at least one attribute.');
  return [first];
}

/**
 * A value as a DynamoDB `AttributeValue`, as the document client writes it: bytes are `B` (base64), a
 * `Set` of strings, numbers or bytes `SS` / `NS` / `BS`, an array `L`, an object `M`.
 */
function marshall(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number' || typeof value === 'bigint') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value instanceof Uint8Array) return { B: Buffer.from(value).toString('base64') };
  if (value instanceof Set) return marshallSet([...value]);
  if (Array.isArray(value)) return { L: value.map(marshall) };
  return { M: marshallItem(value as Record<string, unknown>) };
}

function marshallSet(members: unknown[]): Record<string, unknown> {
  if (members.length === 0) throw new TypeError('aws:dynamodb has no empty sets: leave the attribute out.');
  if (members.every((m) => typeof m === 'string')) return { SS: members };
  if (members.every((m) => typeof m === 'number' || typeof m === 'bigint'))
    return { NS: members.map(String) };
  if (members.every((m) => m instanceof Uint8Array))
    return { BS: members.map((m) => Buffer.from(m as Uint8Array).toString('base64')) };
  throw new TypeError('aws:dynamodb sets hold strings, numbers or bytes, all of one kind.');
}

function marshallItem(item: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(item).map(([name, v]) => [name, marshall(v)]));
}

export interface KafkaOptions extends CommonOptions {
  /** Default `topic`. */
  readonly topic?: string;
  /** Default 0. */
  readonly partition?: number;
  /** The first record's offset; the next ones follow. Default 0. */
  readonly offset?: number;
  /** Every record's key (text); default none. */
  readonly key?: string;
  /** Headers of every record, in order. */
  readonly headers?: Readonly<Record<string, string>>;
  /** `msk` (default: `aws:kafka` with the cluster ARN) or `self-managed` (`SelfManagedKafka`). */
  readonly cluster?: 'msk' | 'self-managed';
  readonly bootstrapServers?: string;
}

/** One partition's records; a `null` data is a tombstone (`value: null`). */
export function kafkaEvent(items: readonly unknown[], o: KafkaOptions, ids: Ids) {
  const topic = o.topic ?? 'topic';
  const partition = o.partition ?? 0;
  const offset = o.offset ?? 0;
  const region = o.region ?? 'us-east-1';
  const msk = o.cluster !== 'self-managed';
  const headers = Object.entries(o.headers ?? {}).map(([name, value]) => ({ [name]: javaBytes(value) }));
  const records = items.map((data, i) => ({
    topic,
    partition,
    offset: offset + i,
    timestamp: ids.time,
    timestampType: 'CREATE_TIME',
    ...(o.key !== undefined && { key: base64(o.key) }),
    value: data === null ? null : base64(payloadText(data)),
    headers,
  }));
  const servers = msk
    ? `b-1.cluster.${ids.hex('cluster', 0, 6)}.c1.kafka.${region}.amazonaws.com:9098`
    : 'localhost:9092';
  return {
    eventSource: msk ? 'aws:kafka' : 'SelfManagedKafka',
    ...(msk && {
      eventSourceArn: `arn:aws:kafka:${region}:${o.account ?? '000000000000'}:cluster/cluster/${ids.uuid('cluster', 0)}-1`,
    }),
    bootstrapServers: o.bootstrapServers ?? servers,
    records: { [`${topic}-${partition}`]: records },
  };
}
