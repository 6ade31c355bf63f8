/**
 * The named sample events `triggerkit generate-event` prints: one per source kind of the catalog (named
 * as the kind), the chains (`aws:s3/sns/sqs`…), an EventBridge schedule, and signed webhook requests
 * (`http:github`…). Each has a realistic default payload, replaced by the caller's `data` or `items`.
 * The `sam local generate-event` service/event pairs that have an equivalent resolve to one of these.
 */
import type { SourceKind } from '../../sources/types.js';
import { CHAIN_NAMES, type ChainName, generateChain } from './chains.js';
import { EVENT_KINDS, type GenerateOptionsByKind, generateEvent } from './index.js';
import type { CommonOptions } from './kit.js';
import { WEBHOOK_PAYLOADS, WEBHOOK_SECRETS } from './sample-payloads.js';
import type { WebhookProvider, WebhookSigning } from './webhooks.js';

/** Options of any sample: the common ones and those of the kinds it is made of (`bucket`, `queue`…). */
export type SampleOptions = CommonOptions & Readonly<Record<string, unknown>>;

export interface Sample {
  readonly name: string;
  /** What `toCloudEvents` reads it as. */
  readonly kind: SourceKind;
  readonly description: string;
  /** What it holds when the caller gives nothing: the payload (`data`) and where it comes from. */
  readonly defaults: SampleOptions;
  /** The sender that signed it (a webhook sample): what the HTTP source's `verify.provider` names. */
  readonly webhook?: WebhookProvider;
  /** The raw event, the caller's options over the defaults. */
  build(options?: SampleOptions): unknown;
}

/** A sample whose `make` gets the defaults with the caller's options over them. */
function sample(
  entry: Omit<Sample, 'build'> & { readonly make: (options: SampleOptions) => unknown },
): Sample {
  const { make, ...rest } = entry;
  return { ...rest, build: (options = {}) => make({ ...entry.defaults, ...options }) };
}

const ORDER = { orderId: 'ord-1001', total: 42.5, currency: 'EUR' };
const OBJECT = { key: 'uploads/photo 1.jpg' };

/** Per kind: what the sample holds when the caller gives nothing, and what it is. */
const KIND_SAMPLES: { readonly [K in SourceKind]: readonly [string, GenerateOptionsByKind[K]] } = {
  'alibaba:eventbridge': [
    'Alibaba EventBridge CloudEvent (custom event source)',
    { source: 'shop.orders', type: 'shop:Order:Created', data: ORDER },
  ],
  cloudevents: [
    'structured CloudEvent (JSON format)',
    { source: '/shop/orders', type: 'com.example.order.created', data: ORDER },
  ],
  'aws:apigateway:v2': ['API Gateway HTTP API request (payload 2.0)', { path: '/orders', data: ORDER }],
  'aws:lambda-url': ['Lambda function URL request', { path: '/orders', data: ORDER }],
  'aws:apigateway:v1': ['API Gateway REST API request (payload 1.0)', { path: '/orders', data: ORDER }],
  'aws:alb': ['Application Load Balancer request', { path: '/orders', data: ORDER }],
  'alibaba:fc-http': ['Function Compute HTTP trigger request', { path: '/orders', data: ORDER }],
  'aws:sqs': ['SQS batch', { queue: 'orders', data: ORDER }],
  'aws:sns': ['SNS notification', { topic: 'orders', data: ORDER }],
  'aws:s3': ['S3 event notification', { bucket: 'uploads', ...OBJECT, data: { size: 1024 } }],
  'aws:kinesis': ['Kinesis stream batch', { stream: 'orders', data: ORDER }],
  'aws:kafka': [
    'Amazon MSK batch (--option cluster=self-managed for self-managed Kafka)',
    { topic: 'orders', data: ORDER },
  ],
  'aws:mq': ['Amazon MQ batch (--option broker=rabbitmq for RabbitMQ)', { queue: 'orders', data: ORDER }],
  'aws:dynamodb': [
    'DynamoDB Streams batch',
    { table: 'orders', data: { id: 'ord-1001', total: 42.5, status: 'placed' } },
  ],
  'aws:cloudwatch-logs': [
    'CloudWatch Logs subscription (gzip + base64)',
    { logGroup: '/aws/lambda/orders', data: { level: 'info', message: 'order placed', orderId: 'ord-1001' } },
  ],
  'alibaba:oss': ['Alibaba OSS trigger', { bucket: 'uploads', ...OBJECT, data: { size: 1024 } }],
  'alibaba:sls': [
    'Alibaba SLS trigger (a cursor range to pull)',
    { project: 'shop', logstore: 'orders-api', data: {} },
  ],
  'alibaba:mns': ['Alibaba MNS topic trigger (JSON format)', { topic: 'orders', data: ORDER }],
  'alibaba:timer': ['Function Compute time trigger', { triggerName: 'nightly', data: { report: 'daily' } }],
  'alibaba:tablestore': [
    'Alibaba Tablestore stream trigger (decoded from CBOR)',
    { data: { id: 'ord-1001', total: 42.5, status: 'placed' } },
  ],
  'alibaba:cdn': [
    'Alibaba CDN events trigger',
    { domain: 'cdn.example.com', data: { objectPath: ['/images/logo.png'], objectType: 'File' } },
  ],
  rocketmq: ['Apache RocketMQ trigger', { topic: 'orders', tags: 'created', data: ORDER }],
  debezium: [
    'Debezium change event (PostgreSQL)',
    { table: 'public.orders', data: { id: 1001, total: 42.5, status: 'placed' } },
  ],
  'aws:eventbridge': [
    'EventBridge event',
    { source: 'com.example.shop', detailType: 'Order Placed', data: ORDER },
  ],
};

