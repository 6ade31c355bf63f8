import { describe, expect, it } from 'vitest';
import {
  type CloudEventInit,
  cloudEventProblems,
  createCloudEvent,
  fromStructured,
  isJsonContentType,
  isRfc3339,
  toStructuredJson,
} from './cloud-event.js';
import { isTriggerError } from './errors.js';

const minimal = {
  specversion: '1.0',
  id: 'ord-1001',
  source: '/shop/orders',
  type: 'com.shop.order.created',
};

/** Runs `fn`, expects a TriggerError, and returns it for further assertions. */
function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('cloudEventProblems: required attributes', () => {
  it('accepts the four required attributes alone', () => {
    expect(cloudEventProblems(minimal)).toEqual([]);
  });

  it.each(['id', 'source', 'type'])('names a missing or null `%s`', (name) => {
    const { [name]: _, ...rest } = minimal as Record<string, unknown>;
    expect(cloudEventProblems(rest)).toEqual([`\`${name}\` is required`]);
    expect(cloudEventProblems({ ...minimal, [name]: null })).toEqual([`\`${name}\` is required`]);
  });

  it.each(['id', 'source', 'type'])('rejects an empty or non-string `%s`', (name) => {
    expect(cloudEventProblems({ ...minimal, [name]: '' })).toEqual([
      `\`${name}\` must be a non-empty string`,
    ]);
    expect(cloudEventProblems({ ...minimal, [name]: 42 })).toEqual([
      `\`${name}\` must be a non-empty string`,
    ]);
  });

  it('requires specversion "1.0" exactly', () => {
    const { specversion: _, ...rest } = minimal;
    expect(cloudEventProblems(rest)).toEqual(['`specversion` is missing (expected "1.0")']);
    expect(cloudEventProblems({ ...minimal, specversion: '0.3' })).toEqual([
      '`specversion` must be "1.0", got "0.3"',
    ]);
  });

  it('says what it got when the event is not an object', () => {
    expect(cloudEventProblems(null)).toEqual(['a CloudEvent must be a JSON object, got object']);
    expect(cloudEventProblems([minimal])).toEqual(['a CloudEvent must be a JSON object, got an array']);
    expect(cloudEventProblems('{}')).toEqual(['a CloudEvent must be a JSON object, got string']);
  });
});

describe('cloudEventProblems: optional attributes', () => {
  it('accepts every optional attribute when well formed', () => {
    const full = {
      ...minimal,
      subject: 'ord-1001',
      time: '2025-11-23T12:15:00.123+01:00',
      datacontenttype: 'application/json; charset=utf-8',
      dataschema: 'https://shop.example.com/schemas/order.json',
      data: { total: 120 },
    };
    expect(cloudEventProblems(full)).toEqual([]);
  });

  it.each([
    ['subject', '', '`subject` must be a non-empty string when present'],
    [
      'datacontenttype',
      'json',
      '`datacontenttype` must be a media type such as application/json, got "json"',
    ],
    ['dataschema', '/schemas/order.json', '`dataschema` must be an absolute URI, got "/schemas/order.json"'],
    ['time', 7, '`time` must be a non-empty string when present'],
  ])('rejects %s = %j', (name, value, problem) => {
    expect(cloudEventProblems({ ...minimal, [name]: value })).toEqual([problem]);
  });

  it('treats null optional attributes and extensions as unset', () => {
    expect(cloudEventProblems({ ...minimal, subject: null, time: null, traceparent: null })).toEqual([]);
  });
});

