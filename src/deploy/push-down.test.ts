import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { isTriggerError } from '../errors.js';
import { toCloudEvents } from '../sources/index.js';
import { toEventPattern, toFilterPatterns } from './push-down.js';
import { eventPatternMatches, filterPatternsMatch } from './push-down-platform.js';
import { mayAcceptPrefixed } from './push-down-rewrite.js';

const eb = (filter: Record<string, unknown>) => toEventPattern(filter);
const sqs = (filter: Record<string, unknown>, maxFilters?: number) =>
  toFilterPatterns(filter, 'aws:sqs', 'aws', { maxFilters });
const SNS = { body: { Type: ['Notification'] } };
const S3 = { body: { Records: { eventSource: ['aws:s3'] } } };

describe('toEventPattern', () => {
  it('writes a CloudEvents filter against the EventBridge envelope, exactly', () => {
    expect(
      eb({
        source: ['shop'],
        type: ['order.created'],
        awsregion: ['eu-west-1'],
        data: { currency: ['EUR'] },
      }),
    ).toEqual({
      value: {
        source: ['shop'],
        'detail-type': ['order.created'],
        region: ['eu-west-1'],
        detail: { currency: ['EUR'] },
      },
      exact: true,
    });
  });

  it('keeps an envelope filter as written and settles `version`, which is always "0"', () => {
    const filter = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      version: ['0'],
    };
    expect(eb({ ...filter, detail: { state: ['running'] } })).toEqual({
      value: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['running'] },
      },
      exact: true,
    });
    expect(eb({ ...filter, version: ['1'] })).toBeUndefined();
  });

  it('evaluates the attributes every EventBridge event has the same, and drops the unknown ones', () => {
    expect(eb({ source: ['shop'], specversion: ['1.0'], datacontenttype: ['application/json'] })).toEqual({
      value: { source: ['shop'] },
      exact: true,
    });
    expect(eb({ source: ['shop'], datacontenttype: ['text/plain'] })).toBeUndefined();
    expect(eb({ source: ['shop'], tenant: ['acme'] })).toEqual({ value: { source: ['shop'] }, exact: false });
  });

  it('tests `subject` against every resource (a superset), and only with positive matchers', () => {
    expect(eb({ source: ['shop'], subject: [{ prefix: 'arn:aws:ec2:' }] })).toEqual({
      value: { source: ['shop'], resources: [{ prefix: 'arn:aws:ec2:' }] },
      exact: false,
    });
    expect(eb({ source: ['shop'], subject: [{ 'anything-but': 'x' }] })?.value).toEqual({ source: ['shop'] });
  });

  it('pushes the operators EventBridge evaluates as we do, and nothing else', () => {
    const kept = [
      ['a', null, true, ''],
      [{ prefix: 'us-' }, { suffix: '.png' }, { wildcard: 'dir/*.png' }],
      [{ cidr: '10.0.0.0/24' }, { exists: true }],
      [{ 'anything-but': ['stopped', 'overloaded'] }, { 'anything-but': { prefix: 'init' } }],
    ];
    for (const leaf of kept)
      expect(eb({ source: ['shop'], data: { v: leaf } })).toEqual({
        value: { source: ['shop'], detail: { v: leaf } },
        exact: true,
      });
    const dropped = [
      [{ 'equals-ignore-case': 'alice' }],
      [{ prefix: { 'equals-ignore-case': 'us-' } }],
      ['2001:db8::1'],
      [{ 'anything-but': [100, 200] }],
      [{ numeric: ['>', 100] }],
      ['a', { numeric: ['<', 0] }],
      [5e9],
      [{ wildcard: '*:*:*:*:*:event-bus/*' }],
    ];
    for (const leaf of dropped)
      expect(eb({ source: ['shop'], data: { v: leaf } })).toEqual({
        value: { source: ['shop'] },
        exact: false,
      });
  });

  it('pushes numbers within AWS numeric range only, with inclusive bounds, never as exact', () => {
    expect(eb({ source: ['shop'], data: { n: [{ numeric: ['>', 0, '<', 100] }, 250] } })).toEqual({
      value: { source: ['shop'], detail: { n: [{ numeric: ['>=', 0, '<=', 100] }, 250] } },
      exact: false,
    });
  });

  it('keeps a `source` the normalizer would percent-encode from being rejected', () => {
    expect(eb({ type: ['t'], source: ['my%20app'] })?.value).toEqual({ 'detail-type': ['t'] });
    expect(eb({ type: ['t'], source: ['my app'] })).toEqual({
      value: { 'detail-type': ['t'], source: ['my app'] },
      exact: false,
    });
    expect(eb({ source: [{ prefix: 'com.shop' }] })).toEqual({
      value: { source: [{ prefix: 'com.shop' }] },
      exact: true,
    });
    expect(eb({ source: [{ prefix: 'com shop' }] })?.exact).toBe(false);
  });

  it('gives S3 events (mapped by the S3 mapping) an alternative of their own', () => {
    const filter = {
      type: [{ prefix: 'com.amazonaws.s3.Object' }],
      data: { bucket: { name: ['shop-invoices'] } },
    };
    const pushed = eb(filter);
    expect(pushed).toEqual({
      value: {
        $or: [
          {
            'detail-type': [{ prefix: 'com.amazonaws.s3.Object' }],
            detail: { bucket: { name: ['shop-invoices'] } },
          },
          { detail: { bucket: { name: ['shop-invoices'] } }, source: ['aws.s3'] },
        ],
      },
      exact: false,
    });
    const event = fixture('eventbridge/s3-object-created.json');
    expect(toCloudEvents(event).items[0]?.event.type).toMatch(/^com\.amazonaws\.s3\.Object/);
    expect(eventPatternMatches(pushed?.value ?? {}, event)).toBe(true);
    // A filter that names neither `type` nor `source` means the same for both mappings.
    expect(eb({ data: { bucket: { name: ['shop-invoices'] } } })?.exact).toBe(true);
  });

  it('drops the `$or` alternatives no EventBridge event can take', () => {
    expect(eb({ source: ['shop'], $or: [{ specversion: ['0.3'] }, { type: ['a'] }] })).toEqual({
      value: { source: ['shop'], 'detail-type': ['a'] },
      exact: true,
    });
    expect(eb({ source: ['shop'], $or: [{ type: ['a'] }, { data: { x: ['1'] } }] })).toEqual({
      value: { source: ['shop'], $or: [{ 'detail-type': ['a'] }, { detail: { x: ['1'] } }] },
      exact: true,
    });
  });

  it('pushes nothing past the 2,048-character quota, nothing for no filter, and rejects an invalid one', () => {
    expect(eb({ type: ['x'.repeat(2030)] })).toBeUndefined();
    expect(toEventPattern(undefined)).toBeUndefined();
    let error: unknown;
    try {
      eb({ source: 'shop' });
    } catch (e) {
      error = e;
    }
    expect(isTriggerError(error) && error.code).toBe('E_RULE_INVALID');
  });

  it('pushes an alibaba filter as aws matchers that accept at least as much', () => {
    const pushed = toEventPattern(
      {
        type: ['5'],
        data: { n: [{ numeric: ['>=', 1, '<=', 10] }], s: [{ contains: 'e*r' }], gone: [{ exists: false }] },
      },
      'alibaba',
    );
    expect(pushed).toEqual({
      value: {
        'detail-type': ['5', 5],
        detail: { n: [{ numeric: ['>=', 1 - 1e-7, '<=', 10 + 1e-7] }], s: [{ wildcard: '*e\\*r*' }] },
      },
      exact: false,
    });
    expect(toEventPattern({ data: { v: [{ 'anything-but': ['a', 1, null] }] } }, 'alibaba')?.value).toEqual({
      detail: { v: [{ 'anything-but': ['a'] }] },
    });
    expect(toEventPattern({ data: { ip: [{ cidr: '10.0.0.5' }] } }, 'alibaba')).toBeUndefined();
    expect(toEventPattern({}, 'alibaba')).toBeUndefined();
  });
});

