/**
 * The SNS actions of the local endpoint for topics and subscriptions: query-protocol input in, the XML of
 * the result out, state in `store.topics`. Publish and PublishBatch live in publish.ts.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Operations.html
 */
import { randomUUID } from 'node:crypto';
import type { SnsSubscriptionRow } from '../store/sns-topics.js';
import { type ActionContext, existingTopic } from './context.js';
import { publish, publishBatch } from './publish.js';
import { subscriptionAttributes, subscriptionEndpoint } from './subscriptions.js';
import {
  ACCOUNT_ID,
  entries,
  faults,
  type Input,
  type InputValue,
  SnsFault,
  topicArn,
  topicOfArn,
  toXml,
} from './wire.js';

/** An action: the XML inside `<ActionResult>`, or undefined for an action that answers none. */
export type Action = (ctx: ActionContext, input: Input) => string | undefined;

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
/** Topic attributes a caller may set; SNS computes the others. */
const TOPIC_SETTINGS = new Set([
  'DisplayName',
  'Policy',
  'DeliveryPolicy',
  'KmsMasterKeyId',
  'SignatureVersion',
  'TracingConfig',
  'ArchivePolicy',
  'DataProtectionPolicy',
]);
const PAGE = 100;

const text = (value: InputValue | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;
const map = (value: InputValue | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(typeof value === 'object' && !Array.isArray(value) ? (value as Input) : {}).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );

function topicSettings(raw: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(raw)) {
    if (name === 'FifoTopic' && raw[name] === 'true')
      throw faults.invalid(
        'Attributes Reason: FIFO topics are not supported by the triggerkit emulator yet.',
      );
    if (!TOPIC_SETTINGS.has(name) && name !== 'FifoTopic') throw faults.invalid(`AttributeName: ${name}`);
  }
  const { FifoTopic: _, ...settings } = raw;
  return settings;
}

/** One page of `items` from `NextToken` (the index of the first item, as text). */
function page<T>(items: readonly T[], token: InputValue | undefined): { items: T[]; next?: string } {
  const start = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(start) || start < 0) throw faults.invalid('NextToken');
  const next = start + PAGE < items.length ? String(start + PAGE) : undefined;
  return { items: items.slice(start, start + PAGE), ...(next !== undefined && { next }) };
}

const subscriptionXml = (s: SnsSubscriptionRow) => ({
  SubscriptionArn: s.arn,
  Owner: ACCOUNT_ID,
  Protocol: s.protocol,
  Endpoint: s.endpoint,
  TopicArn: topicArn(s.topic),
});

function subscriptionOf(ctx: ActionContext, arn: InputValue | undefined): SnsSubscriptionRow {
  if (typeof arn !== 'string') throw faults.missing('SubscriptionArn');
  const sub = ctx.store.topics.getSubscription(arn);
  if (sub === undefined) throw faults.noSubscription();
  return sub;
}

