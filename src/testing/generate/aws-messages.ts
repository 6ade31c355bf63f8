/**
 * Message sources of AWS as Lambda delivers them: an SQS batch, an SNS notification; and the SNS message
 * as SNS writes it into an SQS body or an HTTP request (`snsMessage`), for the SNS → SQS chain.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
 */
import { base64, type CommonOptions, type Ids, iso, md5, payloadText } from './kit.js';

/** Message attributes: a string is a `String`, a number a `Number`, bytes a `Binary` attribute. */
export type MessageAttributes = Readonly<Record<string, string | number | Uint8Array>>;

export interface SqsOptions extends CommonOptions {
  /** Default `queue`; a name ending in `.fifo` gives FIFO records (group, deduplication, sequence). */
  readonly queue?: string;
  /** FIFO message group; default `default`. */
  readonly groupId?: string;
  /** Every record's message attributes. */
  readonly attributes?: MessageAttributes;
}

export function sqsEvent(items: readonly unknown[], o: SqsOptions, ids: Ids) {
  const queue = o.queue ?? 'queue';
  const region = o.region ?? 'us-east-1';
  const sent = String(ids.time);
  const messageAttributes = Object.fromEntries(
    Object.entries(o.attributes ?? {}).map(([name, value]) => [name, sqsAttribute(value)]),
  );
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
        messageAttributes,
        md5OfBody: md5(body),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${region}:${o.account ?? '000000000000'}:${queue}`,
        awsRegion: region,
      };
    }),
  };
}

function sqsAttribute(value: string | number | Uint8Array) {
  const lists = { stringListValues: [], binaryListValues: [] };
  if (typeof value === 'string') return { stringValue: value, ...lists, dataType: 'String' };
  if (typeof value === 'number') return { stringValue: String(value), ...lists, dataType: 'Number' };
  return { binaryValue: Buffer.from(value).toString('base64'), ...lists, dataType: 'Binary' };
}

function snsAttributes(attributes: MessageAttributes | undefined) {
  return Object.fromEntries(
    Object.entries(attributes ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? { Type: 'String', Value: value }
        : typeof value === 'number'
          ? { Type: 'Number', Value: String(value) }
          : { Type: 'Binary', Value: Buffer.from(value).toString('base64') },
    ]),
  );
}

export interface SnsOptions extends CommonOptions {
  /** Default `topic`. */
  readonly topic?: string;
  readonly subject?: string;
  /** Every message's attributes. */
  readonly attributes?: MessageAttributes;
}

/** What the two SNS formats share, for message `i`. */
function notification(data: unknown, i: number, o: SnsOptions, ids: Ids) {
  const region = o.region ?? 'us-east-1';
  const topicArn = `arn:aws:sns:${region}:${o.account ?? '000000000000'}:${o.topic ?? 'topic'}`;
  return {
    region,
    topicArn,
    messageId: ids.uuid('message', i),
    message: payloadText(data),
    // Lambda does not check it, and a local event has no SNS key to sign with.
    signature: base64(`unsigned ${ids.hex('signature', i)}`),
    certificate: `https://sns.${region}.amazonaws.com/SimpleNotificationService-unsigned.pem`,
    unsubscribe: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${ids.uuid('subscription', 0)}`,
  };
}

/** SNS invokes a function once per message: one record. */
export function snsEvent(items: readonly unknown[], o: SnsOptions, ids: Ids) {
  return {
    Records: items.map((data, i) => {
      const n = notification(data, i, o, ids);
      return {
        EventVersion: '1.0',
        EventSubscriptionArn: `${n.topicArn}:${ids.uuid('subscription', 0)}`,
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: iso(ids.time),
          Signature: n.signature,
          SigningCertUrl: n.certificate,
          MessageId: n.messageId,
          Message: n.message,
          MessageAttributes: snsAttributes(o.attributes),
          Type: 'Notification',
          UnsubscribeUrl: n.unsubscribe,
          TopicArn: n.topicArn,
          Subject: o.subject ?? null,
        },
      };
    }),
  };
}

/**
 * The message as SNS writes it into an SQS queue's message body (without raw message delivery) or an
 * HTTP(S) request: `SigningCertURL` and `UnsubscribeURL` spelled so, `Subject` and `MessageAttributes`
 * only when set. The first item is the message.
 */
export function snsMessage(items: readonly unknown[], o: SnsOptions, ids: Ids) {
  const n = notification(items[0] ?? {}, 0, o, ids);
  return {
    Type: 'Notification',
    MessageId: n.messageId,
    TopicArn: n.topicArn,
    ...(o.subject !== undefined && { Subject: o.subject }),
    Message: n.message,
    Timestamp: iso(ids.time),
    SignatureVersion: '1',
    Signature: n.signature,
    SigningCertURL: n.certificate,
    UnsubscribeURL: n.unsubscribe,
    ...(o.attributes !== undefined && { MessageAttributes: snsAttributes(o.attributes) }),
  };
}
