/** SNS filter policies: each operator on attributes and on the body, SNS's differences, and its limits. */
import { describe, expect, it } from 'vitest';
import { compileFilterPolicy, type FilterPolicyScope } from './filter-policy.js';
import { type SnsAttributes, SnsFault } from './wire.js';

const attributes: SnsAttributes = {
  store: { Type: 'String', Value: 'example_corp' },
  event: { Type: 'String', Value: 'order_placed' },
  price: { Type: 'Number', Value: '210.75' },
  interests: { Type: 'String.Array', Value: '["rugby", "football", 7]' },
  ip: { Type: 'String', Value: '10.0.0.42' },
  version: { Type: 'String', Value: '2' },
  blob: { Type: 'Binary', Value: 'AAEC' },
};
const body = JSON.stringify({
  store: 'example_corp',
  order: { price: 210.75, items: [{ sku: 'lamp' }, { sku: 'desk' }], origin: '10.0.0.42' },
  detail: { note: 'Fragile' },
});

const matches = (policy: unknown, scope: FilterPolicyScope = 'MessageAttributes') =>
  compileFilterPolicy(JSON.stringify(policy), scope).matches({ message: body, attributes });

describe('SNS filter policy on message attributes', () => {
  it.each([
    ['exact string', { store: ['example_corp'] }, true],
    ['exact string, case-sensitive', { store: ['Example_Corp'] }, false],
    ['one of several strings', { store: ['a', 'example_corp'] }, true],
    ['prefix', { event: [{ prefix: 'order_' }] }, true],
    ['prefix that differs', { event: [{ prefix: 'refund' }] }, false],
    ['suffix', { event: [{ suffix: '_placed' }] }, true],
    ['equals-ignore-case', { store: [{ 'equals-ignore-case': 'EXAMPLE_CORP' }] }, true],
    ['anything-but a value', { store: [{ 'anything-but': 'other' }] }, true],
    ['anything-but the value', { store: [{ 'anything-but': ['example_corp'] }] }, false],
    ['anything-but a prefix', { event: [{ 'anything-but': { prefix: 'order_' } }] }, false],
    ['anything-but a suffix', { event: [{ 'anything-but': { suffix: '_cancelled' } }] }, true],
    ['numeric range on a Number', { price: [{ numeric: ['>', 100, '<=', 300] }] }, true],
    ['numeric range outside', { price: [{ numeric: ['<', 100] }] }, false],
    ['numeric equality', { price: [{ numeric: ['=', 210.75] }] }, true],
    ['an exact number on a Number attribute', { price: [210.75] }, true],
    ['a number never matches a String attribute', { version: [2] }, false],
    ['numeric never matches a String attribute', { version: [{ numeric: ['=', 2] }] }, false],
    ['String.Array: any element', { interests: ['football'] }, true],
    ['String.Array: no element', { interests: ['tennis'] }, false],
    ['String.Array: a number element', { interests: [{ numeric: ['>', 5] }] }, true],
    ['exists true', { store: [{ exists: true }] }, true],
    ['exists false on a missing attribute', { missing: [{ exists: false }] }, true],
    ['exists false on a present attribute', { store: [{ exists: false }] }, false],
    ['Binary attributes are ignored', { blob: [{ exists: true }] }, false],
    ['a missing attribute fails a value', { missing: ['x'] }, false],
    ['cidr', { ip: [{ cidr: '10.0.0.0/24' }] }, true],
    ['cidr outside', { ip: [{ cidr: '192.168.0.0/16' }] }, false],
    ['all keys must match', { store: ['example_corp'], event: ['refund'] }, false],
    ['$or: one branch', { $or: [{ store: ['nope'] }, { event: ['order_placed'] }] }, true],
    ['$or: no branch', { $or: [{ store: ['nope'] }, { event: ['nope'] }] }, false],
    ['an attribute named like an EventBridge envelope key', { version: ['2'] }, true],
    ['an empty policy accepts everything', {}, true],
  ])('%s', (_name, policy, expected) => {
    expect(matches(policy)).toBe(expected);
  });
});

describe('SNS filter policy on the message body', () => {
  it.each([
    ['top-level field', { store: ['example_corp'] }, true],
    ['nested numeric', { order: { price: [{ numeric: ['>=', 200] }] } }, true],
    ['a field of an array of objects', { order: { items: { sku: ['desk'] } } }, true],
    ['nested cidr', { order: { origin: [{ cidr: '10.0.0.0/8' }] } }, true],
    [
      'a key named detail is a plain field',
      { detail: { note: [{ 'equals-ignore-case': 'fragile' }] } },
      true,
    ],
    ['nested miss', { order: { items: { sku: ['chair'] } } }, false],
    [
      '$or across nesting',
      { $or: [{ store: ['x'] }, { order: { price: [{ numeric: ['<', 300] }] } }] },
      true,
    ],
  ])('%s', (_name, policy, expected) => {
    expect(matches(policy, 'MessageBody')).toBe(expected);
  });

  it('matches no message that is not a JSON object', () => {
    const policy = compileFilterPolicy('{"store":[{"exists":false}]}', 'MessageBody');
    expect(policy.matches({ message: 'plain text', attributes: {} })).toBe(false);
    expect(policy.matches({ message: '{}', attributes: {} })).toBe(true);
  });
});

describe('SNS filter policy validation', () => {
  const reject = (policy: unknown, scope: FilterPolicyScope = 'MessageAttributes') => {
    try {
      compileFilterPolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), scope);
    } catch (error) {
      expect(error).toBeInstanceOf(SnsFault);
      expect((error as SnsFault).code).toBe('InvalidParameter');
      return (error as SnsFault).message;
    }
    throw new Error(`accepted ${JSON.stringify(policy)}`);
  };

  it.each([
    ['not JSON', '{store:', /failed to parse JSON/],
    ['not an object', '["a"]', /must be a JSON object/],
    ['nesting in attribute scope', { order: { price: [1] } }, /FilterPolicyScope to MessageBody/],
    ['more than 5 keys', { a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] }, /more than 5 keys/],
    ['over 150 combinations', { a: [...'abcdefghijklm'], b: [...'abcdefghijklm'] }, /too complex: 169/],
    ['wildcard (EventBridge only)', { a: [{ wildcard: 'x*' }] }, /unrecognized match type "wildcard"/],
    ['a number beyond 1e9', { a: [{ numeric: ['>', 2e9] }] }, /outside SNS's range/],
    [
      'anything-but equals-ignore-case',
      { a: [{ 'anything-but': { 'equals-ignore-case': 'x' } }] },
      /inside `anything-but`/,
    ],
    ['a bare string value', { a: 'x' }, /must be an object or an array/],
    ['a bad numeric range', { a: [{ numeric: ['>', 5, '<', 1] }] }, /field `a`: numeric range/],
  ])('rejects %s', (_name, policy, message) => {
    expect(reject(policy)).toMatch(/^Invalid parameter: FilterPolicy: /);
    expect(reject(policy)).toMatch(message);
  });

  it('counts only the top-level keys of a body policy', () => {
    const policy = { a: { b: ['1'], c: ['1'], d: ['1'] }, e: { f: ['1'], g: ['1'], h: ['1'] } };
    expect(() => compileFilterPolicy(JSON.stringify(policy), 'MessageBody')).not.toThrow();
  });
});
