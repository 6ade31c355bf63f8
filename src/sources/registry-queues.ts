/**
 * Queues, topics, streams and object-store notifications (AWS). Each detects a distinct shape
 * (`Records[].eventSource`, SNS's `EventSource`, Kafka's `records` object, MQ's `messages` /
 * `rmqMessagesByQueue`, S3's test event), so the order among them only matters for speed: the most
 * common first. EventBridge is registered last, in index.ts.
 */
import { kafka } from './aws/kafka.js';
import { kinesis } from './aws/kinesis.js';
import { mq } from './aws/mq.js';
import { s3 } from './aws/s3.js';
import { sns } from './aws/sns.js';
import { sqs } from './aws/sqs.js';
import type { Source } from './types.js';

export const QUEUE_SOURCES: readonly Source[] = [sqs, sns, s3, kinesis, kafka, mq];
