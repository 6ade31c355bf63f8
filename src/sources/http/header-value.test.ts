import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHeaderValue } from './cloudevents-binding.js';

/** decodeHeaderValue before its plain-token shortcut (the rules it keeps, without the error texts). */
function reference(raw: string): string | 'refused' {
  let value = raw.replace(/^[ \t]+|[ \t]+$/g, '');
  if (value.startsWith('"')) {
    const quoted = /^"((?:[\t \x21\x23-\x5B\x5D-\x7E]|\\[\t \x21-\x7E])*)"$/.exec(value);
    if (quoted === null) return 'refused';
    value = (quoted[1] ?? '').replace(/\\(.)/g, '$1');
  } else if (!/^[\x20-\x7E]*$/.test(value) || value.includes(', ')) return 'refused';
  try {
    return decodeURIComponent(value);
  } catch {
    return 'refused';
  }
}

const answer = (raw: string) => {
  try {
    return decodeHeaderValue(raw, 'ce-id');
  } catch {
    return 'refused';
  }
};

describe('decodeHeaderValue', () => {
  it('answers every value as the rules without the plain-token shortcut do', () => {
    const chars = fc.constantFrom(...'aZ09-._:/+%C3A9" \t,\\é\u0001'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(chars, { maxLength: 12 }).map((c) => c.join('')),
        ),
        (raw) => {
          expect(answer(raw)).toBe(reference(raw));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
