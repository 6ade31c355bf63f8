import { describe, expect, it } from 'vitest';
import { isTriggerError } from '../errors.js';
import { type CompilePatternOptions, compilePattern } from './compile-pattern.js';
import { canonicalIPv6, cidrBlock, inCidr, parseIPv4 } from './ip.js';
import { globComplexity, globMatches, parseGlob } from './wildcard.js';

function rejection(pattern: unknown, options?: CompilePatternOptions) {
  try {
    compilePattern(pattern, options);
  } catch (error) {
    if (isTriggerError(error)) return { code: error.code, path: error.path, message: error.message };
    throw error;
  }
  throw new Error('expected the pattern to be rejected');
}

describe('compilePattern options', () => {
  it('raises the pattern length limit on request, as the AWS quota can be', () => {
    const long = { source: ['x'.repeat(3000)] };
    expect(rejection(long).message).toContain('over the 2048-character limit');
    expect(compilePattern(long, { maxPatternLength: 4096 }).matches({ source: 'x'.repeat(3000) })).toBe(true);
    expect(
      compilePattern({ source: ['x'.repeat(3000)] }, { dialect: 'alibaba' }).matches({ source: 'x' }),
    ).toBe(false);
  });

  it('takes a wildcard complexity cap', () => {
    const pattern = { key: [{ wildcard: '*:*:*:*:*:event-bus/*' }] };
    expect(rejection(pattern).message).toContain('raise maxWildcardComplexity (now 9)');
    const matcher = compilePattern(pattern, { maxWildcardComplexity: 20 });
    expect(matcher.matches({ key: 'arn:aws:events:us-east-1:123:event-bus/default' })).toBe(true);
    expect(rejection({ key: [{ wildcard: 'a*b*c' }] }, { maxWildcardComplexity: 2 }).path).toBe('key');
  });

  it('caps the alternatives $or expands to', () => {
    const or = (k: string) => ({ $or: [{ [`${k}1`]: ['1'] }, { [`${k}2`]: ['2'] }] });
    const pattern = { a: or('a'), b: or('b'), c: or('c'), d: or('d') }; // 2⁴ = 16 alternatives
    expect(
      compilePattern(pattern).matches({ a: { a2: '2' }, b: { b1: '1' }, c: { c1: '1' }, d: { d2: '2' } }),
    ).toBe(true);
    expect(rejection(pattern, { maxBranches: 8 }).message).toContain('expand to more than 8 combinations');
  });

  it('rejects an unknown dialect', () => {
    expect(rejection({ a: ['1'] }, { dialect: 'gcp' as 'aws' }).message).toContain("use 'aws' or 'alibaba'");
  });

  it('rejects values that are not JSON', () => {
    for (const value of [undefined, 10n, () => 1, new Date(0), Number.NaN]) {
      expect(rejection({ a: [value] }).code).toBe('E_RULE_INVALID');
    }
    for (const value of [new Map(), 10n, () => 1, undefined, Symbol('s')]) {
      expect(rejection({ a: value }).message).toContain('must be an object or an array');
    }
  });

  it('rejects a pattern nested beyond any real use (and cyclic objects)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(rejection(cyclic).message).toContain('nested more than 64 levels');
    const branches: unknown[] = [];
    branches.push({ $or: branches }, { a: ['1'] });
    expect(rejection({ $or: branches }).message).toContain('nested more than 64 levels');
  });

  it('compiles once and does not keep the pattern object', () => {
    const pattern = { type: ['a'] };
    const matcher = compilePattern(pattern);
    pattern.type[0] = 'b';
    expect(matcher.matches({ type: 'a' })).toBe(true);
    expect(Object.isFrozen(matcher)).toBe(true);
  });
});

describe('wildcard', () => {
  it('scores complexity like event-ruler on the AWS data points', () => {
    expect(globComplexity(parseGlob('/Users/*/dir/dir/dir/dir/dir/doc.txt', 'p'), 100)).toBe(7);
    expect(globComplexity(parseGlob('*:*:*:*:*:event-bus/*', 'p'), 100)).toBe(11);
    expect(globComplexity(parseGlob('arn:aws:s3:::bucket/*', 'p'), 100)).toBe(2);
    expect(globComplexity(parseGlob('no-star', 'p'), 100)).toBe(1);
  });

  it('matches with indexOf, leftmost first, across repeated pieces', () => {
    const glob = parseGlob('a*ab*b', 'p');
    expect(globMatches(glob, 'aab')).toBe(false);
    expect(globMatches(glob, 'aabb')).toBe(true);
    expect(globMatches(glob, 'axxabyyb')).toBe(true);
    expect(globMatches(parseGlob('*a*', 'p'), 'bbb')).toBe(false);
  });
});

describe('ip', () => {
  it('parses IPv4 strictly', () => {
    expect(parseIPv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['10.0.0', '10.0.0.1.2', '010.0.0.1', '10.0.0.256', '10.0.0.-1', ' 10.0.0.1', '']) {
      expect(parseIPv4(bad)).toBe(-1);
    }
  });

  it('parses IPv6 in its compressed, expanded and IPv4-tail forms', () => {
    expect(canonicalIPv6('2001:db8::1')).toBe('2001:db8:0:0:0:0:0:1');
    expect(canonicalIPv6('::')).toBe('0:0:0:0:0:0:0:0');
    expect(canonicalIPv6('::ffff:10.0.0.1')).toBe('0:0:0:0:0:ffff:a00:1');
    expect(canonicalIPv6('FE80:0:0:0:0:0:0:1')).toBe('fe80:0:0:0:0:0:0:1');
    for (const bad of [
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      ':1',
      '1:',
      '12345::',
      'g::1',
      '1.2.3.4',
      'fe80::1%eth0',
    ]) {
      expect(canonicalIPv6(bad)).toBeUndefined();
    }
  });

  it('tests CIDR membership for both families', () => {
    const v4 = cidrBlock('192.168.1.77', 20);
    expect(v4 && inCidr(v4, '192.168.15.255')).toBe(true);
    expect(v4 && inCidr(v4, '192.168.16.0')).toBe(false);
    const v6 = cidrBlock('2001:db8:abcd::', 47);
    expect(v6 && inCidr(v6, '2001:db8:abce::1')).toBe(false);
    expect(v6 && inCidr(v6, '2001:db8:abcd:ffff::1')).toBe(true);
    expect(v6 && inCidr(v6, '2001:db8:abcc::1')).toBe(true);
  });
});
