/**
 * Kinesis Producer Library (KPL) aggregated records: the magic bytes `F3 89 9A C2`, a protobuf
 * `AggregatedRecord`, then the MD5 of the protobuf bytes. A small hand-written protobuf reader, since
 * only three messages are involved:
 *
 *   AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2;
 *                      repeated Record records = 3; }
 *   Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *            required bytes data = 3; repeated Tag tags = 4; }
 *
 * As in the KCL, a record with the magic but a wrong MD5 is not an aggregate: it is delivered as is.
 * @see https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md
 */
import { createHash } from 'node:crypto';
import { invalid } from '../kit/records.js';

const MAGIC = [0xf3, 0x89, 0x9a, 0xc2];
const MD5_LENGTH = 16;

export interface KplSubRecord {
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly data: Uint8Array;
}

/** True when the bytes start with the KPL magic and have room for the MD5 trailer. */
export function isKplAggregate(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length + MD5_LENGTH && MAGIC.every((byte, i) => bytes[i] === byte);
}

/**
 * The sub-records, in order; `undefined` when the MD5 does not match (not an aggregate). Throws
 * `E_SOURCE_INVALID` for a checksummed aggregate whose protobuf is malformed.
 */
export function deaggregate(bytes: Uint8Array, path: string): KplSubRecord[] | undefined {
  const body = bytes.subarray(MAGIC.length, bytes.length - MD5_LENGTH);
  const digest = createHash('md5').update(body).digest();
  if (!digest.equals(bytes.subarray(bytes.length - MD5_LENGTH))) return undefined;
  const keys: string[] = [];
  const hashKeys: string[] = [];
  const records: Array<{ key: number; hashKey: number | undefined; data: Uint8Array }> = [];
  const reader = new Reader(body, path);
  while (!reader.done()) {
    const [field, wire] = reader.tag();
    if (field === 1 && wire === 2) keys.push(reader.text());
    else if (field === 2 && wire === 2) hashKeys.push(reader.text());
    else if (field === 3 && wire === 2) records.push(readRecord(new Reader(reader.bytes(), path)));
    else reader.skip(wire);
  }
  return records.map((record, i) => {
    const partitionKey = keys[record.key];
    if (partitionKey === undefined) {
      throw invalid(
        `${path}: KPL sub-record ${i} points at partition key ${record.key} of ${keys.length}.`,
        path,
      );
    }
    const explicitHashKey = record.hashKey === undefined ? undefined : hashKeys[record.hashKey];
    return { partitionKey, explicitHashKey, data: record.data };
  });
}

function readRecord(reader: Reader) {
  let key: number | undefined;
  let hashKey: number | undefined;
  let data: Uint8Array | undefined;
  while (!reader.done()) {
    const [field, wire] = reader.tag();
    if (field === 1 && wire === 0) key = reader.varint();
    else if (field === 2 && wire === 0) hashKey = reader.varint();
    else if (field === 3 && wire === 2) data = reader.bytes();
    else reader.skip(wire);
  }
  if (key === undefined || data === undefined) reader.fail('a sub-record lacks partition_key_index or data');
  return { key: key as number, hashKey, data: data as Uint8Array };
}

/** Protobuf wire format: varints, length-delimited fields, and skipping of fixed-width fields. */
class Reader {
  private at = 0;
  constructor(
    private readonly buffer: Uint8Array,
    private readonly path: string,
  ) {}

  done(): boolean {
    return this.at >= this.buffer.length;
  }

  fail(problem: string): never {
    throw invalid(
      `${this.path} is a KPL aggregated record whose protobuf is malformed: ${problem}.`,
      this.path,
    );
  }

  /** A varint up to 2^53 (indexes and lengths; larger values are not needed here). */
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const byte = this.buffer[this.at++];
      if (byte === undefined) this.fail('a varint runs past the end');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) this.fail('a varint is too large');
        return value;
      }
    }
    return this.fail('a varint is longer than 10 bytes');
  }

  tag(): [number, number] {
    const tag = this.varint();
    return [Math.floor(tag / 8), tag % 8];
  }

  bytes(): Uint8Array {
    const length = this.varint();
    if (this.at + length > this.buffer.length) this.fail('a field runs past the end');
    const slice = this.buffer.subarray(this.at, this.at + length);
    this.at += length;
    return slice;
  }

  text(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.advance(8);
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.advance(4);
    else this.fail(`unsupported wire type ${wire}`);
  }

  private advance(count: number): void {
    if (this.at + count > this.buffer.length) this.fail('a field runs past the end');
    this.at += count;
  }
}