describe('isRfc3339', () => {
  it.each([
    '2025-11-23T12:15:00Z',
    '2025-11-23T12:15:00.123456789Z',
    '2025-11-23T12:15:00+05:30',
    '2025-11-23t12:15:00z',
    '2024-02-29T00:00:00Z',
    '1990-12-31T23:59:60Z', // the leap second of RFC 3339 §5.8's own example
  ])('accepts %s', (value) => {
    expect(isRfc3339(value)).toBe(true);
  });

  it.each([
    'yesterday',
    '2025-11-23',
    '2025-11-23T12:15:00', // no offset: a local time is not an instant
    '2025-11-23T12:15Z',
    '2025-02-29T00:00:00Z', // 2025 is not a leap year
    '2025-02-30T00:00:00Z', // Date.parse accepts this and rolls over to March
    '2025-04-31T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-01-01T24:00:00Z', // Date.parse accepts hour 24 too
    '2025-01-01T23:60:00Z',
    '2025-01-01T00:00:00+24:00',
    'Sun, 23 Nov 2025 12:15:00 GMT',
  ])('rejects %s', (value) => {
    expect(isRfc3339(value)).toBe(false);
  });
});

describe('cloudEventProblems: extensions', () => {
  it('accepts lower-case a-z0-9 names with string, 32-bit integer and boolean values', () => {
    const event = { ...minimal, partitionkey: 'g1', deliverycount: 3, sampled: true, x1: -(2 ** 31) };
    expect(cloudEventProblems(event)).toEqual([]);
  });

  it.each(['partitionKey', 'partition-key', 'partition_key', 'été'])(
    'rejects the extension name %s',
    (name) => {
      expect(cloudEventProblems({ ...minimal, [name]: 'v' })).toEqual([
        `extension name \`${name}\` must use only lower-case letters a-z and digits 0-9`,
      ]);
    },
  );

  it.each([
    [1.5, '1.5'],
    [2 ** 31, '2147483648'],
    [{ nested: true }, '{"nested":true}'],
    [['a'], '["a"]'],
  ])('rejects the extension value %j', (value, shown) => {
    expect(cloudEventProblems({ ...minimal, myext: value })).toEqual([
      `extension \`myext\` must be a string, a 32-bit integer or a boolean, got ${shown}`,
    ]);
  });

  it('never reads `data` as an extension, even when it is an object', () => {
    expect(cloudEventProblems({ ...minimal, data: { nested: { deep: true } } })).toEqual([]);
  });
});

describe('data and data_base64', () => {
  it('are mutually exclusive', () => {
    expect(cloudEventProblems({ ...minimal, data: 'x', data_base64: 'eA==' })).toEqual([
      '`data` and `data_base64` are mutually exclusive',
    ]);
  });

  it('requires data_base64 to be base64', () => {
    expect(cloudEventProblems({ ...minimal, data_base64: 'not base64!' })).toEqual([
      '`data_base64` must be a base64 string',
    ]);
    expect(cloudEventProblems({ ...minimal, data_base64: [1, 2] })).toEqual([
      '`data_base64` must be a base64 string',
    ]);
  });

  it('isJsonContentType: absent, */json and */*+json are JSON; parameters and case do not matter', () => {
    for (const type of [
      undefined,
      'application/json',
      'Application/JSON; charset=UTF-8',
      'application/ld+json',
    ])
      expect(isJsonContentType(type)).toBe(true);
    for (const type of ['text/plain', 'application/octet-stream', 'application/jsonl', 'application/xml'])
      expect(isJsonContentType(type)).toBe(false);
  });
});

describe('createCloudEvent', () => {
  it('returns a frozen event with specversion set and null attributes dropped', () => {
    const event = createCloudEvent({
      id: '1',
      source: '/s',
      type: 't',
      subject: null,
      myext: null,
    } as CloudEventInit);
    expect(event).toEqual({ specversion: '1.0', id: '1', source: '/s', type: 't' });
    expect(Object.keys(event)).not.toContain('subject');
    expect(Object.isFrozen(event)).toBe(true);
    expect(Reflect.set(event, 'id', '2')).toBe(false);
    expect(event.id).toBe('1');
  });

  it('throws E_CLOUDEVENT_INVALID listing every problem, with where and the event id', () => {
    const error = thrown(() =>
      createCloudEvent({ id: 'e1', source: '', type: 't', time: 'now' }, 'Records[2]'),
    );
    expect(error.code).toBe('E_CLOUDEVENT_INVALID');
    expect(error.eventId).toBe('e1');
    expect(error.details).toEqual([
      '`source` must be a non-empty string',
      '`time` must be an RFC 3339 timestamp, got "now"',
    ]);
    expect(error.message).toBe(
      'Records[2] is not a valid CloudEvent 1.0: `source` must be a non-empty string; `time` must be an RFC 3339 timestamp, got "now".',
    );
  });
});

