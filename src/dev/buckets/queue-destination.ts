/**
 * S3 → SQS (and, through a seam, S3 → SNS): a bucket's `QueueConfiguration` sends each notification it
 * wants to a local queue, the S3 event JSON as the message body — the live SQS trigger then hands it to
 * the `aws:sqs` handlers of that queue, which unwrap it as they do in AWS. Sent inside the change's
 * transaction, so the message is committed with the change. When a configuration is set, S3 sends each
 * destination its `s3:TestEvent` first, as AWS does (handlers acknowledge it without running).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
 */
import { randomUUID } from 'node:crypto';
import { localQueueName } from '../dead-letters.js';
import type { BucketStore, ChangeRow } from '../store/buckets.js';
import type { TriggerHost } from '../triggers/host.js';
import { EMPTY_CONFIG, type NotificationConfig, wants } from './notifications.js';
import { toS3Notification } from './records.js';
import { S3Error } from './s3-xml.js';

/** The local queue an ARN names, or the S3 error `PutBucketNotificationConfiguration` answers. */
function queueOf(host: TriggerHost, arn: string): string {
  const name = localQueueName(arn);
  if (name === undefined || host.store.queues.getQueue(name) === undefined)
    throw new S3Error(
      400,
      'InvalidArgument',
      `Unable to validate the following destination configurations: no local queue ${JSON.stringify(arn)}; create it first (aws sqs create-queue).`,
    );
  if (name.endsWith('.fifo'))
    throw new S3Error(
      400,
      'InvalidArgument',
      `S3 cannot notify the FIFO queue ${name}; use a standard queue.`,
    );
  return name;
}

/** What a change sends to its bucket's queues (and topics): the names of the queues that got a message. */
export function queueSender(
  host: TriggerHost,
  store: BucketStore,
  eventName: string,
  publishToTopic: ((arn: string, message: string) => boolean) | undefined,
) {
  return (change: ChangeRow): string[] => {
    const config = (store.notification(change.bucket) as NotificationConfig | undefined) ?? EMPTY_CONFIG;
    const sent: string[] = [];
    for (const d of config.queues) {
      if (!wants(d, eventName, change.key)) continue;
      const queue = localQueueName(d.arn);
      if (queue === undefined || host.store.queues.getQueue(queue) === undefined) {
        host.log(`triggerkit: bucket ${change.bucket} notifies ${d.arn}, which no longer exists; skipped.`);
        continue;
      }
      const body = JSON.stringify(toS3Notification(change, d.id));
      host.store.queues.send(queue, body, {}, change.at, change.at, {});
      sent.push(queue);
    }
    for (const d of config.topics)
      if (wants(d, eventName, change.key))
        publishToTopic?.(d.arn, JSON.stringify(toS3Notification(change, d.id)));
    return sent;
  };
}

/**
 * Checks a configuration's destinations, stores it, and sends each new destination S3's test event.
 * Throws S3's error for a destination that does not exist here.
 */
export function configureNotifications(
  host: TriggerHost,
  store: BucketStore,
  bucket: string,
  config: NotificationConfig,
  canPublish: boolean,
): void {
  const queues = config.queues.map((d) => queueOf(host, d.arn));
  if (config.topics.length > 0 && !canPublish)
    throw new S3Error(
      400,
      'InvalidArgument',
      'Unable to validate the following destination configurations: the emulator has no SNS topics yet; notify a queue instead.',
    );
  const now = host.clock.now();
  const test = JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date(now).toISOString(),
    Bucket: bucket,
    RequestId: randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase(),
    HostId: randomUUID(),
  });
  host.store.transaction(() => {
    store.setNotification(bucket, config);
    for (const queue of new Set(queues)) host.store.queues.send(queue, test, {}, now, now, {});
  });
  for (const queue of new Set(queues)) host.queueChanged(queue);
}
