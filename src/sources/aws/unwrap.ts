/**
 * Nested envelopes: an SQS body or an SNS `Message` that is itself an SNS notification, an S3
 * notification, an EventBridge event or a structured CloudEvent is unwrapped, and the inner mapping wins
 * for `id`, `source`, `type` and `time`. Each carrier adds itself to the `awsvia` extension (outermost
 * first: an S3 event in an SNS notification in an SQS message has `awsvia: "sqs,sns"`) and its own
 * identity (`sqsmessageid`, `snsmessageid`). Control messages (S3 `s3:TestEvent`, SNS subscription and
 * unsubscribe confirmations) are reported as such so the carrier acknowledges them without a handler.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */

import { describeValue } from '../kit/describe.js';
import { readJsonOrText } from '../kit/payload.js';
import { type EventInit, extensionName, invalid, setIfAbsent } from '../kit/records.js';
import { isObject, type JsonObject } from '../types.js';
import { eventBridgeInit } from './eventbridge.js';
import { isEventBridgeEvent } from './eventbridge-detect.js';
import { s3RecordInit } from './s3.js';
import { isS3Notification, isS3TestEvent } from './s3-detect.js';

/**
 * What a payload turned out to be: events to deliver, or a control message to acknowledge. `built` is
 * true when the inits are SNS's own mapping, in their final shape (see `snsNotificationInit`): the caller
 * may then freeze them with `trustedCloudEvent` instead of copying and re-validating them.
 */
export type Unwrapped =
  | { readonly control: string }
  | { readonly inits: readonly EventInit[]; readonly built?: boolean };

export const SNS_NOTIFICATION_TYPE = 'com.amazonaws.sns.Notification';
const SNS_CONTROL_TYPES = new Set(['SubscriptionConfirmation', 'UnsubscribeConfirmation']);
/** Envelopes nest two or three deep in practice (S3 → SNS → SQS); deeper input is treated as data. */
const MAX_DEPTH = 4;

/**
 * Unwraps `value` when it is a known envelope; `undefined` when it is plain data. A body is taken for a
 * CloudEvent when it says `specversion: "1.0"` (then it must be a valid one) or has every required
 * attribute, and for an EventBridge event only with `version`, `id`, `source`, `detail-type` and `detail`:
 * an order that merely has a `specversion` or `detail` field stays data, instead of failing every delivery
 * as a broken envelope.
 */
export function unwrapEnvelope(value: unknown, where: string, depth = 0): Unwrapped | undefined {
  if (!isObject(value) || depth > MAX_DEPTH) return undefined;
  const identified = typeof value.id === 'string' && typeof value.source === 'string';
  const specversion = value.specversion;
  if (
    specversion === '1.0' ||
    (typeof specversion === 'string' && identified && typeof value.type === 'string')
  )
    return { inits: [{ ...value }] };
  if (isSnsEnvelope(value)) return unwrapSns(value, where, depth);
  if (isS3TestEvent(value)) return { control: 's3:TestEvent' };
  if (isS3Notification(value)) {
    return { inits: value.Records.map((record, i) => s3RecordInit(record, `${where}.Records[${i}]`)) };
  }
  if (identified && isEventBridgeEvent(value)) return { inits: [eventBridgeInit(value)] };
  return undefined;
}

/** An SNS message as delivered over HTTP, in an SQS body, or as a Lambda record's `Sns`. */
export function isSnsEnvelope(value: JsonObject): boolean {
  return (
    typeof value.Type === 'string' &&
    typeof value.MessageId === 'string' &&
    typeof value.TopicArn === 'string' &&
    'Message' in value
  );
}

/**
 * An SNS message: a confirmation is a control message; a notification is unwrapped when its `Message`
 * is an envelope, and otherwise mapped itself (`id` = MessageId, `source` = TopicArn, `data` = Message).
 */
export function unwrapSns(sns: JsonObject, where: string, depth = 0): Unwrapped {
  const type = typeof sns.Type === 'string' ? sns.Type : '';
  if (SNS_CONTROL_TYPES.has(type)) return { control: `sns:${type}` };
  if (type !== 'Notification' || typeof sns.Message !== 'string' || sns.MessageId === '') {
    throw invalid(
      `${where} is not an SNS notification (Type ${JSON.stringify(sns.Type)}, Message ${describeValue(sns.Message)}): ` +
        'it needs `Type` "Notification", a non-empty `MessageId` and a string `Message`.',
      where,
    );
  }
  const message = readJsonOrText(sns.Message);
  const inner = unwrapEnvelope(message, `${where}.Message`, depth + 1);
  if (inner === undefined) return { inits: [snsNotificationInit(sns, message)], built: true };
  if ('control' in inner) return inner;
  return { inits: inner.inits.map((init) => carried(init, 'sns', { snsmessageid: sns.MessageId })) };
}

/**
 * `message` is the notification's `Message` as `readJsonOrText` read it (parsed once). The init is built
 * in its final shape (`specversion` first, no undefined value), so the Lambda source can freeze it with
 * `trustedCloudEvent`: `time` is the only attribute copied as sent, and that function checks it.
 */
function snsNotificationInit(sns: JsonObject, message: unknown): EventInit {
  const init: EventInit = {
    specversion: '1.0',
    id: sns.MessageId,
    // The topic, not the subscription: the same notification has the same source whether it reached us
    // through Lambda, SQS or HTTP (the official adapter uses the subscription ARN for HTTP delivery).
    source: sns.TopicArn,
    type: SNS_NOTIFICATION_TYPE,
  };
  if (typeof sns.Subject === 'string' && sns.Subject !== '') init.subject = sns.Subject;
  if (sns.Timestamp !== undefined && sns.Timestamp !== null) init.time = sns.Timestamp;
  init.datacontenttype = typeof message === 'string' ? 'text/plain' : 'application/json';
  init.data = message;
  const attributes = sns.MessageAttributes;
  if (isObject(attributes)) {
    for (const name of Object.keys(attributes)) {
      const attribute = attributes[name];
      if (!isObject(attribute) || typeof attribute.Value !== 'string') continue;
      const ext = extensionName('snsattr', name);
      if (ext !== undefined) setIfAbsent(init, ext, attribute.Value);
    }
  }
  return init;
}

/**
 * `init` as carried by `via`: `via` is prepended to `awsvia` and the carrier's extensions are added
 * where the inner event does not set them already.
 */
export function carried(init: EventInit, via: string, extensions: EventInit): EventInit {
  const out: EventInit = { ...init };
  for (const [name, value] of Object.entries(extensions)) setIfAbsent(out, name, value);
  out.awsvia = typeof init.awsvia === 'string' && init.awsvia !== '' ? `${via},${init.awsvia}` : via;
  return out;
}
