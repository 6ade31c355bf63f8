/**
 * Amazon MQ batches, without their normalizer: the `eventSource` is `aws:mq` in AWS's own ActiveMQ
 * fixtures and `aws:amq` in others, so the shape decides.
 */
import { isObject, type JsonObject } from '../types.js';

/** ActiveMQ: `messages[]` with `messageID` and `messageType`. */
export const isActiveMq = (raw: JsonObject): boolean =>
  Array.isArray(raw.messages) &&
  isObject(raw.messages[0]) &&
  typeof raw.messages[0].messageID === 'string' &&
  typeof raw.messages[0].messageType === 'string';

/** An ActiveMQ batch, or a RabbitMQ one (`rmqMessagesByQueue`). */
export const isAmazonMqBatch = (raw: unknown): raw is JsonObject =>
  isObject(raw) && (isActiveMq(raw) || isObject(raw.rmqMessagesByQueue));