describe('toFilterPatterns: SQS', () => {
  it('filters each kind of body where it keeps the payload, and passes SNS and S3 notifications whole', () => {
    expect(sqs({ data: { status: ['paid'] } })).toEqual({
      value: [
        { body: { status: ['paid'] } },
        { body: { data: { status: ['paid'] } } },
        { body: { detail: { status: ['paid'] } } },
        SNS,
        S3,
      ],
      exact: false,
    });
  });

  it('skips the shapes whose events the filter cannot match', () => {
    expect(sqs({ source: ['shop'], type: ['order.created'], data: { total: [5] } })?.value).toEqual([
      { body: { source: ['shop'], type: ['order.created'], data: { total: [{ numeric: ['=', 5] }] } } },
      {
        body: {
          source: ['shop'],
          'detail-type': ['order.created'],
          detail: { total: [{ numeric: ['=', 5] }] },
        },
      },
      SNS,
    ]);
  });

  it('pushes nothing when the filter could match a text body (Lambda drops those once a pattern reads `body`)', () => {
    expect(sqs({ data: { coupon: [{ exists: false }] } })).toBeUndefined();
    expect(sqs({ source: ['arn:aws:sqs:eu-west-1:123456789012:orders'] })).toBeUndefined();
    expect(sqs({ specversion: ['0.3'] })).toBeUndefined();
  });

  it('uses Lambda operators only: numbers as `numeric =`, no wildcard, cidr or anything-but forms', () => {
    const json = (leaf: unknown[]) => sqs({ data: { v: leaf } })?.value[0];
    expect(json([7, { suffix: '.png' }, { 'anything-but': 'x' }])).toEqual({
      body: { v: [{ numeric: ['=', 7] }, { suffix: '.png' }, { 'anything-but': ['x'] }] },
    });
    for (const leaf of [
      [{ wildcard: '*.png' }],
      [{ cidr: '10.0.0.0/8' }],
      [{ 'anything-but': { prefix: 'a' } }],
    ])
      expect(sqs({ data: { v: leaf } })).toBeUndefined();
  });

  it('splits `$or` into patterns, and merges them (per shape) past the mapping limit', () => {
    const filter = { data: { status: ['paid'], $or: [{ total: [1] }, { currency: ['EUR'] }] } };
    expect(sqs(filter, 10)?.value).toHaveLength(8);
    expect(sqs(filter)?.value).toEqual([
      { body: { status: ['paid'] } },
      { body: { data: { status: ['paid'] } } },
      { body: { detail: { status: ['paid'] } } },
      SNS,
      S3,
    ]);
    expect(sqs(filter, 4)).toBeUndefined();
  });

  it('never tests `exists: false` on an attribute a body may hold as null (the normalizer unsets it)', () => {
    const filter = { type: ['order.created'], subject: [{ exists: false }], data: { total: ['1'] } };
    const body = {
      specversion: '1.0',
      id: '1',
      source: '/shop',
      type: 'order.created',
      subject: null,
      data: { total: '1' },
    };
    const record = {
      ...fixture<{ Records: Record<string, unknown>[] }>('sqs/cloudevent-body.json').Records[0],
      body: JSON.stringify(body),
    };
    expect(toCloudEvents({ Records: [record] }).items[0]?.event.subject).toBeUndefined();
    expect(filterPatternsMatch(sqs(filter)?.value ?? [], record, 'aws:sqs')).toBe(true);
  });
});