const kindSamples = EVENT_KINDS.map((kind) =>
  sample({
    name: kind,
    kind,
    description: KIND_SAMPLES[kind][0],
    defaults: KIND_SAMPLES[kind][1] as SampleOptions,
    make: (options) => generateEvent(kind, options as never),
  }),
);

const CHAINS: Readonly<Record<ChainName, readonly [SourceKind, string, SampleOptions]>> = {
  'aws:s3/sqs': [
    'aws:sqs',
    'S3 notification in an SQS message',
    { bucket: 'uploads', ...OBJECT, queue: 'uploads', data: { size: 1024 } },
  ],
  'aws:s3/sns': [
    'aws:sns',
    'S3 notification through SNS',
    { bucket: 'uploads', ...OBJECT, topic: 'uploads', data: { size: 1024 } },
  ],
  'aws:s3/sns/sqs': [
    'aws:sqs',
    'S3 notification through SNS into SQS',
    { bucket: 'uploads', ...OBJECT, topic: 'uploads', queue: 'uploads', data: { size: 1024 } },
  ],
  'aws:s3/eventbridge': [
    'aws:eventbridge',
    'S3 event through EventBridge',
    { bucket: 'uploads', ...OBJECT, data: { size: 1024 } },
  ],
  'aws:sns/sqs': [
    'aws:sqs',
    'SNS message in an SQS message (the JSON envelope)',
    { topic: 'orders', queue: 'orders', data: ORDER },
  ],
  'aws:sns/sqs:raw': [
    'aws:sqs',
    'SNS message in SQS with raw message delivery',
    { queue: 'orders', data: ORDER },
  ],
  'aws:eventbridge/sqs': [
    'aws:sqs',
    'EventBridge event sent to an SQS queue',
    { source: 'com.example.shop', detailType: 'Order Placed', queue: 'orders', data: ORDER },
  ],
};

const chainSamples = CHAIN_NAMES.map((name) => {
  const [kind, description, defaults] = CHAINS[name];
  return sample({ name, kind, description, defaults, make: (options) => generateChain(name, options) });
});

const schedule = sample({
  name: 'aws:schedule',
  kind: 'aws:eventbridge',
  description: 'EventBridge schedule (Scheduled Event), --rule names the rule',
  defaults: { rule: 'schedule', data: {} },
  make: ({ rule, ...options }) =>
    generateEvent('aws:eventbridge', {
      ...options,
      source: 'aws.events',
      detailType: 'Scheduled Event',
      resources: [
        `arn:aws:events:${options.region ?? 'us-east-1'}:${options.account ?? '000000000000'}:rule/${String(rule)}`,
      ],
    }),
});

const webhookSamples = (Object.keys(WEBHOOK_PAYLOADS) as WebhookProvider[]).map((provider) =>
  sample({
    name: `http:${provider}`,
    kind: 'aws:apigateway:v2',
    description: `${provider} webhook delivery, signed with --secret`,
    webhook: provider,
    defaults: {
      path: `/webhooks/${provider}`,
      secret: WEBHOOK_SECRETS[provider],
      data: WEBHOOK_PAYLOADS[provider],
    },
    make: ({ secret, event, topic, shop, id, ...options }) => {
      const naming = Object.entries({ event, topic, shop, id }).filter(([, v]) => typeof v === 'string');
      const webhook = { ...Object.fromEntries(naming), provider, secret: String(secret) } as WebhookSigning;
      return generateEvent('aws:apigateway:v2', { ...options, webhook });
    },
  }),
);

/** Every sample, in the order `--list` prints them: the catalog's kinds, then the rest. */
export const SAMPLES: readonly Sample[] = [...kindSamples, schedule, ...chainSamples, ...webhookSamples];

/**
 * `sam local generate-event <service> <event>` pairs with an equivalent here: the sample and the options
 * that make it the same event.
 */
export const SAM_EVENTS: Readonly<Record<string, readonly [string, SampleOptions?]>> = {
  'apigateway aws-proxy': ['aws:apigateway:v1'],
  'apigateway http-api-proxy': ['aws:apigateway:v2'],
  'cloudwatch logs': ['aws:cloudwatch-logs'],
  'cloudwatch scheduled-event': ['aws:schedule'],
  'dynamodb update': ['aws:dynamodb', { eventName: 'MODIFY' }],
  'kinesis get-records': ['aws:kinesis'],
  's3 put': ['aws:s3'],
  's3 delete': ['aws:s3', { eventName: 'ObjectRemoved:Delete' }],
  'sns notification': ['aws:sns'],
  'sqs receive-message': ['aws:sqs'],
};

/** Short names of samples whose name with a prefix would not be found. */
const ALIASES: Readonly<Record<string, string>> = {
  http: 'aws:apigateway:v2',
  apigateway: 'aws:apigateway:v2',
  'function-url': 'aws:lambda-url',
  cloudevent: 'cloudevents',
  msk: 'aws:kafka',
};

/**
 * The sample called `name`; a name without its prefix is looked up as `aws:<name>`, then `http:<name>`,
 * then `alibaba:<name>` (`s3` is `aws:s3`, `github` is `http:github`, `oss` is `alibaba:oss`); `http`
 * and `apigateway` are the HTTP API request.
 */
export function findSample(name: string): Sample | undefined {
  const alias = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
  for (const candidate of [alias ?? name, `aws:${name}`, `http:${name}`, `alibaba:${name}`]) {
    const found = SAMPLES.find((s) => s.name === candidate);
    if (found !== undefined) return found;
  }
  return undefined;
}
