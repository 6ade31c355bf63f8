import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { sourceOf } from '../index.js';
import { alibabaCloudEvent } from './eventbridge.js';
import { isAlibabaCloudEvent } from './eventbridge-detect.js';

const cloudEvents = sourceOf('cloudevents');
const alibabaEventBridge = sourceOf('alibaba:eventbridge');

type Json = Record<string, unknown>;

const FIXTURES = [
  'alibaba-eventbridge/oss-object-created.json',
  'alibaba-eventbridge/mns-queue-batch.json',
  'alibaba-eventbridge/sls-connector.json',
  'alibaba-eventbridge/custom-string-data.json',
  'rocketmq/eventbridge-message.json',
  'rocketmq/eventbridge-binary-cloudevent.json',
  'dts/fc-trigger-batch.json',
  'dts/insert-via-event-bus.json',
  'dts/ddl.json',
];

describe('Alibaba EventBridge: detection', () => {
  it.each(FIXTURES)(
    '%s is an Alibaba EventBridge CloudEvent (which the generic source would also take)',
    (name) => {
      const raw = fixture(name);
      expect(alibabaEventBridge.detect(raw)).toBe(true);
      // Why this source must come first: the generic structured-CloudEvent source claims these too.
      expect(cloudEvents.detect(raw)).toBe(true);
    },
  );

  it('a CloudEvent without aliyun* extensions (and not DTS) is left to the generic source', () => {
    const plain = { specversion: '1.0', id: '1', source: '/s', type: 't', data: {} };
    expect(isAlibabaCloudEvent(plain)).toBe(false);
    expect(alibabaEventBridge.detect([plain])).toBe(false);
    expect(alibabaEventBridge.detect({ aliyunregionid: 'cn-hangzhou' })).toBe(false);
  });
});

describe('Alibaba EventBridge: events are kept as they are', () => {
  it('an OSS event: every attribute and aliyun* extension unchanged, ref = id', () => {
    const raw = fixture('alibaba-eventbridge/oss-object-created.json');
    const batch = alibabaEventBridge.normalize(raw, {});
    expect(batch).toMatchObject({ source: 'alibaba:eventbridge', reply: 'throw' });
    expect(batch.items).toStrictEqual([{ event: { ...raw }, ref: '69B1C2D3E4F5061728394A0A8' }]);
  });

  it('a Function Compute batch (JSON array) gives one item per event, in order', () => {
    const raw = fixture<Json[]>('alibaba-eventbridge/mns-queue-batch.json');
    const { items } = alibabaEventBridge.normalize(raw, {});
    expect(items.map((item) => item.ref)).toEqual(raw.map((event) => event.id));
    expect(items[0]?.event).toMatchObject({
      type: 'mns:Queue:SendMessage',
      aliyunpublishaddr: '42.120.75.12',
    });
  });

  it('an SLS connector event and a RocketMQ message without CE_ properties pass through', () => {
    for (const name of ['alibaba-eventbridge/sls-connector.json', 'rocketmq/eventbridge-message.json']) {
      const raw = fixture(name);
      expect(alibabaEventBridge.normalize(raw, {}).items[0]?.event).toStrictEqual(raw);
    }
  });
});

describe('Alibaba EventBridge: where Alibaba bends the format', () => {
  const raw = fixture('alibaba-eventbridge/custom-string-data.json');
  const event = alibabaCloudEvent(raw, 'event');

  it('data sent as a JSON string with a JSON content type is parsed', () => {
    expect(event.data).toEqual({ orderId: 'ord-1001', refund: 129.9 });
  });

  it('a time that is not RFC 3339 moves to aliyunoriginaltime; aliyunpublishtime stays as sent', () => {
    expect('time' in event).toBe(false);
    expect(event.aliyunoriginaltime).toBe('2025-11-23T20:13:20.149Asia/Shanghai');
    expect(event.aliyunpublishtime).toBe('2025-11-23T20:13:20.179PRC');
    expect(cloudEventProblems(event)).toEqual([]);
  });

  it('aliyun* values that are no valid extension values become strings', () => {
    const odd = alibabaCloudEvent(
      { ...raw, aliyunpublishtime: 1763900000179, aliyuntags: { a: 1 } },
      'event',
    );
    expect([odd.aliyunpublishtime, odd.aliyuntags]).toEqual(['1763900000179', '{"a":1}']);
  });

  it('data that is text with a text content type stays text', () => {
    const text = alibabaCloudEvent({ ...raw, datacontenttype: 'text/plain', data: '{"a":1}' }, 'event');
    expect(text.data).toBe('{"a":1}');
  });
});

describe('Alibaba EventBridge: RocketMQ messages carrying CloudEvents', () => {
  const raw = fixture<Json[]>('rocketmq/eventbridge-binary-cloudevent.json');
  const { items } = alibabaEventBridge.normalize(raw, {});

  it('binary mode: the CE_ user properties are the event, the body its data', () => {
    expect(items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4',
      source: '/shop/orders',
      type: 'com.shop.order.created',
      time: '2025-11-23T12:13:59Z',
      subject: 'ord-1002',
      tenant: 'acme',
      rocketmqmsgid: 'AC14C305069E1B28CDFA3181CDA20002',
      datacontenttype: 'application/json',
      data: { orderId: 'ord-1002', total: 42 },
    });
    expect(items[0]?.ref).toBe('b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4');
  });

  it('structured mode: the body is the event', () => {
    expect(items[1]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'c1d2e3f4-0003',
      source: '/shop/orders',
      type: 'com.shop.order.cancelled',
      datacontenttype: 'application/json',
      data: { orderId: 'ord-1003' },
      rocketmqmsgid: 'AC14C305069E1B28CDFA3181CDA20003',
    });
  });
});

describe('Alibaba EventBridge: bad entries', () => {
  it('in a batch, an invalid entry is rejected by position; the others are kept', () => {
    const raw = fixture<Json[]>('alibaba-eventbridge/mns-queue-batch.json');
    const broken = [raw[0], { ...raw[1], type: '' }, null];
    const batch = alibabaEventBridge.normalize(broken, {});
    expect(batch.items).toHaveLength(1);
    expect(batch.rejected?.map((r) => [r.index, r.ref, r.error.code])).toEqual([
      [1, 'd2g71017-6f65-fhcf-a814-a396fc8d0002', 'E_SOURCE_INVALID'],
      [2, '[2]', 'E_SOURCE_INVALID'],
    ]);
    expect(batch.rejected?.[0]?.error.message).toMatch(/^\[1\] is not a valid CloudEvent 1\.0/);
  });

  it('a single invalid event is an error for the whole invocation', () => {
    const raw = { ...fixture('alibaba-eventbridge/sls-connector.json'), id: '' };
    expect(() => alibabaEventBridge.normalize(raw, {})).toThrow(/CloudEvent is not a valid CloudEvent 1\.0/);
  });
});

describe('Alibaba EventBridge: purity and validity', () => {
  it.each(FIXTURES)('%s: valid frozen events, stable ids, input untouched', (name) => {
    const raw = fixture(name);
    const first = alibabaEventBridge.normalize(raw, {});
    expect(alibabaEventBridge.normalize(raw, {})).toStrictEqual(first);
    expect(raw).toStrictEqual(fixture(name));
    for (const item of first.items) {
      expect(cloudEventProblems(item.event)).toEqual([]);
      expect(Object.isFrozen(item.event)).toBe(true);
    }
  });
});
