import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { sourceOf, toCloudEvents } from '../index.js';
import type { Batch } from '../types.js';
import { ACTIVEMQ_MESSAGE_TYPE, RABBITMQ_MESSAGE_TYPE } from './mq.js';

const mq = sourceOf('aws:mq');

const normalize = (raw: unknown): Batch => {
  const batch = mq.normalize(raw, {});
  for (const item of batch.items) expect(cloudEventProblems(item.event)).toEqual([]);
  return batch;
};

describe('Amazon MQ: ActiveMQ', () => {
  it.each(['activemq.json', 'activemq-amq.json'])(
    '%s is detected by shape, whatever the eventSource',
    (name) => {
      const raw = fixture(`mq/${name}`);
      expect(mq.detect(raw)).toBe(true);
      expect(toCloudEvents(raw)).toMatchObject({ source: 'aws:mq', reply: 'throw' });
    },
  );

  it('both eventSource spellings give the same events', () => {
    expect(normalize(fixture('mq/activemq-amq.json'))).toStrictEqual(normalize(fixture('mq/activemq.json')));
  });

  const { items } = normalize(fixture('mq/activemq.json'));

  it('maps id = messageID, source = broker ARN/queue, time, data, correlation and properties', () => {
    expect(items[0]?.ref).toBe(items[0]?.event.id);
    expect(items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'ID:b-9bcfa592-423a-4942-879d-eb284b418fc8-1.mq.eu-west-1.amazonaws.com-37557-1763902900000-4:1:1:1:1',
      source:
        'arn:aws:mq:eu-west-1:210987654321:broker:shop-broker:b-9bcfa592-423a-4942-879d-eb284b418fc8/shop.orders',
      type: ACTIVEMQ_MESSAGE_TYPE,
      time: '2025-11-23T13:01:40.125Z',
      datacontenttype: 'application/json',
      data: { orderId: 'ord-7001', total: 55 },
      correlationid: 'checkout-7781',
      redelivered: false,
      mqproptenant: 'acme',
      mqpropprioritylane: 'express',
    });
  });

  it('a bytes message that is not text stays base64', () => {
    expect(items[1]?.event).toMatchObject({
      datacontenttype: 'application/octet-stream',
      data_base64: 'AQID/v8=',
      redelivered: true,
    });
  });

  it('a message without messageID is rejected; the others still run', () => {
    const raw = fixture('mq/activemq.json') as { messages: Array<Record<string, unknown>> };
    const [first, second] = raw.messages;
    const batch = normalize({ ...raw, messages: [first, { ...second, messageID: '' }] });
    expect(batch.items).toHaveLength(1);
    expect(batch.rejected?.map((r) => [r.index, r.ref, r.error.path])).toEqual([
      [1, 'messages[1]', 'messages[1]'],
    ]);
  });
});

describe('Amazon MQ: RabbitMQ', () => {
  const raw = fixture('mq/rabbitmq.json');
  const { items } = normalize(raw);

  it('maps id = messageId, source = broker ARN/vhost/queue, time from the formatted timestamp', () => {
    expect(items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'inv-9001-issued',
      source:
        'arn:aws:mq:eu-west-1:210987654321:broker:shop-rabbit:b-5f2c1a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b/%2F/invoices',
      type: RABBITMQ_MESSAGE_TYPE,
      time: '2025-11-23T13:01:40.000Z',
      datacontenttype: 'application/json',
      data: { invoiceId: 'inv-9001', amount: 129.9 },
      correlationid: 'inv-9001',
      redelivered: false,
      mqtype: 'invoice.issued',
      mqhdrtenant: 'acme',
      mqhdrattempt: '2',
      mqhdrxorigin: 'Zoë',
    });
  });

  it('without a messageId the id is a digest of the message: stable across runs and redeliveries', () => {
    expect(items[1]?.event.id).toMatch(/^rmq-[0-9a-f]{32}$/);
    expect(normalize(raw).items[1]?.event.id).toBe(items[1]?.event.id);
    const queue =
      (raw.rmqMessagesByQueue as Record<string, Array<Record<string, unknown>>>)['invoices::/'] ?? [];
    const redelivered = {
      ...raw,
      rmqMessagesByQueue: { 'invoices::/': [{ ...queue[1], redelivered: true }] },
    };
    expect(normalize(redelivered).items[0]?.event.id).toBe(items[1]?.event.id);
  });

  it('content type text/plain gives text data', () => {
    expect(items[1]?.event).toMatchObject({ datacontenttype: 'text/plain', data: 'invoice run done.' });
  });

  it.each([
    ['Nov 23, 2025, 1:01:40 PM', '2025-11-23T13:01:40.000Z'],
    ['Jan 1, 1970, 12:33:41 AM', '1970-01-01T00:33:41.000Z'],
    ['Dec 31, 2025, 12:00:00 PM', '2025-12-31T12:00:00.000Z'],
    ['Feb 30, 2025, 1:00:00 AM', undefined],
    ['2025-11-23T13:01:40Z', undefined],
  ])('timestamp %s → time %s', (timestamp, time) => {
    const queue =
      (raw.rmqMessagesByQueue as Record<string, Array<Record<string, unknown>>>)['invoices::/'] ?? [];
    const message = queue[0] ?? {};
    const properties = { ...(message.basicProperties as object), timestamp };
    const changed = { ...raw, rmqMessagesByQueue: { 'q::v': [{ ...message, basicProperties: properties }] } };
    expect(normalize(changed).items[0]?.event.time).toBe(time);
  });
});

describe('Amazon MQ: a batch without its broker ARN', () => {
  it.each(['activemq.json', 'rabbitmq.json'])('%s without eventSourceArn names the field', (name) => {
    const raw = fixture(`mq/${name}`);
    delete raw.eventSourceArn;
    expect(() => toCloudEvents(raw)).toThrow(/Amazon MQ batch has no `eventSourceArn`/);
  });
});
