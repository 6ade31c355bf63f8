/**
 * What a serverless.yml event listens to, in words a person recognizes (`sqs shop-orders`,
 * `httpApi POST /webhooks/orders`), so a hand-written event can be matched with a generated one and a
 * contradiction named. Undefined: an event kind triggerkit does not generate (left to serverless.yml).
 */
import { isObject } from '../sources/types.js';
import type { Resource } from './aws/template.js';

type Resources = Readonly<Record<string, Resource>>;

const lastOf = (text: string, separator: string) => text.slice(text.lastIndexOf(separator) + 1);
/** The name a queue, topic, stream or table reference points at: a GetAtt / Ref of a resource, or an ARN. */
function nameOf(value: unknown, resources: Resources, nameKey: string): string {
  if (typeof value === 'string') {
    const table = /:table\/([^/]+)/.exec(value);
    if (table) return table[1] ?? value;
    return value.includes('/') ? lastOf(value, '/') : lastOf(value, ':');
  }
  const target = isObject(value) ? (value['Fn::GetAtt'] ?? value.Ref) : undefined;
  const id = Array.isArray(target) ? target[0] : target;
  const named = typeof id === 'string' ? resources[id]?.Properties?.[nameKey] : undefined;
  return typeof named === 'string' ? named : JSON.stringify(value);
}

/** `{ sqs: {…} }` → `sqs shop-orders`. */
export function identityOf(
  event: Readonly<Record<string, unknown>>,
  resources: Resources,
): string | undefined {
  const [kind = '', body] = Object.entries(event)[0] ?? [];
  const o = isObject(body) ? body : {};
  switch (kind) {
    case 'sqs':
      return `sqs ${nameOf(typeof body === 'string' ? body : o.arn, resources, 'QueueName')}`;
    case 'sns':
      return `sns ${typeof body === 'string' ? lastOf(body, ':') : String(o.topicName ?? nameOf(o.arn, resources, 'TopicName'))}`;
    case 'stream': {
      const type = typeof body === 'string' ? (body.includes(':dynamodb:') ? 'dynamodb' : 'kinesis') : o.type;
      const key = type === 'dynamodb' ? 'TableName' : 'Name';
      return `stream ${String(type)} ${nameOf(typeof body === 'string' ? body : o.arn, resources, key)}`;
    }
    case 'httpApi':
      return `httpApi ${typeof body === 'string' ? body : `${String(o.method ?? '*').toUpperCase()} ${String(o.path)}`}`;
    case 'schedule': {
      const rate = typeof body === 'string' ? body : Array.isArray(o.rate) ? o.rate[0] : o.rate;
      return `schedule ${String(rate)}`;
    }
    case 's3':
      return `s3 ${typeof body === 'string' ? body : String(o.bucket)}`;
    case 'cloudwatchLog':
      return `cloudwatchLog ${typeof body === 'string' ? body : String(o.logGroup)}`;
    case 'eventBridge':
      return `eventBridge ${String(o.eventBus ?? 'default')}`;
    default:
      return undefined;
  }
}

/** The source type a hand-written event kind needs declared (`msk` → `aws:kafka`), for kinds left to serverless.yml. */
export const HAND_WRITTEN_KINDS: Readonly<Record<string, readonly string[]>> = {
  msk: ['aws:kafka'],
  kafka: ['aws:kafka'],
  activemq: ['aws:mq'],
  rabbitmq: ['aws:mq'],
};
