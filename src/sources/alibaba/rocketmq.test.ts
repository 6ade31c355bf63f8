import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { sourceOf } from '../index.js';
import { ROCKETMQ_MESSAGE_TYPE } from './rocketmq.js';

const apacheRocketMq = sourceOf('rocketmq');

type Json = Record<string, unknown>;

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('Self-managed Apache RocketMQ trigger', () => {
  const raw = fixture<Json[]>('rocketmq/apache-rocketmq-batch.json');

  it('one event per message: id = msgId, source = cluster and topic, JSON bodies parsed', () => {
    expect(apacheRocketMq.detect(raw)).toBe(true);
    const { items, reply } = apacheRocketMq.normalize(raw, {});
    expect(reply).toBe('throw');
    expect(items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: '7F0000010BDD2A84AEE70DA49B570001',
      source: 'rocketmq://DefaultCluster/orders',
      type: ROCKETMQ_MESSAGE_TYPE,
      time: '2025-11-23T12:13:20.000Z',
      datacontenttype: 'application/json',
      rocketmqtags: 'created',
      rocketmqkeys: 'ord-1001',
      data: { orderId: 'ord-1001', total: 129.9 },
    });
    expect(items[1]?.event).toMatchObject({ datacontenttype: 'text/plain', data: 'Hello RocketMQ' });
  });

  it('a message carrying a binary-mode CloudEvent (CE_ user properties) gives that event', () => {
    const message = {
      ...raw[0],
      userProperties: {
        CE_specversion: '1.0',
        CE_id: 'evt-9',
        CE_source: '/shop',
        CE_type: 'com.shop.ping',
        CE_contenttype: 'text/plain',
      },
      body: 'ping',
    };
    expect(apacheRocketMq.normalize([message], {}).items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'evt-9',
      source: '/shop',
      type: 'com.shop.ping',
      rocketmqmsgid: '7F0000010BDD2A84AEE70DA49B570001',
      datacontenttype: 'text/plain',
      data: 'ping',
    });
  });

  it('a structured-mode body that is not JSON rejects only its message', () => {
    const message = {
      ...raw[0],
      userProperties: { CE_contenttype: 'application/cloudevents+json' },
      body: 'nope',
    };
    const { items, rejected } = apacheRocketMq.normalize([message, raw[1]], {});
    expect(items).toHaveLength(1);
    expect(rejected?.[0]?.error.message).toBe(
      '[0].body is not JSON, but CE_contenttype says it is a structured CloudEvent.',
    );
  });

  it('a binary-mode message missing CE_type is an invalid CloudEvent, rejected as E_SOURCE_INVALID', () => {
    const message = { ...raw[0], userProperties: { CE_specversion: '1.0', CE_id: 'x', CE_source: '/s' } };
    const rejected = apacheRocketMq.normalize([message], {}).rejected?.[0];
    expect(rejected?.error.code).toBe('E_SOURCE_INVALID');
    expect(rejected?.error.message).toContain(
      '[0].userProperties is not a valid CloudEvent 1.0: `type` is required',
    );
    expect(
      thrown(() => {
        throw rejected?.error;
      }).code,
    ).toBe('E_SOURCE_INVALID');
  });
});

describe('apacheRocketMq: every event is a valid CloudEvent, ids are stable, the input untouched', () => {
  it.each(['rocketmq/apache-rocketmq-batch.json'])('%s', (name) => {
    const raw = fixture(name);
    const first = apacheRocketMq.normalize(raw, {});
    expect(apacheRocketMq.normalize(raw, {})).toStrictEqual(first);
    expect(raw).toStrictEqual(fixture(name));
    for (const item of first.items) {
      expect(cloudEventProblems(item.event)).toEqual([]);
      expect(Object.isFrozen(item.event)).toBe(true);
    }
  });
});
