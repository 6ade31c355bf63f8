/**
 * Allocation-free IP address parsing and CIDR blocks, for `cidr` and for exact values that are addresses.
 * IPv4 is strict dotted decimal (no leading zeros); IPv6 accepts `::` compression and an IPv4 tail.
 * @see ../../docs/patterns.md#cidr
 */

/** Parses dotted-decimal IPv4 into an unsigned 32-bit number, or returns -1. */
export function parseIPv4(text: string, start = 0, end = text.length): number {
  let value = 0;
  let octets = 0;
  let i = start;
  while (octets < 4) {
    let octet = 0;
    let digits = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (digits > 0 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (c - 48);
      digits++;
      i++;
    }
    if (digits === 0 || digits > 3 || octet > 255) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (i >= end || text.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === end ? value : -1;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parses IPv6 text into eight 16-bit groups written to `out`; returns false when it is not IPv6. */
export function parseIPv6(text: string, out: Uint16Array): boolean {
  const end = text.length;
  if (end < 2 || end > 45) return false;
  let groups = 0;
  let gap = -1; // index in `out` where `::` stands
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (i === end) return fill(out, groups, gap);
  }
  while (i < end) {
    if (groups === 8) return false;
    let value = 0;
    let digits = 0;
    let j = i;
    while (j < end && digits <= 4) {
      const d = hexDigit(text.charCodeAt(j));
      if (d < 0) break;
      value = value * 16 + d;
      digits++;
      j++;
    }
    if (j < end && text.charCodeAt(j) === 46) {
      // IPv4 tail: the last 32 bits
      if (groups > 6) return false;
      const v4 = parseIPv4(text, i, end);
      if (v4 < 0) return false;
      out[groups++] = v4 >>> 16;
      out[groups++] = v4 & 0xffff;
      return fill(out, groups, gap);
    }
    if (digits === 0 || digits > 4) return false;
    out[groups++] = value;
    if (j === end) break;
    if (text.charCodeAt(j) !== 58) return false;
    j++;
    if (j < end && text.charCodeAt(j) === 58) {
      if (gap >= 0) return false;
      gap = groups;
      j++;
      if (j === end) break;
    } else if (j === end) {
      return false; // trailing single ':'
    }
    i = j;
  }
  return fill(out, groups, gap);
}

function fill(out: Uint16Array, groups: number, gap: number): boolean {
  if (gap < 0) return groups === 8;
  if (groups > 7) return false;
  const shift = 8 - groups;
  for (let k = groups - 1; k >= gap; k--) out[k + shift] = out[k] ?? 0;
  for (let k = gap; k < gap + shift; k++) out[k] = 0;
  return true;
}

const scratch = new Uint16Array(8);

/** A parsed CIDR block of one address family. */
export interface CidrBlock {
  readonly family: 4 | 6;
  /** IPv4: network address and mask (unsigned 32-bit). */
  readonly v4Network: number;
  readonly v4Mask: number;
  /** IPv6: masked network groups and per-group masks. */
  readonly v6Network: Uint16Array;
  readonly v6Mask: Uint16Array;
}

/** Builds a block from an address text and mask bits; host bits are cleared. Undefined for a bad address. */
export function cidrBlock(address: string, bits: number): CidrBlock | undefined {
  const v4 = parseIPv4(address);
  if (v4 >= 0) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const empty = new Uint16Array(0);
    return { family: 4, v4Network: (v4 & mask) >>> 0, v4Mask: mask, v6Network: empty, v6Mask: empty };
  }
  const groups = new Uint16Array(8);
  if (!parseIPv6(address, groups)) return undefined;
  const mask = new Uint16Array(8);
  for (let g = 0; g < 8; g++) {
    const take = Math.max(0, Math.min(16, bits - g * 16));
    mask[g] = take === 0 ? 0 : (0xffff << (16 - take)) & 0xffff;
    groups[g] = (groups[g] ?? 0) & (mask[g] ?? 0);
  }
  return { family: 6, v4Network: 0, v4Mask: 0, v6Network: groups, v6Mask: mask };
}

/** True when `text` is an address of the block's family inside the block. */
export function inCidr(block: CidrBlock, text: string): boolean {
  if (block.family === 4) {
    const v4 = parseIPv4(text);
    return v4 >= 0 && (v4 & block.v4Mask) >>> 0 === block.v4Network;
  }
  if (!parseIPv6(text, scratch)) return false;
  for (let g = 0; g < 8; g++) {
    if (((scratch[g] ?? 0) & (block.v6Mask[g] ?? 0)) !== block.v6Network[g]) return false;
  }
  return true;
}

/** Eight groups of an IPv6 address, or undefined; for exact values compared as addresses. */
export function ipv6Groups(text: string): Uint16Array | undefined {
  const groups = new Uint16Array(8);
  return parseIPv6(text, groups) ? groups : undefined;
}

/** True when `text` is IPv6 and equals the address `groups`. Allocation-free. */
export function sameIPv6(text: string, groups: Uint16Array): boolean {
  if (!parseIPv6(text, scratch)) return false;
  for (let g = 0; g < 8; g++) if (scratch[g] !== groups[g]) return false;
  return true;
}

/** Canonical (uncompressed, lower-case) IPv6 text, or undefined; used as an index key. */
export function canonicalIPv6(text: string): string | undefined {
  if (!parseIPv6(text, scratch)) return undefined;
  let out = '';
  for (let g = 0; g < 8; g++) out += (g === 0 ? '' : ':') + (scratch[g] ?? 0).toString(16);
  return out;
}
