/**
 * A change of an object as the platform announces it: S3's event notification record (the shape S3
 * sends to Lambda, SQS and SNS alike) and OSS's trigger event. Built from the stored change only, so a
 * notification delivered again after a restart is the same bytes (same ids, same CloudEvent).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers-1
 */
import { createHash } from 'node:crypto';
import { ACCOUNT_ID, REGION } from '../sqs/queues.js';
import type { ChangeRow } from '../store/buckets.js';
import { encodeS3Key } from './keys.js';

/** The region OSS notifications name (the emulator has one). */
export const OSS_REGION = 'cn-hangzhou';
/** The account that owns the emulator's OSS buckets. */
export const OSS_OWNER = '1000000000000000';

const S3_EVENT_NAMES = { created: 'ObjectCreated:Put', removed: 'ObjectRemoved:Delete' } as const;
const OSS_EVENT_NAMES = {
  created: 'ObjectCreated:PutObject',
  removed: 'ObjectRemoved:DeleteObject',
} as const;

/**
 * S3's `sequencer`: a hex string that grows with every change of a key. The store's change sequence
 * grows across every key (and never goes back, even past a restart), so it orders each key's changes.
 */
export const sequencerOf = (change: Pick<ChangeRow, 'seq'>): string =>
  change.seq.toString(16).toUpperCase().padStart(18, '0');

/** The `x-amz-request-id` of the request that made the change (the API's answer carries the same). */
export const requestIdOf = (change: Pick<ChangeRow, 'seq' | 'at'>): string =>
  createHash('md5').update(`${change.seq}:${change.at}`).digest('hex').slice(0, 16).toUpperCase();

/** One S3 notification record of `change`, for the notification configuration `configurationId`. */
export function toS3Record(change: ChangeRow, configurationId: string) {
  const created = change.kind === 'created';
  const requestId = requestIdOf(change);
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: REGION,
    eventTime: new Date(change.at).toISOString(),
    eventName: S3_EVENT_NAMES[change.kind],
    userIdentity: { principalId: `AWS:${ACCOUNT_ID}` },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': requestId,
      'x-amz-id-2': createHash('sha256').update(requestId).digest('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: {
        name: change.bucket,
        ownerIdentity: { principalId: ACCOUNT_ID },
        arn: `arn:aws:s3:::${change.bucket}`,
      },
      // An unversioned bucket: no `versionId`. A removal names the key only.
      object: {
        key: encodeS3Key(change.key),
        ...(created && { size: change.size, eTag: change.etag }),
        sequencer: sequencerOf(change),
      },
    },
  };
}

/** The event S3 sends for one change: one record per notification. */
export const toS3Notification = (change: ChangeRow, configurationId: string) => ({
  Records: [toS3Record(change, configurationId)],
});

/** The event an OSS trigger (rule `ruleId`) sends Function Compute for one change. */
export function toOssEvent(change: ChangeRow, ruleId: string) {
  const created = change.kind === 'created';
  return {
    events: [
      {
        eventName: OSS_EVENT_NAMES[change.kind],
        eventSource: 'acs:oss',
        eventTime: new Date(change.at).toISOString(),
        eventVersion: '1.0',
        oss: {
          bucket: {
            arn: `acs:oss:${OSS_REGION}:${OSS_OWNER}:${change.bucket}`,
            name: change.bucket,
            ownerIdentity: OSS_OWNER,
          },
          // OSS sends the key as it is, its ETag in upper case, and `size: 0` for a removal.
          object: {
            deltaSize: change.delta,
            eTag: change.etag.toUpperCase(),
            key: change.key,
            size: created ? change.size : 0,
          },
          ossSchemaVersion: '1.0',
          ruleId,
        },
        region: OSS_REGION,
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { requestId: `${requestIdOf(change)}${sequencerOf(change).slice(-8)}` },
        userIdentity: { principalId: OSS_OWNER },
      },
    ],
  };
}
