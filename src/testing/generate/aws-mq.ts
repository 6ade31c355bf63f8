/**
 * Amazon MQ as Lambda delivers it: an ActiveMQ batch (`messages`) or a RabbitMQ batch
 * (`rmqMessagesByQueue`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-mq.html
 */
import { base64, type CommonOptions, type Ids, MONTHS, payloadText } from './kit.js';

export interface MqOptions extends CommonOptions {
  /** Default `activemq`. */
  readonly broker?: 'activemq' | 'rabbitmq';
  /** The queue (ActiveMQ destination, RabbitMQ queue); default `queue`. */
  readonly queue?: string;
  /** RabbitMQ virtual host; default `/`. */
  readonly vhost?: string;
}

export function mqEvent(items: readonly unknown[], o: MqOptions, ids: Ids) {
  const rabbit = o.broker === 'rabbitmq';
  const name = rabbit ? 'rabbit' : 'broker';
  const brokerId = `b-${ids.uuid('broker', 0)}`;
  const eventSourceArn = `arn:aws:mq:${o.region ?? 'us-east-1'}:${o.account ?? '000000000000'}:broker:${name}:${brokerId}`;
  const queue = o.queue ?? 'queue';
  if (rabbit) {
    return {
      eventSource: 'aws:rmq',
      eventSourceArn,
      rmqMessagesByQueue: { [`${queue}::${o.vhost ?? '/'}`]: items.map((d, i) => rabbitMessage(d, i, ids)) },
    };
  }
  const host = `${brokerId}-1.mq.${o.region ?? 'us-east-1'}.amazonaws.com`;
  return {
    eventSource: 'aws:mq',
    eventSourceArn,
    messages: items.map((data, i) => ({
      messageID: `ID:${host}-37557-${ids.time}-4:1:1:1:${i + 1}`,
      messageType: 'jms/text-message',
      deliveryMode: 1,
      replyTo: null,
      type: null,
      expiration: '60000',
      priority: 1,
      correlationId: null,
      redelivered: false,
      destination: { physicalName: queue },
      data: base64(payloadText(data)),
      timestamp: ids.time,
      brokerInTime: ids.time,
      brokerOutTime: ids.time,
      properties: {},
    })),
  };
}

function rabbitMessage(data: unknown, i: number, ids: Ids) {
  const text = payloadText(data);
  return {
    basicProperties: {
      contentType: typeof data === 'string' ? 'text/plain' : 'application/json',
      contentEncoding: null,
      headers: {},
      deliveryMode: 2,
      priority: 0,
      correlationId: null,
      replyTo: null,
      expiration: null,
      messageId: ids.uuid('message', i),
      timestamp: rabbitTime(ids.time),
      type: null,
      userId: 'AIDAEXAMPLETRIGGERKIT',
      appId: null,
      clusterId: null,
      bodySize: Buffer.byteLength(text),
    },
    redelivered: false,
    data: base64(text),
  };
}

/** `Nov 23, 2025, 1:01:40 PM` (UTC), as Lambda formats `basicProperties.timestamp`. */
function rabbitTime(ms: number): string {
  const d = new Date(ms);
  const hour = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${hour % 12 || 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${hour < 12 ? 'AM' : 'PM'}`;
}
