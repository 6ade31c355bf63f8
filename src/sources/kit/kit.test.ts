/** The source kit: one base64 check, one value describer, epoch times through the minute cache. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, isBase64 } from './base64.js';
import { describeValue } from './describe.js';
import { extensionName } from './records.js';
import { epochMsToIso, epochToIso, setEpochMsTime } from './time.js';

describe('isBase64 / decodeBase64', () => {
  it('takes every canonical encoding and decodes it to its bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        expect(isBase64(text)).toBe(true);
        expect([...decodeBase64(text, 'data')]).toEqual([...bytes]);
      }),
    );
  });

  it.each(['abc', 'ab=c', 'a===', 'not base64!', 'eyJhIjoxfQ', ' eyJhIjoxfQ=='])('refuses %j', (text) => {
    expect(isBase64(text)).toBe(false);
    expect(() => decodeBase64(text, 'records[0].value')).toThrow(
      expect.objectContaining({ code: 'E_SOURCE_INVALID', path: 'records[0].value' }),
    );
  });
});

describe('describeValue', () => {
  it.each([
    [{ messageId: 'm', body: 'b' }, 'keys messageId, body'],
    [{}, 'keys (none)'],
    [[1, 2], 'an array of 2 item(s)'],
    ['hello', '"hello"'],
    [null, 'null'],
    [undefined, 'undefined'],
    ['x'.repeat(80), `"${'x'.repeat(59)}…`],
  ])('%j → %s', (value, described) => {
    expect(describeValue(value)).toBe(described);
  });
});

describe('epoch times', () => {
  it('format as Date#toISOString does, whichever minute came before (the minute cache)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8.64e15 }), { minLength: 1, maxLength: 5 }), (times) => {
        for (const ms of times) expect(epochMsToIso(ms)).toBe(new Date(ms).toISOString());
      }),
    );
    expect(epochToIso('1767225600', 's')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('say whether the time they set is valid by construction (a year past 9999 is not)', () => {
    const event: Record<string, unknown> = {};
    expect(setEpochMsTime(event, 1_767_225_600_000)).toBe(true);
    expect(setEpochMsTime(event, 8.64e15)).toBe(false);
    expect(event.time).toBe('+275760-09-13T00:00:00.000Z');
  });
});

describe('extensionName', () => {
  it('lower-cases and strips the name, the same from the cache as the first time', () => {
    for (let i = 0; i < 2; i++) {
      expect(extensionName('sqsattr', 'Tenant-Id')).toBe('sqsattrtenantid');
      expect(extensionName('sqsattr', 'A-name-far-too-long-for-cloudevents')).toBeUndefined();
    }
  });
});
