/**
 * Events that travel through more than one service before Lambda sees them: an S3 notification in an
 * SQS message, or in an SNS message in an SQS message; an SNS message in an SQS queue (enveloped, or
 * with raw message delivery); an EventBridge event sent to an SQS queue. Each item travels the chain
 * on its own, as the services send one notification per object or message; `toCloudEvents` unwraps
 * every layer (src/sources/aws/unwrap.ts).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html
 */
import {
  type EventBridgeOptions,
  eventBridgeEvent,
  type S3Options,
  s3Event,
  s3EventBridgeEvent,
} from './aws-events.js';
import { type SnsOptions, type SqsOptions, snsEvent, snsMessage, sqsEvent } from './aws-messages.js';
import { type CommonOptions, createIds, type Ids, itemsOf } from './kit.js';

export type ChainOptions = S3Options & SnsOptions & SqsOptions & EventBridgeOptions;

/** The names of the chains, from the first service to the one that invokes the function. */
export type ChainName =
  | 'aws:s3/sqs'
  | 'aws:s3/sns'
  | 'aws:s3/sns/sqs'
  | 'aws:s3/eventbridge'
  | 'aws:sns/sqs'
  | 'aws:sns/sqs:raw'
  | 'aws:eventbridge/sqs';

/** Ids of one layer for item `i`: every layer and item draws its own from the seed. */
function idsOf(kind: string, o: CommonOptions, i: number): Ids {
  return createIds(kind, { ...o, ...(o.seed !== undefined && { seed: `${o.seed}/${i}` }) });
}

/** The options of an outer layer: the payload is the inner layer's, never the user's data. */
function carrier<O extends CommonOptions>(o: O): O {
  const { data: _, items: __, ...rest } = o;
  return rest as O;
}

const S3_SUBJECT = 'Amazon S3 Notification';
const json = (value: unknown) => JSON.stringify(value);
/** SNS writes its JSON message into an SQS body indented by two spaces. */
const snsBody = (value: unknown) => JSON.stringify(value, null, 2);

const s3Notification = (data: unknown, o: ChainOptions, i: number) =>
  s3Event([data], o, idsOf('aws:s3', o, i));
const snsEnvelope = (message: string, o: ChainOptions, i: number) =>
  snsMessage([message], o, idsOf('aws:sns', o, i));

const BUILDERS: Readonly<Record<ChainName, (items: readonly unknown[], o: ChainOptions) => unknown>> = {
  'aws:s3/sqs': (items, o) =>
    sqsEvent(
      items.map((d, i) => json(s3Notification(d, o, i))),
      carrier(o),
      createIds('aws:sqs', o),
    ),
  'aws:s3/sns': (items, o) =>
    snsEvent(
      items.map((d, i) => json(s3Notification(d, o, i))),
      { subject: S3_SUBJECT, ...carrier(o) },
      createIds('aws:sns', o),
    ),
  'aws:s3/sns/sqs': (items, o) =>
    sqsEvent(
      items.map((d, i) =>
        snsBody(snsEnvelope(json(s3Notification(d, o, i)), { subject: S3_SUBJECT, ...carrier(o) }, i)),
      ),
      carrier(o),
      createIds('aws:sqs', o),
    ),
  // EventBridge invokes a target once per event: the first object.
  'aws:s3/eventbridge': (items, o) => s3EventBridgeEvent(items, o, createIds('aws:eventbridge', o)),
  'aws:sns/sqs': (items, o) =>
    sqsEvent(
      items.map((d, i) => snsBody(snsEnvelope(typeof d === 'string' ? d : json(d), carrier(o), i))),
      carrier(o),
      createIds('aws:sqs', o),
    ),
  // Raw message delivery: the body is the message itself, and its attributes become the SQS message's.
  'aws:sns/sqs:raw': (items, o) => sqsEvent(items, o, createIds('aws:sqs', o)),
  'aws:eventbridge/sqs': (items, o) =>
    sqsEvent(
      items.map((d, i) => json(eventBridgeEvent([d], carrier(o), idsOf('aws:eventbridge', o, i)))),
      carrier(o),
      createIds('aws:sqs', o),
    ),
};

export const CHAIN_NAMES = Object.keys(BUILDERS) as readonly ChainName[];

export function isChainName(name: string): name is ChainName {
  return Object.hasOwn(BUILDERS, name);
}

/**
 * The raw event the last service of the chain hands to Lambda, each item having travelled the chain.
 *
 * @example
 * const raw = generateChain('aws:s3/sns/sqs', { data: { key: 'a.pdf', size: 3 }, bucket: 'docs', queue: 'uploads' });
 * toCloudEvents(raw).items[0].event.type; // 'com.amazonaws.s3.ObjectCreated:Put', awsvia 'sqs,sns'
 */
export function generateChain(name: ChainName, options: ChainOptions = {}): unknown {
  return BUILDERS[name](itemsOf(options), options);
}
