/**
 * One Alibaba Cloud EventBridge rule with four targets, as the console builds it: the event pattern is
 * shared, and each target (each handler in this folder) shapes the event with its own transform.
 * The pattern is written in Alibaba's dialect: CloudEvents attributes at the top, the payload under `data`.
 */
import type { EventPattern } from 'triggerkit';

/** Objects created under `imports/` in any bucket whose OSS events reach the default bus. */
export const importUploads: EventPattern = {
  source: ['acs.oss'],
  type: [{ prefix: 'oss:ObjectCreated:' }],
  data: { oss: { object: { key: [{ prefix: 'imports/' }] } } },
};
