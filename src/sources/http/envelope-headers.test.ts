import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readHeaders } from './envelope.js';

/** readHeaders before its single-value shortcut: every header through a Map of lists. */
function reference(single: Record<string, unknown>): Record<string, string> {
  const values = new Map<string, string[]>();
  for (const [name, value] of Object.entries(single)) {
    if (typeof value !== 'string') continue;
    const list = values.get(name.toLowerCase());
    if (list === undefined) values.set(name.toLowerCase(), [value]);
    else list.push(value);
  }
  return Object.fromEntries(
    [...values].map(([name, list]) => [name, list.join(name === 'cookie' ? '; ' : ', ')]),
  );
}

describe('readHeaders without multiValueHeaders', () => {
  const name = fc.constantFrom(
    'ce-id',
    'Ce-Id',
    'CE-ID',
    'cookie',
    'Cookie',
    '__proto__',
    '1',
    'x-a',
    'X-A',
    'content-type',
  );
  it('gives what joining every value per lower-case name gives, in the same order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.oneof(fc.string(), fc.integer()))), (pairs) => {
        const single: Record<string, unknown> = {};
        for (const [key, value] of pairs)
          Object.defineProperty(single, key, { value, enumerable: true, writable: true, configurable: true });
        const headers = readHeaders(single, undefined);
        expect(Object.entries(headers)).toEqual(Object.entries(reference(single)));
        expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
      }),
      { numRuns: 3_000 },
    );
  });
});
