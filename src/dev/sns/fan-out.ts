/**
 * What SNS does with one published message: every subscription of the topic whose filter policy accepts
 * it gets it — an SQS queue as the JSON notification (or the raw message with `RawMessageDelivery`), a
 * Lambda function as a one-record `aws:sns` event. Both are written to the store in the caller's
 * transaction (the queue's message; the invocation owed to the function), so a Publish that answered
 * has delivered durably; the live trigger (triggers/sns.ts) makes the owed invocations.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
import { randomBytes } from 'node:crypto';
import type { MessageAttributes } from '../sqs/wire.js';
import type { SnsSubscriptionRow } from '../store/sns-topics.js';
import type { Store } from '../store/store.js';
import { compileFilterPolicy, type FilterPolicy, type FilterPolicyScope } from './filter-policy.js';
import { REGION, type SnsAttributes, topicArn } from './wire.js';

/** One accepted message of a topic. */
export interface Publication {
  readonly id: string;
  readonly topic: string;
  /** The message, or one per protocol (`MessageStructure: json`): `{ default, sqs?, lambda? }`. */
  readonly message: string | Readonly<Record<string, string>>;
  readonly subject?: string;
  readonly attributes: SnsAttributes;
  readonly at: number;
}

export interface FanOutContext {
  readonly store: Store;
  readonly log: (line: string) => void;
}

const SIGNING_CERT_URL = `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-triggerkit-local.pem`;
const unsubscribeUrl = (arn: string) =>
  `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${arn}`;
// SNS signs each message with its certificate; the emulator has none, so the signature is a stand-in of
// the right shape (a Lambda or SQS consumer does not check it; an HTTP endpoint would).
const signature = () => randomBytes(256).toString('base64');

/** `arn:aws:sqs:…:orders` → `orders`; `arn:aws:lambda:…:function:name[:alias]` or `name` → `name`. */
export const queueOfArn = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
export const functionOfEndpoint = (endpoint: string) =>
  endpoint.startsWith('arn:') ? (endpoint.split(':')[6] ?? endpoint) : endpoint;

/**
 * Delivers `p` to every matching subscription of its topic; call inside a store transaction. Returns the
 * local queues that got a message (tell their SQS mappings: `host.queueChanged`).
 */
export function fanOut(ctx: FanOutContext, p: Publication): string[] {
  const queues: string[] = [];
  for (const sub of ctx.store.topics.listSubscriptions(p.topic)) {
    const message =
      typeof p.message === 'string' ? p.message : (p.message[sub.protocol] ?? p.message.default ?? '');
    const policy = policyOf(sub);
    if (policy !== undefined && !policy.matches({ message, attributes: p.attributes })) continue;
    if (sub.protocol === 'lambda') {
      const record = lambdaRecord(p, sub.arn, message);
      ctx.store.topics.enqueue(functionOfEndpoint(sub.endpoint), sub.arn, JSON.stringify(record), p.at);
    } else if (toQueue(ctx, p, sub, message)) queues.push(queueOfArn(sub.endpoint));
  }
  return queues;
}

function toQueue(ctx: FanOutContext, p: Publication, sub: SnsSubscriptionRow, message: string): boolean {
  const name = queueOfArn(sub.endpoint);
  const queue = ctx.store.queues.getQueue(name);
  if (queue === undefined || queue.attributes.FifoQueue === 'true') {
    // SNS retries an SQS delivery it cannot make, then drops it (or sends it to the subscription's DLQ).
    ctx.log(
      `triggerkit: SNS could not deliver message ${p.id} of topic ${p.topic} to queue ${name}: ` +
        `${queue === undefined ? 'no such local queue' : 'a FIFO queue takes no standard topic'}; create it (or unsubscribe ${sub.arn}).`,
    );
    return false;
  }
  const raw = sub.attributes.RawMessageDelivery === 'true';
  const delay = Number(queue.attributes.DelaySeconds ?? 0) * 1000;
  ctx.store.queues.send(
    name,
    raw ? message : sqsNotification(p, sub.arn, message),
    raw ? sqsAttributes(p.attributes) : {},
    p.at,
    p.at + delay,
  );
  return true;
}

/** The record Lambda gets from SNS, one per invocation. */
export function lambdaRecord(p: Publication, subscriptionArn: string, message: string) {
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: subscriptionArn,
    Sns: {
      Type: 'Notification',
      MessageId: p.id,
      TopicArn: topicArn(p.topic),
      Subject: p.subject ?? null,
      Message: message,
      Timestamp: new Date(p.at).toISOString(),
      SignatureVersion: '1',
      Signature: signature(),
      SigningCertUrl: SIGNING_CERT_URL,
      UnsubscribeUrl: unsubscribeUrl(subscriptionArn),
      MessageAttributes: { ...p.attributes },
    },
  };
}

/** The body SNS sends an SQS queue: its JSON notification, laid out as SNS lays it out. */
export function sqsNotification(p: Publication, subscriptionArn: string, message: string): string {
  const fields: [string, unknown][] = [
    ['Type', 'Notification'],
    ['MessageId', p.id],
    ['TopicArn', topicArn(p.topic)],
    ...(p.subject === undefined ? [] : [['Subject', p.subject] as [string, unknown]]),
    ['Message', message],
    ['Timestamp', new Date(p.at).toISOString()],
    ['SignatureVersion', '1'],
    ['Signature', signature()],
    ['SigningCertURL', SIGNING_CERT_URL],
    ['UnsubscribeURL', unsubscribeUrl(subscriptionArn)],
  ];
  if (Object.keys(p.attributes).length > 0) fields.push(['MessageAttributes', p.attributes]);
  return `{\n${fields.map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`).join(',\n')}\n}`;
}

/** Raw delivery carries the message attributes over as SQS message attributes. */
function sqsAttributes(attributes: SnsAttributes): MessageAttributes {
  const out: Record<string, MessageAttributes[string]> = Object.create(null);
  for (const [name, { Type, Value }] of Object.entries(attributes))
    out[name] =
      Type === 'Binary' ? { DataType: Type, BinaryValue: Value } : { DataType: Type, StringValue: Value };
  return out;
}

const compiled = new Map<string, FilterPolicy>();
const MAX_CACHED = 512;

/** The subscription's filter policy, compiled once per text and scope (checked when it was set). */
function policyOf(sub: SnsSubscriptionRow): FilterPolicy | undefined {
  const text = sub.attributes.FilterPolicy;
  if (text === undefined || text === '') return undefined;
  const scope = (sub.attributes.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope;
  const key = `${scope}\n${text}`;
  let policy = compiled.get(key);
  if (policy === undefined) {
    if (compiled.size >= MAX_CACHED) compiled.clear();
    policy = compileFilterPolicy(text, scope);
    compiled.set(key, policy);
  }
  return policy;
}
