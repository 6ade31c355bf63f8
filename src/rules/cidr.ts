/**
 * `cidr`. AWS: IPv4 and IPv6 blocks, one `/` required, mask below 32 (IPv4) or 128 (IPv6), host bits
 * masked. Alibaba: IPv4 only; as commons-net `SubnetUtils` does, the network and broadcast addresses are
 * not in the range; a value without `/` is one address.
 * @see ../../docs/patterns.md#cidr
 */
import { cidrBlock, inCidr, parseIPv4 } from './ip.js';
import { describe, invalidPattern } from './pattern-error.js';
import type { MatcherSpec } from './types.js';

const DIGITS = /^\d+$/;

/** Parses an AWS `cidr` value. */
export function parseAwsCidr(value: unknown, path: string): MatcherSpec {
  if (typeof value !== 'string') {
    throw invalidPattern(
      path,
      `the value of \`cidr\` must be a string such as "10.0.0.0/24", got ${describe(value)}`,
    );
  }
  const parts = value.split('/');
  if (parts.length !== 2) {
    throw invalidPattern(
      path,
      `malformed CIDR ${JSON.stringify(value)}: one '/' is required, as in "10.0.0.0/24"; to match one address use the exact string`,
    );
  }
  const [address, maskText] = parts as [string, string];
  if (maskText.startsWith('-') && DIGITS.test(maskText.slice(1))) {
    throw invalidPattern(path, `malformed CIDR ${JSON.stringify(value)}: mask bits must not be negative`);
  }
  if (!DIGITS.test(maskText)) {
    throw invalidPattern(path, `malformed CIDR ${JSON.stringify(value)}: mask bits must be an integer`);
  }
  const bits = Number(maskText);
  const family = parseIPv4(address) >= 0 ? 4 : 6;
  const block = cidrBlock(address, family === 4 ? Math.min(bits, 32) : Math.min(bits, 128));
  if (block === undefined) {
    throw invalidPattern(
      path,
      `nonstandard IP address ${JSON.stringify(address)} in CIDR ${JSON.stringify(value)}`,
    );
  }
  if (family === 4 && bits >= 32) {
    throw invalidPattern(
      path,
      `IPv4 mask bits must be < 32 in ${JSON.stringify(value)}; to match one address use the exact string "${address}"`,
    );
  }
  if (family === 6 && bits >= 128) {
    throw invalidPattern(
      path,
      `IPv6 mask bits must be < 128 in ${JSON.stringify(value)}; to match one address use the exact string "${address}"`,
    );
  }
  return { kind: 'cidr', test: (v) => typeof v === 'string' && inCidr(block, v) };
}

/** Parses an Alibaba `cidr` value (IPv4 only). */
export function parseAlibabaCidr(value: unknown, path: string): MatcherSpec {
  const hint = 'the alibaba dialect takes an IPv4 block such as "10.0.0.0/24" or one IPv4 address';
  if (typeof value !== 'string' || value === '') {
    throw invalidPattern(
      path,
      `the value of \`cidr\` must be a non-empty string; ${hint}, got ${describe(value)}`,
    );
  }
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const maskText = slash < 0 ? '32' : value.slice(slash + 1);
  const ip = parseIPv4(address);
  if (ip < 0 || !DIGITS.test(maskText) || Number(maskText) > 32) {
    throw invalidPattern(path, `invalid CIDR ${JSON.stringify(value)}: ${hint} (IPv6 is not supported)`);
  }
  if (slash < 0) return { kind: 'cidr', test: (v) => typeof v === 'string' && parseIPv4(v) === ip };
  const bits = Number(maskText);
  const block = cidrBlock(address, bits);
  if (block === undefined) throw invalidPattern(path, `invalid CIDR ${JSON.stringify(value)}: ${hint}`);
  const network = block.v4Network;
  const broadcast = (network | (~block.v4Mask >>> 0)) >>> 0;
  // SubnetUtils without inclusive host count: usable hosts only; /31 and /32 have none.
  return {
    kind: 'cidr',
    test: (v) => {
      if (typeof v !== 'string' || bits > 30) return false;
      const n = parseIPv4(v);
      return n > network && n < broadcast;
    },
  };
}
