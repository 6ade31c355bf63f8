/**
 * A small CBOR encoder (RFC 8949) for tests: how a Tablestore trigger's recorded JSON is turned into
 * the bytes FC really delivers. Integers, floats (always 64-bit), strings, arrays, maps, booleans, null.
 */
export function encodeCbor(value: unknown): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function head(major: number, n: number, parts: Buffer[]): void {
  if (n < 24) parts.push(Buffer.from([(major << 5) | n]));
  else if (n < 0x100) parts.push(Buffer.from([(major << 5) | 24, n]));
  else if (n < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    parts.push(b);
  } else if (n < 0x100000000) {
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    parts.push(b);
  } else {
    const b = Buffer.alloc(9);
    b[0] = (major << 5) | 27;
    b.writeBigUInt64BE(BigInt(n), 1);
    parts.push(b);
  }
}

function write(value: unknown, parts: Buffer[]): void {
  if (value === null || value === undefined) parts.push(Buffer.from([0xf6]));
  else if (value === false) parts.push(Buffer.from([0xf4]));
  else if (value === true) parts.push(Buffer.from([0xf5]));
  else if (typeof value === 'number' && Number.isSafeInteger(value)) {
    if (value >= 0) head(0, value, parts);
    else head(1, -1 - value, parts);
  } else if (typeof value === 'number') {
    const b = Buffer.alloc(9);
    b[0] = 0xfb;
    b.writeDoubleBE(value, 1);
    parts.push(b);
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    head(3, bytes.length, parts);
    parts.push(bytes);
  } else if (Buffer.isBuffer(value)) {
    head(2, value.length, parts);
    parts.push(value);
  } else if (Array.isArray(value)) {
    head(4, value.length, parts);
    for (const item of value) write(item, parts);
  } else {
    const entries = Object.entries(value as Record<string, unknown>);
    head(5, entries.length, parts);
    for (const [key, item] of entries) {
      write(key, parts);
      write(item, parts);
    }
  }
}
