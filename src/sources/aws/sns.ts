/**
 * Amazon SNS: Lambda subscriptions (`Records[].EventSource: "aws:sns"`, asynchronous: a failure is thrown
 * and Lambda retries) and HTTP/HTTPS subscriptions (`snsHttpMessage`, called by the HTTP layer with the
 * request body and headers). SNS inside SQS is unwrapped by the SQS source (unwrap.ts).
 *
 * Over HTTP, verify the signature (`fetchAndVerifySnsMessage`, sns-signature.ts) before acting on a
 * message; a `SubscriptionConfirmation` is confirmed by an HTTP GET of its `SubscribeURL` (or with
 * `aws sns confirm-subscription --topic-arn … --token …`), never by running the handler.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
 */
import { type CloudEvent, trustedCloudEvent } from '../../cloud-event.js';
import { isTriggerError, TriggerError } from '../../errors.js';
import { describeValue } from '../kit/describe.js';
import { readJsonOrText } from '../kit/payload.js';
import { collectRecords, type EventInit, finishEvent, invalid } from '../kit/records.js';
import { type Batch, isObject, type JsonObject, type RecordBatch } from '../types.js';
import { isSnsEnvelope, unwrapSns } from './unwrap.js';

export { SNS_NOTIFICATION_TYPE } from './unwrap.js';

/** SNS notifications to a Lambda subscription (detected by catalog.ts: `Records[0].EventSource`). */
export function normalize(raw: RecordBatch): Batch {
  const records = raw.Records;
  return collectRecords(
    { source: 'aws:sns', reply: 'throw' },
    records.length,
    (i) => readRecord(records[i], i),
    (i) => {
      const message = isObject(records[i]) ? (records[i] as JsonObject).Sns : undefined;
      return isObject(message) && typeof message.MessageId === 'string' && message.MessageId !== ''
        ? message.MessageId
        : `Records[${i}]`;
    },
  );
}

function readRecord(record: unknown, index: number) {
  const where = `Records[${index}].Sns`;
  const message = isObject(record) ? record.Sns : undefined;
  if (!isObject(record) || !isObject(message) || !isSnsEnvelope(message)) {
    throw invalid(
      `Records[${index}] is not an SNS record (got ${describeValue(record)}): it needs \`Sns\` with string ` +
        '`Type`, `MessageId`, `TopicArn` and `Message`.',
      `Records[${index}]`,
    );
  }
  const unwrapped = unwrapSns(message, where);
  const subscription =
    typeof record.EventSubscriptionArn === 'string' ? record.EventSubscriptionArn : undefined;
  // unwrapSns already marked events it unwrapped with `awsvia: "sns"`; the subscription is added to all.
  if ('control' in unwrapped) return { ref: String(message.MessageId), events: [] };
  const events = unwrapped.inits.map((init) => {
    // The init is unwrapSns's own, built for this record: set in place (an absent ARN adds nothing).
    if (subscription !== undefined) init.snssubscriptionarn ??= subscription;
    return unwrapped.built === true ? trustedCloudEvent(init, where) : finishEvent(init, where);
  });
  return { ref: String(message.MessageId), events };
}

/** The JSON body SNS posts to an HTTP/HTTPS subscription (all values strings; `Subject` may be absent). */
export type SnsMessage = Readonly<Record<string, unknown>> & {
  readonly Type: string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Message: string;
};

/** What an HTTP request from SNS is: events to deliver, or a confirmation for the HTTP layer to handle. */
export type SnsHttpMessage =
  | {
      readonly kind: 'notification';
      readonly message: SnsMessage;
      /** Empty when the notification is itself a control message (an S3 test event). */
      readonly events: readonly CloudEvent[];
    }
  | {
      readonly kind: 'subscription-confirmation';
      readonly message: SnsMessage;
      /** GET this URL (after verifying the signature) to confirm the subscription. */
      readonly subscribeUrl: string;
      readonly topicArn: string;
    }
  | { readonly kind: 'unsubscribe-confirmation'; readonly message: SnsMessage; readonly topicArn: string };

