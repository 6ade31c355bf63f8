/**
 * A bucket's notification configuration, as `PutBucketNotificationConfiguration` sets it: queue
 * destinations (a local SQS queue receives the S3 event JSON as the message body, as S3 sends it) and
 * topic destinations (SNS; delivered through `publishToTopic` once the emulator has topics). Lambda
 * destinations come from the handlers' `sources` instead. Each destination selects by event name
 * (`s3:ObjectCreated:*`) and key prefix and suffix.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
 */
import { randomUUID } from 'node:crypto';
import { elements, S3Error, texts } from './s3-xml.js';

export interface Destination {
  readonly id: string;
  /** The queue's or topic's ARN, as configured. */
  readonly arn: string;
  /** `s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`… */
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

export interface NotificationConfig {
  readonly queues: readonly Destination[];
  readonly topics: readonly Destination[];
}

export const EMPTY_CONFIG: NotificationConfig = { queues: [], topics: [] };

/** The event names S3 can announce here, and the wildcards that cover them. */
const KNOWN_EVENTS = /^s3:(\*|ObjectCreated:(\*|Put)|ObjectRemoved:(\*|Delete))$/;

/** Reads a `NotificationConfiguration` document; throws S3's error for what it cannot take. */
export function parseNotificationConfig(xml: string): NotificationConfig {
  if (!/<NotificationConfiguration[\s>]/.test(xml) && xml.trim() !== '')
    throw new S3Error(400, 'MalformedXML', 'The body must be a <NotificationConfiguration> document.');
  if (
    elements(xml, 'CloudFunctionConfiguration').length > 0 ||
    elements(xml, 'EventBridgeConfiguration').length > 0
  )
    throw new S3Error(
      501,
      'NotImplemented',
      "Lambda and EventBridge destinations are not configured through the API here: declare { type: 'aws:s3', bucket } in the handler's sources.",
    );
  return {
    queues: elements(xml, 'QueueConfiguration').map((c) => destination(c, 'Queue')),
    topics: elements(xml, 'TopicConfiguration').map((c) => destination(c, 'Topic')),
  };
}

function destination(xml: string, kind: 'Queue' | 'Topic'): Destination {
  const arn = texts(xml, kind)[0];
  if (arn === undefined || arn === '')
    throw new S3Error(400, 'InvalidArgument', `A ${kind}Configuration needs a <${kind}> ARN.`);
  const events = texts(xml, 'Event');
  const unknown = events.find((e) => !KNOWN_EVENTS.test(e));
  if (events.length === 0 || unknown !== undefined)
    throw new S3Error(
      400,
      'InvalidArgument',
      `${unknown === undefined ? 'No <Event> given' : `The event ${unknown} is not one the emulator sends`}: use s3:ObjectCreated:*, s3:ObjectCreated:Put, s3:ObjectRemoved:*, s3:ObjectRemoved:Delete or s3:*.`,
    );
  const rules: Record<string, string> = {};
  for (const rule of elements(xml, 'FilterRule')) {
    const name = (texts(rule, 'Name')[0] ?? '').toLowerCase();
    if (name !== 'prefix' && name !== 'suffix')
      throw new S3Error(
        400,
        'InvalidArgument',
        `A filter rule is named prefix or suffix, got ${JSON.stringify(name)}.`,
      );
    rules[name] = texts(rule, 'Value')[0] ?? '';
  }
  return {
    id: texts(xml, 'Id')[0] || randomUUID(),
    arn,
    events,
    ...(rules.prefix !== undefined && { prefix: rules.prefix }),
    ...(rules.suffix !== undefined && { suffix: rules.suffix }),
  };
}

/** The configuration as `GetBucketNotificationConfiguration` answers it (the elements inside the root). */
export function renderNotificationConfig(config: NotificationConfig): Record<string, unknown> {
  const render = (d: Destination, kind: 'Queue' | 'Topic') => ({
    Id: d.id,
    [kind]: d.arn,
    Event: d.events,
    ...((d.prefix !== undefined || d.suffix !== undefined) && {
      Filter: {
        S3Key: {
          FilterRule: [
            ...(d.prefix === undefined ? [] : [{ Name: 'Prefix', Value: d.prefix }]),
            ...(d.suffix === undefined ? [] : [{ Name: 'Suffix', Value: d.suffix }]),
          ],
        },
      },
    }),
  });
  return {
    QueueConfiguration: config.queues.map((d) => render(d, 'Queue')),
    TopicConfiguration: config.topics.map((d) => render(d, 'Topic')),
  };
}

/** Whether `d` wants the event `eventName` (`ObjectCreated:Put`) of the (decoded) `key`. */
export function wants(d: Destination, eventName: string, key: string): boolean {
  const name = `s3:${eventName}`;
  const event = d.events.some(
    (e) => e === name || e === 's3:*' || (e.endsWith(':*') && name.startsWith(e.slice(0, -1))),
  );
  return event && key.startsWith(d.prefix ?? '') && key.endsWith(d.suffix ?? '');
}
