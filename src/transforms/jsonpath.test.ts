import { describe, expect, it } from 'vitest';
import { compilePath, MISSING } from './jsonpath.js';

const read = (path: string, root: unknown, dialect: 'aws' | 'alibaba' = 'aws') =>
  compilePath(path, dialect, 'test').read(root);

describe('compilePath', () => {
  it('reads names with dashes, underscores and slashes, and array indices', () => {
    const event = { detail: { 'instance-id': 'i-1', snake_case: 1, 'a/b': 2, list: [10, 20] } };
    expect(read('$.detail.instance-id', event)).toBe('i-1');
    expect(read('$.detail.snake_case', event)).toBe(1);
    expect(read('$.detail.a/b', event)).toBe(2);
    expect(read('$.detail.list[1]', event)).toBe(20);
    expect(read('$', event)).toBe(event);
  });

  it('is MISSING past the end, through a wrong type, or where the event has nothing', () => {
    const event = { detail: { list: [1], text: 'abc', none: null } };
    expect(read('$.detail.list[1]', event)).toBe(MISSING);
    expect(read('$.detail.text.length', event)).toBe(MISSING);
    expect(read('$.detail.list.length', event)).toBe(MISSING);
    expect(read('$.detail.text[0]', event)).toBe(MISSING);
    expect(read('$.detail.none', event)).toBe(null);
    expect(read('$.detail.none.x', event)).toBe(MISSING);
  });

  it('never reads inherited properties', () => {
    const event = Object.create({ inherited: 'from the prototype' }) as Record<string, unknown>;
    event.own = { toString: 'own' };
    expect(read('$.inherited', event)).toBe(MISSING);
    expect(read('$.own.toString', event)).toBe('own');
    expect(read('$.own.hasOwnProperty', event)).toBe(MISSING);
    expect(read('$.own.valueOf', event)).toBe(MISSING);
  });

  it('reads an own "__proto__" key only through a wildcard, as data', () => {
    const event = JSON.parse('{"detail": {"__proto__": {"polluted": true}}}') as unknown;
    expect(read('$.detail.*', event)).toStrictEqual([{ polluted: true }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('Alibaba paths also take bracket-quoted names', () => {
    const event = { data: { 'source ip': '10.0.0.1', list: [{ 'a.b': 1 }] } };
    expect(read("$.data['source ip']", event, 'alibaba')).toBe('10.0.0.1');
    expect(read('$.data["list"][0][\'a.b\']', event, 'alibaba')).toBe(1);
  });

  it('wildcard paths always give an array, empty when nothing matches', () => {
    expect(read('$.detail[*]', { detail: [1, 2] })).toStrictEqual([1, 2]);
    expect(read('$.detail[*].x', { detail: [{ x: 1 }, {}, { x: 3 }] })).toStrictEqual([1, 3]);
    expect(read('$.detail.*', { detail: 'text' })).toStrictEqual([]);
    expect(compilePath('$.a.*', 'aws', 'test').definite).toBe(false);
  });
});
