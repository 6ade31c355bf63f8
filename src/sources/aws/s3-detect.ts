/**
 * The S3 notification's shape, without its normalizer (s3.ts): what detection, the unwrapping of S3
 * notifications in SQS and SNS bodies, and the `prefix` check of a `sources` declaration read.
 */
import { isObject, type RecordBatch } from '../types.js';

/** The `eventSource` of S3 notification records, which is also the source's kind. */
export const S3_EVENT_SOURCE = 'aws:s3';

/** The message S3 sends when a notification is configured: acknowledged, never handed to a handler. */
export function isS3TestEvent(value: unknown): value is { Event: 's3:TestEvent'; Service: 'Amazon S3' } {
  return isObject(value) && value.Event === 's3:TestEvent' && value.Service === 'Amazon S3';
}

/** `{ Records: [{ eventSource: "aws:s3", … }] }`, as sent to Lambda, SNS and SQS. */
export function isS3Notification(value: unknown): value is RecordBatch {
  if (!isObject(value) || !Array.isArray(value.Records)) return false;
  const first: unknown = value.Records[0];
  return isObject(first) && first.eventSource === S3_EVENT_SOURCE;
}

/**
 * Notification keys are form-encoded: `+` is a space (a literal plus arrives as `%2B`), then percent-decoding.
 * A key that is not valid percent-encoding (a hand-written sample) is kept with only `+` replaced.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function decodeS3Key(key: string): string {
  // Most keys need no decoding at all: skip the replace and the decoder.
  if (key.indexOf('+') === -1 && key.indexOf('%') === -1) return key;
  const spaced = key.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
