import { describe, expect, it } from 'vitest';
import { encodeCbor } from '../../../test/support/cbor.js';
import { decodeCbor } from './cbor.js';

const hex = (text: string) => Buffer.from(text.replace(/\s/g, ''), 'hex');

describe('decodeCbor (RFC 8949 Appendix A examples)', () => {
  it.each([
    ['00', 0],
    ['17', 23],
    ['1818', 24],
    ['1903e8', 1000],
    ['1b000000e8d4a51000', 1_000_000_000_000],
    ['1bffffffffffffffff', '18446744073709551615'],
    ['20', -1],
    ['3903e7', -1000],
    ['f90001', 2 ** -24],
    ['f93c00', 1],
    ['f9c400', -4],
    ['fa47c35000', 100000],
    ['fb3ff199999999999a', 1.1],
    ['f4', false],
    ['f5', true],
    ['f6', null],
    ['4401020304', 'AQIDBA=='],
    ['6449455446', 'IETF'],
    ['83010203', [1, 2, 3]],
    ['a201020304', { '1': 2, '3': 4 }],
    ['5f42010243030405ff', 'AQIDBAU='],
    ['7f657374726561646d696e67ff', 'streaming'],
    ['9f018202039f0405ffff', [1, [2, 3], [4, 5]]],
    ['bf61610161629f0203ffff', { a: 1, b: [2, 3] }],
    ['c074323031332d30332d32315432303a30343a30305a', '2013-03-21T20:04:00Z'],
  ])('%s', (bytes, value) => {
    expect(decodeCbor(hex(bytes))).toEqual(value);
  });

  it('round-trips what the test encoder writes, a key named __proto__ included', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"n":-7,"f":0.5,"s":"é","l":[true,null]}');
    const decoded = decodeCbor(encodeCbor(value)) as Record<string, unknown>;
    expect(decoded).toEqual(value);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('refuses truncated, trailing and reserved bytes with the offset', () => {
    expect(() => decodeCbor(hex('1903'))).toThrow(/at byte 1: it ends in the middle/);
    expect(() => decodeCbor(hex('8301'))).toThrow(/at byte 1: a length longer than the event/);
    expect(() => decodeCbor(hex('0000'))).toThrow(/trailing bytes/);
    expect(() => decodeCbor(hex('1c'))).toThrow(/reserved additional information 28/);
    expect(() => decodeCbor(hex('5f4101'))).toThrow(/without its break/);
  });
});