describe('fromStructured', () => {
  it('reads the JSON format, keeping non-JSON data as text', () => {
    const event = fromStructured({ ...minimal, datacontenttype: 'text/csv', data: 'sku,qty\nlamp,1' });
    expect(event.data).toBe('sku,qty\nlamp,1');
  });

  it.each([null, 42, 'text', [minimal]])('reports %j as "not a JSON object" instead of crashing', (value) => {
    const error = thrown(() => fromStructured(value));
    expect(error.code).toBe('E_CLOUDEVENT_INVALID');
    expect(error.message).toContain('a CloudEvent must be a JSON object');
  });

  it('keeps a JSON "__proto__" key as a rejected name, never as the prototype of the event', () => {
    const parsed: unknown = JSON.parse(
      `{${JSON.stringify(minimal).slice(1, -1)},"__proto__":{"data":{"admin":true}}}`,
    );
    const error = thrown(() => fromStructured(parsed));
    expect(error.message).toContain('extension name `__proto__`');
  });
});

describe('strings and source (spec §3.1.1)', () => {
  const base = {
    specversion: '1.0' as const,
    id: 'ord-1',
    source: '/shop/orders',
    type: 'com.shop.order.created',
  };

  it('lists a source that is no URI-reference, with its encoded form', () => {
    expect(cloudEventProblems({ ...base, source: '/my shop' })).toEqual([
      '`source` must be a URI-reference, got "/my shop"; percent-encode what a URI cannot hold (a space is %20): "/my%20shop"',
    ]);
  });

  it('lists control characters, lone surrogates and noncharacters in any string attribute', () => {
    expect(cloudEventProblems({ ...base, id: 'a\nb', subject: '\udc00', myext: '\ufdd0' })).toEqual([
      '`id` holds a control character (U+000A), which CloudEvents strings may not contain; remove it, or carry such text in `data`',
      '`subject` holds a lone surrogate (U+DC00), which CloudEvents strings may not contain; remove it, or carry such text in `data`',
      '`myext` holds a noncharacter (U+FDD0), which CloudEvents strings may not contain; remove it, or carry such text in `data`',
    ]);
    expect(cloudEventProblems({ ...base, data: 'a\u0000b' })).toEqual([]);
  });

  it('createCloudEvent (building) percent-encodes the source; fromStructured (receiving) refuses it', () => {
    expect(createCloudEvent({ ...base, source: '/my shop' }).source).toBe('/my%20shop');
    expect(() => fromStructured({ ...base, source: '/my shop' })).toThrow('must be a URI-reference');
    expect(() => createCloudEvent({ ...base, subject: 'a\u0007' })).toThrow('a control character (U+0007)');
  });
});

describe('toStructuredJson', () => {
  it('sets datacontenttype application/json explicitly when data is present without one', () => {
    const event = createCloudEvent({ id: '1', source: '/s', type: 't', data: { total: 1 } });
    expect(JSON.parse(toStructuredJson(event))).toEqual({ ...event, datacontenttype: 'application/json' });
  });

  it('keeps an explicit datacontenttype and adds none when there is no data', () => {
    const text = createCloudEvent({
      id: '1',
      source: '/s',
      type: 't',
      datacontenttype: 'text/plain',
      data: 'hi',
    });
    const bytes = createCloudEvent({ id: '2', source: '/s', type: 't', data_base64: 'AQID' });
    expect(JSON.parse(toStructuredJson(text)).datacontenttype).toBe('text/plain');
    expect(JSON.parse(toStructuredJson(bytes))).toEqual(bytes);
  });
});
