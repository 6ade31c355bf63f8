/**
 * Message sources of Alibaba Cloud as Function Compute receives them: the array of an Apache RocketMQ
 * trigger, and an MNS topic trigger's message in its JSON format or its STREAM format with attributes.
 * (An MNS queue, and ApsaraMQ for RocketMQ through EventBridge, arrive as Alibaba EventBridge events,
 * the `alibaba:eventbridge` kind, whose data is the message envelope.)
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers-1
 */
import { type CommonOptions, type Ids, md5, payloadText } from './kit.js';

export interface RocketMqOptions extends CommonOptions {
  /** Default `topic`. */
  readonly topic?: string;
  readonly tags?: string;
  readonly keys?: string;
  /** Default `DefaultCluster`. */
  readonly cluster?: string;
  readonly userProperties?: Readonly<Record<string, string>>;
}

export function rocketMqEvent(items: readonly unknown[], o: RocketMqOptions, ids: Ids) {
  return items.map((data, i) => {
    const msgId = ids.hex('message', i).toUpperCase();
    return {
      msgId,
      topic: o.topic ?? 'topic',
      systemProperties: {
        UNIQ_KEY: msgId,
        CLUSTER: o.cluster ?? 'DefaultCluster',
        MIN_OFFSET: '0',
        ...(o.tags !== undefined && { TAGS: o.tags }),
        ...(o.keys !== undefined && { KEYS: o.keys }),
        MAX_OFFSET: String(items.length),
        BORN_TIMESTAMP: String(ids.time),
      },
      userProperties: { ...o.userProperties },
      body: payloadText(data),
    };
  });
}

export interface MnsOptions extends CommonOptions {
  /** Default `topic`. */
  readonly topic?: string;
  /** `json` (default) or `stream` (which needs `attributes`: without them MNS sends the bare text). */
  readonly format?: 'json' | 'stream';
  /** Message attributes (`Extend`…), top-level keys of the JSON format, `attrs` of STREAM. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly subscription?: string;
}

/** MNS invokes a function once per message. */
export function mnsEvent(items: readonly unknown[], o: MnsOptions, ids: Ids) {
  const message = payloadText(items[0] ?? {});
  if (o.format === 'stream') {
    if (o.attributes === undefined)
      throw new TypeError(
        'alibaba:mns format "stream" without attributes delivers the bare message text, which no source can tell from any string; give attributes or use format "json".',
      );
    return { body: message, attrs: { ...o.attributes } };
  }
  const owner = o.account ?? '1000000000000000';
  return {
    ...o.attributes,
    TopicOwner: owner,
    Message: message,
    Subscriber: owner,
    PublishTime: ids.time,
    SubscriptionName: o.subscription ?? 'triggerkit-local',
    MessageMD5: md5(message).toUpperCase(),
    TopicName: o.topic ?? 'topic',
    MessageId: ids.hex('message', 0).toUpperCase(),
  };
}
