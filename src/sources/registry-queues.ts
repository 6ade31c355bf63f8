/** Queues, topics, streams and object-store notifications (AWS). */
import { sqs } from './aws/sqs.js';
import type { Source } from './types.js';

export const QUEUE_SOURCES: readonly Source[] = [sqs];
