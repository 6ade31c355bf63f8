/**
 * Change-data capture, log stores, and Alibaba Cloud's native trigger shapes. Order matters only where
 * shapes could overlap: record batches keyed by `eventSource` first, then the native Alibaba objects,
 * then the Debezium envelope (the loosest shape test).
 *
 * Alibaba EventBridge CloudEvents (`./alibaba/eventbridge.js`, `alibabaEventBridge`) are not listed here:
 * they are CloudEvents, so that source has to be tried before the generic structured-CloudEvent one.
 */
import { alibabaMnsTopic } from './alibaba/mns.js';
import { alibabaOss } from './alibaba/oss.js';
import { apacheRocketMq } from './alibaba/rocketmq.js';
import { alibabaSls } from './alibaba/sls.js';
import { debezium } from './cdc/debezium.js';
import { dynamoDbStreams } from './cdc/dynamodb.js';
import { cloudWatchLogs } from './logs/cloudwatch-logs.js';
import type { Source } from './types.js';

export const CDC_AND_LOG_SOURCES: readonly Source[] = [
  dynamoDbStreams,
  cloudWatchLogs,
  alibabaOss,
  alibabaSls,
  alibabaMnsTopic,
  apacheRocketMq,
  debezium,
];