describe('toFilterPatterns: DynamoDB and Kinesis', () => {
  const dynamodb = (filter: Record<string, unknown>) => toFilterPatterns(filter, 'aws:dynamodb');

  it('pushes `type` and `data.op` as `eventName`', () => {
    expect(dynamodb({ type: ['com.amazonaws.dynamodb.insert'] })).toEqual({
      value: [{ eventName: ['INSERT'] }],
      exact: true,
    });
    expect(dynamodb({ data: { op: ['d'] } })).toEqual({ value: [{ eventName: ['REMOVE'] }], exact: true });
    expect(dynamodb({ type: [{ prefix: 'com.amazonaws.dynamodb.' }] })).toBeUndefined();
    expect(dynamodb({ type: ['com.shop.order'] })).toBeUndefined();
    expect(
      dynamodb({ type: [{ 'anything-but': 'com.amazonaws.dynamodb.remove' }], data: { op: ['u'] } }),
    ).toEqual({
      value: [{ eventName: ['INSERT', 'MODIFY'] }],
      exact: false,
    });
  });

  it('does not push conditions on the typed images', () => {
    expect(dynamodb({ data: { after: { status: ['paid'] } } })).toBeUndefined();
    expect(
      dynamodb({ type: ['com.amazonaws.dynamodb.modify'], data: { after: { status: ['paid'] } } }),
    ).toEqual({
      value: [{ eventName: ['MODIFY'] }],
      exact: false,
    });
  });

  it('needs the promise of plain JSON records for Kinesis: Lambda drops a KPL aggregate whose sub-records match', () => {
    const aggregate = fixture<{ Records: unknown[] }>('kinesis/kpl-aggregated.json').Records[0];
    const filter = { data: { deviceId: ['device-1'] } };
    const [subRecord] = toCloudEvents({ Records: [aggregate] }).items;
    expect(subRecord?.event.data).toMatchObject({ deviceId: 'device-1' });
    const promised = toFilterPatterns(filter, 'aws:kinesis', 'aws', { jsonRecords: true });
    expect(filterPatternsMatch(promised?.value ?? [], aggregate, 'aws:kinesis')).toBe(false);
    expect(toFilterPatterns(filter, 'aws:kinesis')).toBeUndefined();
  });

  it('pushes to Kinesis only records promised to be plain JSON', () => {
    const filter = { data: { order: { type: ['buy'] } } };
    expect(toFilterPatterns(filter, 'aws:kinesis')).toBeUndefined();
    expect(toFilterPatterns(filter, 'aws:kinesis', 'aws', { jsonRecords: true })).toEqual({
      value: [{ data: { order: { type: ['buy'] } } }, { data: { eventSource: ['aws:dynamodb'] } }],
      exact: false,
    });
    expect(
      toFilterPatterns({ type: ['com.amazonaws.dynamodb.insert'] }, 'aws:kinesis', 'aws', {
        jsonRecords: true,
      })?.value,
    ).toEqual([{ data: { eventName: ['INSERT'], eventSource: ['aws:dynamodb'] } }]);
  });
});

