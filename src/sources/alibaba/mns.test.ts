import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { sourceOf } from '../index.js';
import { MNS_TOPIC_MESSAGE_TYPE } from './mns.js';

const alibabaMnsTopic = sourceOf('alibaba:mns');

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('Alibaba MNS topic trigger', () => {
  it('JSON format: id = MessageId, source = the topic, time = PublishTime, JSON message parsed', () => {
    const raw = fixture('mns/json-format.json');
    expect(alibabaMnsTopic.detect(raw)).toBe(true);
    expect(alibabaMnsTopic.normalize(raw, {}).items[0]).toStrictEqual({
      ref: '2F5B3C082B923D4EAC694B76D9280001',
      event: {
        specversion: '1.0',
        id: '2F5B3C082B923D4EAC694B76D9280001',
        source: 'acs:mns::1186202104330001:topics/order-events',
        subject: 'orders-to-fc',
        time: '2025-11-23T12:13:20.000Z',
        mnsmessagemd5: 'BA4BA9B48AC81F0F9C66F6C909C30001',
        type: MNS_TOPIC_MESSAGE_TYPE,
        datacontenttype: 'application/json',
        data: { orderId: 'ord-1001', status: 'shipped' },
      },
    });
  });

  it('JSON format with message attributes: text body, attributes kept as one JSON extension', () => {
    const { items } = alibabaMnsTopic.normalize(fixture('mns/json-format-with-attributes.json'), {});
    expect(items[0]?.event).toMatchObject({
      datacontenttype: 'text/plain',
      data: 'low stock: mug-blue',
      mnsattributes: JSON.stringify({ Extend: '{"priority":"high"}' }),
    });
  });

  it('PublishTime as a digit string (the HTTP push shape) is read too', () => {
    const raw = { ...fixture('mns/json-format.json'), PublishTime: '1763900000000' };
    expect(alibabaMnsTopic.normalize(raw, {}).items[0]?.event.time).toBe('2025-11-23T12:13:20.000Z');
  });

  it('STREAM format with attributes: a content digest is the id (the format carries none)', () => {
    const raw = fixture('mns/stream-with-attributes.json');
    expect(alibabaMnsTopic.detect(raw)).toBe(true);
    const event = alibabaMnsTopic.normalize(raw, {}).items[0]?.event;
    expect(event).toMatchObject({
      source: 'acs.mns',
      type: MNS_TOPIC_MESSAGE_TYPE,
      data: 'low stock: mug-blue',
    });
    expect(event?.id).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(alibabaMnsTopic.detect({ body: 'x', attrs: {}, other: 1 })).toBe(false);
  });

  it('a JSON-format message without a MessageId is E_SOURCE_INVALID', () => {
    const raw = fixture('mns/json-format.json');
    delete raw.MessageId;
    expect(thrown(() => alibabaMnsTopic.normalize(raw, {})).message).toMatch(
      /^MNS topic message needs a `MessageId`/,
    );
  });
});

describe('alibabaMnsTopic: every event is a valid CloudEvent, ids are stable, the input untouched', () => {
  it.each([
    'mns/json-format.json',
    'mns/json-format-with-attributes.json',
    'mns/stream-with-attributes.json',
  ])('%s', (name) => {
    const raw = fixture(name);
    const first = alibabaMnsTopic.normalize(raw, {});
    expect(alibabaMnsTopic.normalize(raw, {})).toStrictEqual(first);
    expect(raw).toStrictEqual(fixture(name));
    for (const item of first.items) {
      expect(cloudEventProblems(item.event)).toEqual([]);
      expect(Object.isFrozen(item.event)).toBe(true);
    }
  });
});