/**
 * Reads an HTTP request sent by SNS: `body` is the raw request body (SNS posts JSON as `text/plain`),
 * `headers` the request headers (any case). Pure: it does not check the signature — call
 * `fetchAndVerifySnsMessage(result.message, …)` before delivering events or confirming.
 * Throws `E_SOURCE_INVALID` (`details.status` 400) for a body that is not an SNS message.
 *
 * @example
 * const result = snsHttpMessage(request.body.toString('utf8'), request.headers);
 * const check = await fetchAndVerifySnsMessage(result.message, (url) => fetch(url).then((r) => r.text()));
 * if (!check.valid) return { statusCode: 403, body: check.reason };
 * if (result.kind === 'subscription-confirmation') await fetch(result.subscribeUrl);
 */
export function snsHttpMessage(
  body: string,
  headers: Readonly<Record<string, string | undefined>>,
): SnsHttpMessage {
  return classifySnsHttpMessage(readSnsHttpBody(body, headers), headers);
}

const headerOf = (headers: Readonly<Record<string, string | undefined>>, name: string) =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;

/**
 * The first half of `snsHttpMessage`: the envelope only (`Type`, `MessageId`, `TopicArn`, `Message`, and a
 * `x-amz-sns-message-type` header that agrees), so a signature can be checked before the message is read.
 * Throws `E_SOURCE_INVALID` (400) for a body that is not an SNS message.
 *
 * @example
 * const message = readSnsHttpBody(request.body.toString('utf8'), request.headers);
 */
export function readSnsHttpBody(
  body: string,
  headers: Readonly<Record<string, string | undefined>>,
): SnsMessage {
  const message = readJsonOrText(body);
  if (!isObject(message) || !isSnsEnvelope(message) || typeof message.Message !== 'string') {
    throw badRequest(
      `The SNS request body is not an SNS message (got ${describeValue(message)}): it needs string \`Type\`, ` +
        '`MessageId`, `TopicArn` and `Message`.',
    );
  }
  const declared = headerOf(headers, 'x-amz-sns-message-type');
  if (declared !== undefined && declared !== message.Type) {
    throw badRequest(
      `The x-amz-sns-message-type header says ${JSON.stringify(declared)} but the body's Type is ` +
        `${JSON.stringify(message.Type)}.`,
    );
  }
  return message as SnsMessage;
}

/**
 * The second half of `snsHttpMessage`: what a message read by `readSnsHttpBody` is — a Notification's
 * events (its `Message` decoded), or a confirmation. Throws `E_SOURCE_INVALID` (400) for a message that
 * cannot be read.
 *
 * @example
 * const result = classifySnsHttpMessage(readSnsHttpBody(body, headers), headers);
 */
export function classifySnsHttpMessage(
  sns: SnsMessage,
  headers: Readonly<Record<string, string | undefined>>,
): SnsHttpMessage {
  if (sns.Type === 'SubscriptionConfirmation') {
    if (typeof sns.SubscribeURL !== 'string' || !sns.SubscribeURL.startsWith('https://')) {
      throw badRequest('The SNS SubscriptionConfirmation has no https `SubscribeURL`.');
    }
    return {
      kind: 'subscription-confirmation',
      message: sns,
      subscribeUrl: sns.SubscribeURL,
      topicArn: sns.TopicArn,
    };
  }
  if (sns.Type === 'UnsubscribeConfirmation') {
    return { kind: 'unsubscribe-confirmation', message: sns, topicArn: sns.TopicArn };
  }
  const subscription = headerOf(headers, 'x-amz-sns-subscription-arn');
  try {
    const unwrapped = unwrapSns(sns, 'SNS message');
    const events =
      'control' in unwrapped
        ? []
        : unwrapped.inits.map((init) => finishEvent(withSubscription(init, subscription), 'SNS message'));
    return { kind: 'notification', message: sns, events };
  } catch (error) {
    if (!isTriggerError(error)) throw error;
    throw badRequest(error.message, error);
  }
}

/** Adds the subscription to an init that unwrapSns built for this call (never the input): no copy needed. */
const withSubscription = (init: EventInit, arn: string | undefined): EventInit => {
  init.snssubscriptionarn ??= arn;
  return init;
};

function badRequest(message: string, cause?: unknown): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', message, { cause, details: { status: 400 } });
}