describe('evaluating a condition on a partly known string', () => {
  it('rules out only what no string with that prefix can satisfy', () => {
    expect(mayAcceptPrefixed(['order.created', 5, { numeric: ['>', 0] }], 'com.amazonaws.s3.')).toBe(false);
    expect(mayAcceptPrefixed([{ prefix: 'com.amazonaws' }], 'com.amazonaws.s3.')).toBe(true);
    expect(mayAcceptPrefixed([{ exists: false }], '')).toBe(false);
    // Any text at all could be an IP address.
    expect(mayAcceptPrefixed([{ cidr: '10.0.0.0/8' }], '')).toBe(true);
    expect(mayAcceptPrefixed([{ cidr: '10.0.0.0/8' }], 'aws:s3.')).toBe(false);
  });
});

describe('the platform models', () => {
  it('read an SQS body and Kinesis data as JSON, and fail a pattern on a payload that is not', () => {
    const text = { body: 'hello', messageId: '1' };
    expect(filterPatternsMatch([{ body: { a: [{ exists: false }] } }], text, 'aws:sqs')).toBe(false);
    expect(filterPatternsMatch([{ messageId: ['1'] }], text, 'aws:sqs')).toBe(true);
    const record = { kinesis: { data: Buffer.from('{"a":1}').toString('base64') } };
    expect(filterPatternsMatch([{ data: { a: [1] } }], record, 'aws:kinesis')).toBe(true);
  });

  it('match an EventPattern as written: `detail` is the envelope field, not the CloudEvent `data`', () => {
    expect(eventPatternMatches({ detail: { a: ['1'] } }, { detail: { a: '1' } })).toBe(true);
    expect(eventPatternMatches({ detail: { a: ['1'] } }, { data: { a: '1' } })).toBe(false);
  });
});
