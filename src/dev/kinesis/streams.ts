/**
 * What every action of the local Kinesis endpoint shares: the JSON protocol's error (`__type`,
 * `message`), the stream's name and ARN, and the request parameters with Kinesis's constraints.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/CommonErrors.html
 */
import { isBase64 } from '../../sources/kit/base64.js';
import type { KinesisStore, KinesisStreamRow } from '../store/kinesis-streams.js';

export const ACCOUNT_ID = '000000000000';
export const REGION = 'us-east-1';
/** Kinesis's stream retention by default (hours); records older than this are gone. */
export const RETENTION_HOURS = 24;
/** Shards of a stream created without `ShardCount`: what Kinesis gives a new on-demand stream. */
export const DEFAULT_SHARD_COUNT = 4;

export const streamArn = (name: string) => `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/${name}`;

export type Input = Record<string, unknown>;
export interface ActionContext {
  readonly store: KinesisStore;
  readonly now: number;
}

/** A Kinesis error as the JSON 1.1 protocol sends it: `{ "__type": type, "message": … }`, HTTP 400. */
export class KinesisFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'KinesisFault';
  }
}

export const faults = {
  invalid: (message: string) => new KinesisFault('InvalidArgumentException', message),
  notFound: (name: string) =>
    new KinesisFault('ResourceNotFoundException', `Stream ${name} under account ${ACCOUNT_ID} not found.`),
  inUse: (name: string) =>
    new KinesisFault('ResourceInUseException', `Stream ${name} under account ${ACCOUNT_ID} already exists.`),
};

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

/** The stream a request names, by `StreamName` or `StreamARN`; checked, not looked up. */
export function streamNameOf(input: Input): string {
  const arn = input.StreamARN;
  const name =
    input.StreamName ?? (typeof arn === 'string' ? arn.slice(arn.lastIndexOf('/') + 1) : undefined);
  if (typeof name !== 'string' || !STREAM_NAME.test(name))
    throw faults.invalid(
      `StreamName (or StreamARN) must name a stream of 1 to 128 characters [a-zA-Z0-9_.-], got ${JSON.stringify(name ?? null)}.`,
    );
  return name;
}

/** The stream a request names; `ResourceNotFoundException` when it does not exist. */
export function streamOf(ctx: ActionContext, input: Input): KinesisStreamRow {
  const name = streamNameOf(input);
  const stream = ctx.store.getStream(name);
  if (stream === undefined) throw faults.notFound(name);
  return stream;
}

/** An optional integer parameter in [min, max]. */
export function intParam(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw faults.invalid(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  return value;
}

/** One record's fields as PutRecord / PutRecords send them: key 1–256 characters, data at most 1 MiB. */
export function recordOf(
  input: Input,
  where: string,
): { partitionKey: string; data: Buffer; hashKey?: string } {
  const key = input.PartitionKey;
  if (typeof key !== 'string' || key.length < 1 || key.length > 256)
    throw faults.invalid(
      `${where}PartitionKey must be a string of 1 to 256 characters, got ${JSON.stringify(key ?? null)}.`,
    );
  const data = input.Data;
  if (typeof data !== 'string' || !isBase64(data))
    throw faults.invalid(`${where}Data must be base64-encoded bytes.`);
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length + Buffer.byteLength(key) > 1_048_576)
    throw faults.invalid(
      `${where}Data and PartitionKey together exceed 1 MiB (${bytes.length} bytes of data).`,
    );
  const explicit = input.ExplicitHashKey;
  if (explicit === undefined || explicit === null) return { partitionKey: key, data: bytes };
  if (typeof explicit !== 'string' || !/^(0|[1-9]\d{0,38})$/.test(explicit) || BigInt(explicit) >= 2n ** 128n)
    throw faults.invalid(
      `${where}ExplicitHashKey must be a decimal integer from 0 to 2^128 - 1, got ${JSON.stringify(explicit)}.`,
    );
  return { partitionKey: key, data: bytes, hashKey: explicit };
}

/** How a stream describes itself in DescribeStream, DescribeStreamSummary and ListStreams. */
export function streamSummary(stream: KinesisStreamRow) {
  return {
    StreamName: stream.name,
    StreamARN: streamArn(stream.name),
    // Created ACTIVE at once: there is nothing to wait for locally.
    StreamStatus: 'ACTIVE',
    StreamModeDetails: { StreamMode: stream.mode },
    StreamCreationTimestamp: stream.createdAt / 1000,
  };
}
