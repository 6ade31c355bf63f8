/**
 * Message sources of AWS as Lambda delivers them: an SQS batch, an SNS notification, an Amazon MQ batch
 * (ActiveMQ or RabbitMQ).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-mq.html
 */
import { base64, type CommonOptions, type Ids, iso, md5, payloadText } from './kit.js';

export interface SqsOptions extends CommonOptions {
  /** Default `queue`; a name ending in `.fifo` gives FIFO records (group, deduplication, sequence). */
  readonly queue?: string;
  /** FIFO message group; default `default`. */
  readonly groupId?: string;
}

export function sqsEvent(items: readonly unknown[], o: SqsOptions, ids: Ids) {
  const queue = o.queue ?? 'queue';
  const region = o.region ?? 'us-east-1';
  const sent = String(ids.time);
  return {
    Records: items.map((data, i) => {
      const body = payloadText(data);
      return {
        messageId: ids.uuid('message', i),
        receiptHandle: `AQEB${ids.hex('receipt', i, 40)}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: sent,
          SenderId: 'AIDAEXAMPLETRIGGERKIT',
          ApproximateFirstReceiveTimestamp: sent,
          ...(queue.endsWith('.fifo') && {
            SequenceNumber: ids.digits('sequence', i, 20),
            MessageGroupId: o.groupId ?? 'default',
            MessageDeduplicationId: md5(body),
          }),
        },
        messageAttributes: {},
        md5OfBody: md5(body),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${region}:${o.account ?? '000000000000'}:${queue}`,
        awsRegion: region,
      };
    }),
  };
}

export interface SnsOptions extends CommonOptions {
  /** Default `topic`. */
  readonly topic?: string;
  readonly subject?: string;
}

/** SNS invokes a function once per message: one record. */
export function snsEvent(items: readonly unknown[], o: SnsOptions, ids: Ids) {
  const region = o.region ?? 'us-east-1';
  const topicArn = `arn:aws:sns:${region}:${o.account ?? '000000000000'}:${o.topic ?? 'topic'}`;
  return {
    Records: items.map((data, i) => ({
      EventVersion: '1.0',
      EventSubscriptionArn: `${topicArn}:${ids.uuid('subscription', 0)}`,
      EventSource: 'aws:sns',
      Sns: {
        SignatureVersion: '1',
        Timestamp: iso(ids.time),
        // Lambda does not check it, and a local event has no SNS key to sign with.
        Signature: base64(`unsigned ${ids.hex('signature', i)}`),
        SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-unsigned.pem`,
        MessageId: ids.uuid('message', i),
        Message: payloadText(data),
        MessageAttributes: {},
        Type: 'Notification',
        UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}`,
        TopicArn: topicArn,
        Subject: o.subject ?? null,
      },
    })),
  };
}

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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Nov 23, 2025, 1:01:40 PM` (UTC), as Lambda formats `basicProperties.timestamp`. */
function rabbitTime(ms: number): string {
  const d = new Date(ms);
  const hour = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${hour % 12 || 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${hour < 12 ? 'AM' : 'PM'}`;
}
