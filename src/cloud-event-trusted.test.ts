import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCloudEvent, trustedCloudEvent } from './cloud-event.js';
import { isRfc3339 } from './cloud-event-time.js';
import { isTriggerError } from './errors.js';

describe('isRfc3339: the in-place reading of `YYYY-MM-DDTHH:MM:SS.sssZ`', () => {
  // `t` instead of `T` is the same timestamp but is read by the regular-expression path: both must agree.
  const viaRegex = (value: string) => isRfc3339(value.replace('T', 't'));

  it('agrees with the regular-expression path on strings of that length and alphabet', () => {
    const char = fc.constantFrom(...'0123456789-:.TZ+ x'.split(''));
    const shaped = fc.array(char, { minLength: 24, maxLength: 24 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(shaped, (value) => {
        expect(isRfc3339(value)).toBe(viaRegex(value));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on real timestamps, including out-of-range fields', () => {
    const digits = (n: number, width: number) => String(n).padStart(width, '0');
    const stamp = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(
        ([y, mo, d, h, mi, s, ms]) =>
          `${digits(y, 4)}-${digits(mo, 2)}-${digits(d, 2)}T${digits(h, 2)}:${digits(mi, 2)}:${digits(s, 2)}.${digits(ms, 3)}Z`,
      );
    fc.assert(
      fc.property(stamp, (value) => {
        expect(isRfc3339(value)).toBe(viaRegex(value));
      }),
      { numRuns: 5000 },
    );
    expect(isRfc3339('2024-02-29T23:59:60.000Z')).toBe(true);
    // The same minute again: only the seconds are read, and still checked.
    expect(isRfc3339('2024-02-29T23:59:61.000Z')).toBe(false);
    expect(isRfc3339('2024-02-29T23:59:5x.000Z')).toBe(false);
    expect(isRfc3339('2024-02-29T23:59:59.000+')).toBe(false);
    expect(isRfc3339('2024-02-29T23:59:07.125Z')).toBe(true);
    expect(isRfc3339('2025-02-29T10:00:00.000Z')).toBe(false);
    expect(isRfc3339('2025-11-03T24:00:00.000Z')).toBe(false);
  });
});

describe('trustedCloudEvent (for sources)', () => {
  const event = () => ({
    specversion: '1.0' as const,
    id: 'm-1',
    source: 'arn:aws:sqs:eu-west-1:123456789012:orders',
    type: 'com.amazonaws.sqs.message',
    time: '2025-11-03T09:00:00.000Z',
    datacontenttype: 'application/json',
    data: { total: 120 },
    awsregion: 'eu-west-1',
  });

  it('freezes the event it was given, equal to what createCloudEvent builds', () => {
    const built = event();
    const sealed = trustedCloudEvent(built, 'Records[0]');
    expect(sealed).toBe(built);
    expect(Object.isFrozen(sealed)).toBe(true);
    expect(sealed).toStrictEqual(createCloudEvent(event()));
    expect(Object.keys(sealed)).toEqual(Object.keys(createCloudEvent(event())));
  });

  it.each([
    ['a time that is not RFC 3339', { time: '2025-11-03 9:00' }],
    ['a time that is not a string', { time: 1762160400000 }],
    ['an empty source', { source: '' }],
    ['an empty id', { id: '' }],
    ['an empty subject', { subject: '' }],
  ])('throws createCloudEvent’s own error for %s', (_, change) => {
    const expected = (() => {
      try {
        createCloudEvent({ ...event(), ...change } as never, 'Records[3]');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isTriggerError(expected)).toBe(true);
    expect(() => trustedCloudEvent({ ...event(), ...change }, 'Records[3]')).toThrow(
      (expected as Error).message,
    );
  });
});
