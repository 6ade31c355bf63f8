import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSchema } from './compile.js';
import { isCommonDateTime, isDateTime } from './formats.js';

const ajvFormats = (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** RFC 3339-looking strings with every field allowed out of range, and any separator, fraction and zone. */
const dateTimeLike = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 61 }),
    separator: fc.constantFrom('T', 't', ' ', '_', 'TT'),
    fraction: fc.constantFrom('', '.', '.5', '.123456789', '.x'),
    zone: fc.constantFrom('Z', 'z', '', '+01:00', '-23:59', '+24:00', '+05:60', '+0100', '+01', 'Z ', 'UTC'),
  })
  .map(
    (p) =>
      `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}${p.separator}${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${p.fraction}${p.zone}`,
  );

/** One character of a valid timestamp replaced by anything. */
const mutated = fc
  .tuple(fc.date({ noInvalidDate: true }), fc.nat(), fc.string({ minLength: 0, maxLength: 2 }))
  .map(([date, at, replacement]) => {
    const text = date.toISOString();
    const i = at % text.length;
    return text.slice(0, i) + replacement + text.slice(i + 1);
  });

describe('date-time format', () => {
  it('accepts exactly the strings ajv-formats accepts', () => {
    fc.assert(
      fc.property(fc.oneof(dateTimeLike, mutated, fc.string()), (text) => {
        expect(isDateTime(text)).toBe(ajvFormats(text));
        if (isCommonDateTime(text)) expect(ajvFormats(text)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('answers the common shape itself, leaves the rest to ajv-formats', () => {
    for (const text of [
      '2025-11-23T12:15:00Z',
      '2024-02-29t23:59:59.123456+05:30',
      '0000-01-01T00:00:00-00:00',
    ]) {
      expect([text, isCommonDateTime(text), ajvFormats(text)]).toEqual([text, true, true]);
    }
    for (const text of ['2016-12-31T23:59:60Z', '2025-11-23 12:15:00Z', '2025-11-23T12:15:00+0100']) {
      expect([text, isCommonDateTime(text), isDateTime(text)]).toEqual([text, false, true]);
    }
    for (const text of [
      '2023-02-29T00:00:00Z',
      '2025-11-23T12:15:00',
      '2025-11-23T24:00:00Z',
      '2025-11-23T12:15:00.Z',
    ]) {
      expect([text, isDateTime(text)]).toEqual([text, false]);
    }
  });

  it('is what compiled schemas use', () => {
    const validate = compileSchema({ type: 'string', format: 'date-time' });
    expect(validate('2016-12-31T23:59:60Z')).toEqual([]);
    expect(validate('2023-02-29T00:00:00Z')).toEqual([
      { pointer: '/', message: 'must match format "date-time"' },
    ]);
  });
});