export const actions: Readonly<Record<string, Action>> = {
  CreateTopic(ctx, input) {
    const name = text(input.Name);
    if (name === undefined) throw faults.missing('Name');
    if (name.endsWith('.fifo'))
      throw faults.invalid(
        'Topic Name: FIFO topics (.fifo) are not supported by the triggerkit emulator yet.',
      );
    if (!TOPIC_NAME.test(name)) throw faults.invalid('Topic Name');
    const settings = topicSettings(map(input.Attributes));
    const existing = ctx.store.topics.getTopic(name);
    if (existing === undefined) ctx.store.topics.createTopic(name, settings, ctx.now);
    else if (Object.entries(settings).some(([k, v]) => existing.attributes[k] !== v))
      throw faults.invalid('Attributes Reason: Topic already exists with different attributes');
    return toXml({ TopicArn: topicArn(name) });
  },
  DeleteTopic(ctx, input) {
    ctx.store.topics.deleteTopic(topicOfArn(input.TopicArn));
    return undefined;
  },
  ListTopics(ctx, input) {
    const { items, next } = page(ctx.store.topics.listTopics(), input.NextToken);
    return toXml({ Topics: items.map((name) => ({ TopicArn: topicArn(name) })), NextToken: next });
  },
  GetTopicAttributes(ctx, input) {
    const name = existingTopic(ctx, input.TopicArn);
    const topic = ctx.store.topics.getTopic(name);
    const subs = ctx.store.topics.listSubscriptions(name).length;
    return `<Attributes>${entries({
      TopicArn: topicArn(name),
      Owner: ACCOUNT_ID,
      DisplayName: '',
      Policy: defaultPolicy(name),
      SubscriptionsConfirmed: String(subs),
      SubscriptionsPending: '0',
      SubscriptionsDeleted: '0',
      EffectiveDeliveryPolicy: EFFECTIVE_DELIVERY_POLICY,
      ...topic?.attributes,
    })}</Attributes>`;
  },
  SetTopicAttributes(ctx, input) {
    const name = existingTopic(ctx, input.TopicArn);
    const attribute = text(input.AttributeName);
    if (attribute === undefined) throw faults.missing('AttributeName');
    const settings = topicSettings({ [attribute]: text(input.AttributeValue) ?? '' });
    const topic = ctx.store.topics.getTopic(name);
    ctx.store.topics.setTopicAttributes(name, { ...topic?.attributes, ...settings });
    return undefined;
  },
  Subscribe(ctx, input) {
    const topic = existingTopic(ctx, input.TopicArn);
    const protocol = text(input.Protocol);
    if (protocol === undefined) throw faults.missing('Protocol');
    const endpoint = subscriptionEndpoint(protocol, text(input.Endpoint));
    const attributes = subscriptionAttributes(protocol, {}, map(input.Attributes));
    const existing = ctx.store.topics.findSubscription(topic, protocol, endpoint);
    if (existing !== undefined) {
      if (Object.entries(attributes).some(([k, v]) => (existing.attributes[k] ?? '') !== v))
        throw faults.invalid('Attributes Reason: Subscription already exists with different attributes');
      return toXml({ SubscriptionArn: existing.arn });
    }
    const arn = `${topicArn(topic)}:${randomUUID()}`;
    ctx.store.topics.subscribe({ arn, topic, protocol, endpoint, attributes, declaredBy: null }, ctx.now);
    return toXml({ SubscriptionArn: arn });
  },
  Unsubscribe(ctx, input) {
    const arn = text(input.SubscriptionArn);
    if (arn === undefined) throw faults.missing('SubscriptionArn');
    ctx.store.topics.unsubscribe(arn);
    return undefined;
  },
  ListSubscriptions(ctx, input) {
    const { items, next } = page(ctx.store.topics.listSubscriptions(), input.NextToken);
    return toXml({ Subscriptions: items.map(subscriptionXml), NextToken: next });
  },
  ListSubscriptionsByTopic(ctx, input) {
    const topic = existingTopic(ctx, input.TopicArn);
    const { items, next } = page(ctx.store.topics.listSubscriptions(topic), input.NextToken);
    return toXml({ Subscriptions: items.map(subscriptionXml), NextToken: next });
  },
  GetSubscriptionAttributes(ctx, input) {
    const sub = subscriptionOf(ctx, input.SubscriptionArn);
    return `<Attributes>${entries({
      ...subscriptionXml(sub),
      ConfirmationWasAuthenticated: 'true',
      PendingConfirmation: 'false',
      RawMessageDelivery: 'false',
      ...sub.attributes,
    })}</Attributes>`;
  },
  SetSubscriptionAttributes(ctx, input) {
    const sub = subscriptionOf(ctx, input.SubscriptionArn);
    const name = text(input.AttributeName);
    if (name === undefined) throw faults.missing('AttributeName');
    const next = subscriptionAttributes(sub.protocol, sub.attributes, {
      [name]: text(input.AttributeValue) ?? '',
    });
    ctx.store.topics.setSubscriptionAttributes(sub.arn, next);
    return undefined;
  },
  Publish: publish,
  PublishBatch: publishBatch,
};

/** SNS actions the endpoint knows of but does not emulate. */
export const UNSUPPORTED = new Set([
  'ConfirmSubscription',
  'AddPermission',
  'RemovePermission',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'CreatePlatformApplication',
  'CreatePlatformEndpoint',
  'CheckIfPhoneNumberIsOptedOut',
  'GetDataProtectionPolicy',
  'PutDataProtectionPolicy',
]);

export const unsupported = (action: string) =>
  new SnsFault('InvalidAction', `${action} is not supported by the triggerkit emulator's SNS endpoint.`);

const defaultPolicy = (name: string) =>
  JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:Publish', 'SNS:Subscribe', 'SNS:GetTopicAttributes', 'SNS:SetTopicAttributes'],
        Resource: topicArn(name),
        Condition: { StringEquals: { 'AWS:SourceOwner': ACCOUNT_ID } },
      },
    ],
  });

const EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
  },
});
