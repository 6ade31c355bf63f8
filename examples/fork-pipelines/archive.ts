/**
 * What the fork pipelines share: the topic they subscribe to, and the archive bucket the backup writes
 * and the replay reads, one object per event at `events/<day>/<event id>.json`.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { CloudEvent } from 'triggerkit';

export const TOPIC = 'fork-events';

/** The deployed bucket's name is set in the environment; locally it is the emulator's folder bucket. */
export const BUCKET = process.env.ARCHIVE_BUCKET ?? 'fork-archive';

// The endpoint, region and credentials come from the usual AWS settings (AWS_ENDPOINT_URL… for the emulator).
export const s3 = new S3Client({});

/** `events/2026-12-07/ord-1001-created.json`: listing one day's prefix gives that day's events. */
export const keyOf = (event: CloudEvent, now = new Date()) =>
  `events/${(event.time ?? now.toISOString()).slice(0, 10)}/${encodeURIComponent(event.id)}.json`;

/** The topic's ARN in the account and region the function runs in (read from its own ARN). */
export function topicArn(invokedFunctionArn: string): string {
  const [, partition, , region, account] = invokedFunctionArn.split(':');
  return `arn:${partition}:sns:${region}:${account}:${TOPIC}`;
}
