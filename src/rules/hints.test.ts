/** Pattern errors that lead somewhere: the fix they suggest is one a user can paste. */
import { describe, expect, it } from 'vitest';
import { defineHandler } from '../define-handler.js';
import { isTriggerError } from '../errors.js';
import { compilePattern } from './compile-pattern.js';

function definitionMessage(filter: Record<string, unknown>): string {
  try {
    defineHandler({ name: 'thumbnails', filter, handle: async () => undefined });
  } catch (error) {
    if (isTriggerError(error) && error.code === 'E_RULE_INVALID') return error.message;
    throw error;
  }
  throw new Error('expected the filter to be refused');
}

describe('a matcher written as a bare object', () => {
  it('is told to go in a list, at the field that holds it', () => {
    expect(definitionMessage({ data: { key: { suffix: '.jpg' } } })).toContain(
      'pattern field `data.key`: the matcher { "suffix": ".jpg" } goes in a list; write [{ "suffix": ".jpg" }].',
    );
    expect(definitionMessage({ data: { total: { numeric: '>' } } })).toContain('write [{ "numeric": ">" }]');
  });

  it('keeps the old hint for a field that is no operator', () => {
    expect(definitionMessage({ data: { key: { name: '.jpg' } } })).toContain(
      '"name" must be an object or an array, got string ".jpg"; write [".jpg"]',
    );
  });
});

describe('a top-level filter key that cannot be a CloudEvent attribute', () => {
  it('is refused at definition time, pointing at data', () => {
    expect(definitionMessage({ orderId: ['1'] })).toContain(
      'pattern field `orderId`: "orderId" is no CloudEvent attribute (their names are lower-case letters and digits), ' +
        'so it never matches; payload fields go under `data`: write { "data": { "orderId": ["1"] } }.',
    );
    expect(definitionMessage({ $or: [{ type: ['a'] }, { order_id: ['1'] }] })).toContain(
      'pattern field `$or[1].order_id`',
    );
  });

  it('leaves attributes, extensions, $or and EventBridge envelope keys alone', () => {
    const filters = [
      { type: ['com.shop.order.created'], awsregion: ['eu-west-1'], data: { orderId: ['1'] } },
      { 'detail-type': ['Order Placed'], detail: { orderId: ['1'] } },
      { $or: [{ source: ['a'] }, { subject: ['b'] }] },
    ];
    for (const filter of filters)
      expect(() => defineHandler({ filter, handle: async () => undefined })).not.toThrow();
  });

  it('stays a plain field for compilePattern, which matches any JSON', () => {
    expect(compilePattern({ orderId: ['1'] }).matches({ orderId: '1' })).toBe(true);
  });
});
